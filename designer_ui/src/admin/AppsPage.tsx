import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App as AntApp, Button, Card, Descriptions, Drawer, List, Progress, Space, Table, Tag, Typography, Upload } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError, unwrap } from '../api/client'
import type { components } from '../api/schema'
import type { AppSummary } from '../api/types'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { useMyApps } from '../session'

type Published = components['schemas']['Published']
type Delivery = components['schemas']['Delivery']

function download(name: string, document: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }))
  const link = Object.assign(globalThis.document.createElement('a'), { href: url, download: name })
  link.click()
  URL.revokeObjectURL(url)
}

/** The migration plan of an import: what each form table would gain, lose or convert. */
function PlanView({ plan }: { plan: Published }) {
  const { t } = useTranslation()
  if (plan.unchanged) return <Alert type="info" showIcon message={t('admin.apps.unchanged')} />
  return (
    <List
      size="small"
      header={t('admin.apps.planFor', { version: plan.version })}
      dataSource={plan.plan}
      locale={{ emptyText: t('admin.apps.planEmpty') }}
      renderItem={(form) => (
        <List.Item>
          <Space direction="vertical" size={2}>
            <Typography.Text strong>{form.form}</Typography.Text>
            <Space wrap size={4}>
              {form.steps.map((step, i) => (
                <Tag key={i} color={step.ddl ? 'orange' : 'default'}>
                  {step.op}
                  {step.field ? ` ${step.field}` : ''}
                </Tag>
              ))}
            </Space>
          </Space>
        </List.Item>
      )}
    />
  )
}

function ImportCard() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const [definition, setDefinition] = useState<unknown>(null)
  const [fileName, setFileName] = useState('')
  const [readError, setReadError] = useState<string | null>(null)
  const importApp = useMutation({
    mutationFn: async (dryRun: boolean) =>
      unwrap(await api.POST('/api/v1/apps/import', { body: definition as never, params: { query: { dry_run: dryRun } } })),
    onSuccess: async (result) => {
      if (result.dry_run) return
      message.success(t('admin.apps.imported', { version: result.version }))
      setDefinition(null)
      await queryClient.invalidateQueries({ queryKey: ['apps'] })
    },
  })
  const plan = importApp.data?.dry_run ? importApp.data : null
  return (
    <Card title={t('admin.apps.import')} style={{ marginBottom: 16 }}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('admin.apps.importHint')}</Typography.Text>
        <Upload
          accept=".json,application/json"
          showUploadList={false}
          beforeUpload={async (file) => {
            importApp.reset()
            setReadError(null)
            setFileName(file.name)
            try {
              const parsed: unknown = JSON.parse(await file.text())
              setDefinition(parsed)
              importApp.mutate(true) // the plan first: nothing changes until the admin confirms
            } catch (error) {
              setDefinition(null)
              setReadError(t('admin.apps.notJson', { detail: String(error) }))
            }
            return false
          }}
        >
          <Button>{t('admin.apps.chooseFile')}</Button>
        </Upload>
        {fileName && <Typography.Text>{fileName}</Typography.Text>}
        {readError && <Alert type="error" showIcon message={readError} />}
        {importApp.isPending && <Progress percent={99} status="active" showInfo={false} aria-label={t('admin.apps.working')} />}
        {importApp.error && (
          <Alert
            type="error"
            showIcon
            message={importApp.error.message}
            description={importApp.error instanceof ApiError && importApp.error.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}
          />
        )}
        {plan && (
          <>
            <PlanView plan={plan} />
            <Button type="primary" disabled={plan.unchanged} loading={importApp.isPending} onClick={() => importApp.mutate(false)}>
              {t('admin.apps.applyImport')}
            </Button>
          </>
        )}
      </Space>
    </Card>
  )
}

function DeliveriesDrawer({ app, onClose }: { app: AppSummary | null; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const deliveries = useQuery({
    queryKey: ['admin', 'deliveries', app?.key],
    enabled: app !== null,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/apps/{app_key}/webhooks/deliveries', { params: { path: { app_key: app?.key ?? '' } } })).items,
  })
  const redeliver = useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.POST('/api/v1/webhooks/deliveries/{delivery_id}/redeliver', { params: { path: { delivery_id: id } } })),
    onSuccess: async () => {
      message.success(t('admin.apps.redelivered'))
      await deliveries.refetch()
    },
    onError: (error) => message.error(error.message),
  })
  return (
    <Drawer open={app !== null} onClose={onClose} width={900} title={t('admin.apps.deliveriesOf', { app: app?.key ?? '' })}>
      {deliveries.error ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : (
        <Table<Delivery>
          rowKey="id"
          size="small"
          loading={deliveries.isPending}
          dataSource={deliveries.data ?? []}
          locale={{ emptyText: t('admin.apps.noDeliveries') }}
          columns={[
            { title: t('admin.apps.event'), dataIndex: 'event' },
            { title: t('admin.apps.url'), dataIndex: 'url', ellipsis: true },
            {
              title: t('admin.apps.status'),
              dataIndex: 'status',
              render: (status: string) => <Tag color={status === 'delivered' ? 'green' : status === 'dead' ? 'red' : 'blue'}>{status}</Tag>,
            },
            { title: t('admin.apps.attempts'), dataIndex: 'attempts' },
            { title: t('admin.apps.lastError'), dataIndex: 'last_error', ellipsis: true, render: (e: string | null) => e ?? '—' },
            {
              title: t('admin.actions'),
              render: (_, delivery) => (
                <Button size="small" onClick={() => redeliver.mutate(delivery.id)} aria-label={t('admin.apps.redeliverNamed', { id: delivery.id })}>
                  {t('admin.apps.redeliver')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </Drawer>
  )
}

export function AppsPage() {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const apps = useMyApps()
  const [deliveriesOf, setDeliveriesOf] = useState<AppSummary | null>(null)
  const exportApp = async (key: string) => {
    try {
      download(`${key}.json`, unwrap(await api.GET('/api/v1/apps/{app_key}/export', { params: { path: { app_key: key } } })))
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error))
    }
  }
  return (
    <section aria-labelledby="admin-apps-title">
      <Typography.Title level={3} id="admin-apps-title">
        {t('admin.nav.apps')}
      </Typography.Title>
      <ImportCard />
      {apps.error ? (
        <ErrorState error={apps.error} onRetry={() => void apps.refetch()} />
      ) : (
        <Table<AppSummary>
          rowKey="key"
          loading={apps.isPending}
          dataSource={apps.data ?? []}
          pagination={false}
          locale={{ emptyText: t('admin.apps.empty') }}
          expandable={{
            expandedRowRender: (app) => (
              <Descriptions size="small" column={2}>
                <Descriptions.Item label={t('admin.apps.draftUpdated')}>
                  {app.draft_updated_at ? new Date(app.draft_updated_at).toLocaleString() : '—'}
                </Descriptions.Item>
              </Descriptions>
            ),
          }}
          columns={[
            { title: t('admin.apps.key'), dataIndex: 'key' },
            { title: t('admin.apps.label'), render: (_, app) => pickLabel(app.label, i18n.language, app.key) },
            {
              title: t('admin.apps.published'),
              dataIndex: 'current_version_id',
              render: (id: number | null) => (id === null ? <Tag>{t('admin.apps.unpublished')}</Tag> : <Tag color="green">{t('admin.apps.live')}</Tag>),
            },
            {
              title: t('admin.actions'),
              render: (_, app) => (
                <Space>
                  <Button size="small" onClick={() => void exportApp(app.key)} aria-label={t('admin.apps.exportNamed', { app: app.key })}>
                    {t('admin.apps.export')}
                  </Button>
                  <Button size="small" onClick={() => setDeliveriesOf(app)} aria-label={t('admin.apps.deliveriesOf', { app: app.key })}>
                    {t('admin.apps.deliveries')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      )}
      <DeliveriesDrawer app={deliveriesOf} onClose={() => setDeliveriesOf(null)} />
    </section>
  )
}
