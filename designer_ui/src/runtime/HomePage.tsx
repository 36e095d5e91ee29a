import { Card, Col, Empty, Flex, Layout, Row, Skeleton, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { pickLabel } from '../core/labels'
import { useMe, useMyApps, useOpenTaskCounts } from '../session'
import { AppIconTile } from './appIcons'
import { ErrorState } from './ErrorState'
import { NewAppButton } from './NewAppButton'

/** "/": the apps I may open, each with my open tasks in it. */
export function HomePage() {
  const { t, i18n } = useTranslation()
  const apps = useMyApps()
  const counts = useOpenTaskCounts()
  const me = useMe()
  return (
    <Layout.Content className="page">
      <Flex justify="space-between" align="center">
        <Typography.Title level={2}>{t('home.title')}</Typography.Title>
        {me.data?.is_org_admin && <NewAppButton taken={(apps.data ?? []).map((a) => a.key)} />}
      </Flex>
      {apps.isPending && <Skeleton active />}
      {apps.isError && <ErrorState error={apps.error} onRetry={() => void apps.refetch()} />}
      {apps.data?.length === 0 && <Empty description={t('home.empty')} />}
      <Row gutter={[16, 16]}>
        {apps.data?.map((app) => {
          const open = counts.data?.[app.key] ?? 0
          const label = pickLabel(app.label, i18n.language, app.key)
          return (
            <Col key={app.key} xs={24} sm={12} lg={8}>
              <Link to={`/a/${app.key}`} aria-label={label}>
                <Card hoverable>
                  <Card.Meta
                    avatar={<AppIconTile icon={app.icon} />}
                    title={label}
                    description={
                      <Typography.Text strong={open > 0} type={open > 0 ? undefined : 'secondary'}>
                        {t('home.openTasks', { count: open })}
                      </Typography.Text>
                    }
                  />
                </Card>
              </Link>
            </Col>
          )
        })}
      </Row>
    </Layout.Content>
  )
}
