import { Button, Card, Empty, List, Popconfirm, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { JobProgress } from './install/JobProgress'
import type { Sandbox } from './queries'
import { useSandboxActions } from './useSandboxActions'
import { useSandboxes } from './useSandboxes'

function SandboxItem({ sandbox, actions }: { sandbox: Sandbox; actions: ReturnType<typeof useSandboxActions> }) {
  const { t, i18n } = useTranslation()
  const expires = new Date(sandbox.expires_at).toLocaleString(i18n.language)
  const ready = sandbox.job.state === 'succeeded'
  return (
    <List.Item>
      <Space direction="vertical" style={{ width: '100%' }} aria-label={t('market.sandbox.item', { org: sandbox.org })} role="group">
        <Typography.Text type="secondary">{t('market.sandbox.where', { org: sandbox.org, expires })}</Typography.Text>
        {!ready && <JobProgress job={sandbox.job} formLabels={{}} />}
        <Space wrap>
          {ready && (
            <Button type="primary" loading={actions.enter.isPending} onClick={() => actions.enter.mutate(sandbox.id)}>
              {t('market.sandbox.open')}
            </Button>
          )}
          <Popconfirm title={t('market.sandbox.discardConfirm')} onConfirm={() => actions.discard.mutateAsync(sandbox.id)}>
            <Button danger>{t('market.sandbox.discard')}</Button>
          </Popconfirm>
        </Space>
        {ready && <Typography.Text type="secondary">{t('market.sandbox.openHint')}</Typography.Text>}
      </Space>
    </List.Item>
  )
}

/** The reviewer's sandbox installs of a version: make one (installed with its demo data into a throwaway
 *  organisation, with progress), open it signed in as its administrator, discard it. */
export function SandboxCard({ versionId }: { versionId: number }) {
  const { t } = useTranslation()
  const sandboxes = useSandboxes(versionId)
  const actions = useSandboxActions(versionId)
  return (
    <Card
      size="small"
      title={t('market.sandbox.title')}
      extra={
        <Button loading={actions.make.isPending} onClick={() => actions.make.mutate()}>
          {t('market.sandbox.make')}
        </Button>
      }
    >
      <List
        loading={sandboxes.isPending}
        dataSource={sandboxes.data ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('market.sandbox.none')} /> }}
        renderItem={(sandbox) => <SandboxItem key={sandbox.id} sandbox={sandbox} actions={actions} />}
      />
    </Card>
  )
}
