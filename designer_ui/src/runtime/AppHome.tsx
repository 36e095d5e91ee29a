import { DashboardOutlined, FormOutlined, InboxOutlined, PlusOutlined, UnorderedListOutlined } from '@ant-design/icons'
import { Button, Card, Col, Empty, Row, Skeleton, Space, Statistic, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router'
import { pickLabel } from '../core/labels'
import { useOpenTaskCounts } from '../session'
import { useNavigation } from './useNavigation'
import { AgentHome } from './inbox/AgentHome'

/** /a/:app: the app's home, generated from its definition: my tasks, its forms, its dashboards. */
export function AppHome() {
  const { t, i18n } = useTranslation()
  const { app = '' } = useParams()
  const navigate = useNavigate()
  const nav = useNavigation(app)
  const counts = useOpenTaskCounts()
  if (!nav.data) return <Skeleton active />
  const lang = i18n.language
  const base = `/a/${app}`
  const description = pickLabel(nav.data.description, lang)

  return (
    <div className="app-home">
      <Typography.Title level={2}>{pickLabel(nav.data.label, lang, app)}</Typography.Title>
      {description && (
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, expandable: true }}>
          {description}
        </Typography.Paragraph>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} lg={8}>
          <Link to={`${base}/inbox`} aria-label={t('app.openTasks')}>
            <Card hoverable>
              <Statistic
                title={t('app.openTasks')}
                value={counts.data?.[app] ?? 0}
                prefix={<InboxOutlined aria-hidden />}
                loading={counts.isPending}
              />
            </Card>
          </Link>
        </Col>
      </Row>
      <AgentHome appKey={app} hasTasks={(counts.data?.[app] ?? 0) > 0} />

      <Typography.Title level={4} className="section-title">
        {t('app.forms')}
      </Typography.Title>
      {nav.data.forms.length === 0 && <Empty description={t('app.noForms')} />}
      <Row gutter={[16, 16]}>
        {nav.data.forms.map((form) => {
          const label = pickLabel(form.label, lang, form.key)
          return (
            <Col key={form.key} xs={24} sm={12} lg={8}>
              <Card
                title={
                  <Space>
                    <FormOutlined aria-hidden />
                    {label}
                  </Space>
                }
                size="small"
              >
                <Space wrap>
                  {form.actions.includes('read') && (
                    <Button
                      icon={<UnorderedListOutlined aria-hidden />}
                      aria-label={`${t('app.openList')}: ${label}`}
                      onClick={() => navigate(`${base}/forms/${form.key}`)}
                    >
                      {t('app.openList')}
                    </Button>
                  )}
                  {form.actions.includes('create') && (
                    <Button
                      type="primary"
                      icon={<PlusOutlined aria-hidden />}
                      aria-label={`${t('app.newRecord')}: ${label}`}
                      onClick={() => navigate(`${base}/forms/${form.key}/new`)}
                    >
                      {t('app.newRecord')}
                    </Button>
                  )}
                </Space>
              </Card>
            </Col>
          )
        })}
      </Row>

      <Typography.Title level={4} className="section-title">
        {t('app.dashboards')}
      </Typography.Title>
      {nav.data.dashboards.length === 0 && <Empty description={t('app.noDashboards')} />}
      <Row gutter={[16, 16]}>
        {nav.data.dashboards.map((dashboard) => (
          <Col key={dashboard.key} xs={24} sm={12} lg={8}>
            <Link to={`${base}/dashboards/${dashboard.key}`}>
              <Card hoverable size="small">
                <Space>
                  <DashboardOutlined aria-hidden />
                  {pickLabel(dashboard.label, lang, dashboard.key)}
                </Space>
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
      <Typography.Paragraph type="secondary" className="app-version">
        {t('app.version', { version: nav.data.version })}
      </Typography.Paragraph>
    </div>
  )
}
