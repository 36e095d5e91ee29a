import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App as AntApp, Button, Card, Descriptions, List, Popconfirm, Progress, Space, Table, Tag, Typography, Upload } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import type { components } from '../api/schema'
import type { AppSummary } from '../api/types'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { useMyApps } from '../session'
import { uploadRaw } from './uploadRaw'

type Published = components['schemas']['Published']
type TemplateImport = components['schemas']['TemplateImport']

function download(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob)
  const link = Object.assign(globalThis.document.createElement('a'), { href: url, download: name })
  link.click()
  URL.revokeObjectURL(url)
}

/** The migration plan of an import: what each form table would gain, lose or convert. */
function PlanView({ plan }: { plan: Published }) {
  const { t } = useTranslation()
  if (plan.unchanged) return <Alert type="info" showIcon message={t('admin.apps.unchanged')} />
  const changed = plan.plan.filter((form) => form.steps.length > 0)
  const same = plan.plan.length - changed.length
  return (
    <List
      size="small"
      header={t('admin.apps.planFor', { version: plan.version })}
      footer={same > 0 && <Typography.Text type="secondary">{t('admin.apps.formsUnchanged', { count: same })}</Typography.Text>}
      dataSource={changed}
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
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const [file, setFile] = useState<File | null>(null)
  const [percent, setPercent] = useState(0)
  const importApp = useMutation({
    mutationFn: async ({ upload, dryRun, expected }: { upload: File; dryRun: boolean; expected?: number }) => {
      setPercent(0)
      const query = new URLSearchParams({ dry_run: String(dryRun), ...(expected === undefined ? {} : { expected_version: String(expected) }) })
      return uploadRaw<TemplateImport>(`/api/v1/admin/templates/import?${query.toString()}`, upload, setPercent)
    },
    onSuccess: async (answer) => {
      if (answer.result.dry_run) return
      message.success(t('admin.apps.imported', { version: answer.result.version }))
      setFile(null)
      await queryClient.invalidateQueries({ queryKey: ['apps'] })
    },
  })
  const planned = importApp.data?.result.dry_run ? importApp.data : null
  const template = planned?.template
  return (
    <Card title={t('admin.apps.import')} style={{ marginBottom: 16 }}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('admin.apps.importHint')}</Typography.Text>
        <Upload
          accept=".zip,.json,application/zip,application/json"
          showUploadList={false}
          beforeUpload={(chosen) => {
            setFile(chosen)
            importApp.mutate({ upload: chosen, dryRun: true }) // the plan first: nothing changes until the admin applies it
            return false
          }}
        >
          <Button>{t('admin.apps.chooseFile')}</Button>
        </Upload>
        {file && <Typography.Text>{file.name}</Typography.Text>}
        {importApp.isPending && (
          <Progress
            percent={percent}
            status="active"
            aria-label={t('admin.apps.working')}
            format={(p) => (p === 100 ? t('admin.apps.serverWorking') : `${p ?? 0}%`)}
          />
        )}
        {importApp.error && (
          <Alert
            type="error"
            showIcon
            message={importApp.error.message}
            description={importApp.error instanceof ApiError && importApp.error.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}
          />
        )}
        {planned && file && (
          <>
            <Descriptions size="small" column={2} bordered>
              <Descriptions.Item label={t('admin.apps.key')}>{planned.app}</Descriptions.Item>
              <Descriptions.Item label={t('admin.apps.template')}>
                {template ? `${pickLabel(template.name, i18n.language, planned.app)} ${template.version}` : t('admin.apps.bareDocument')}
              </Descriptions.Item>
              <Descriptions.Item label={t('admin.apps.installed')}>
                {planned.installed_version === null
                  ? t('admin.apps.notInstalled')
                  : t('admin.apps.installedAs', { version: planned.installed_version, template: planned.installed_template ?? '—' })}
              </Descriptions.Item>
              <Descriptions.Item label={t('admin.apps.after')}>{t('admin.apps.versionN', { version: planned.result.version })}</Descriptions.Item>
            </Descriptions>
            <PlanView plan={planned.result} />
            <Popconfirm
              title={planned.installed_version === null ? t('admin.apps.confirmInstall') : t('admin.apps.confirmUpgrade')}
              onConfirm={() => importApp.mutate({ upload: file, dryRun: false, expected: planned.installed_version ?? 0 })}
              disabled={planned.result.unchanged}
            >
              <Button type="primary" disabled={planned.result.unchanged}>
                {planned.installed_version === null ? t('admin.apps.install') : t('admin.apps.upgrade')}
              </Button>
            </Popconfirm>
          </>
        )}
      </Space>
    </Card>
  )
}

export function AppsPage() {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const apps = useMyApps()
  const navigate = useNavigate()
  const exportApp = async (key: string) => {
    try {
      const result = await api.GET('/api/v1/admin/apps/{app_key}/template.zip', { params: { path: { app_key: key } }, parseAs: 'blob' })
      download(`${key}.zip`, unwrap(result) as unknown as Blob)
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error))
    }
  }
  return (
    <section aria-labelledby="admin-apps-title">
      <Typography.Title level={3} id="admin-apps-title">
        {t('admin.nav.apps')}
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={t('admin.apps.packagesHint')}
        action={<Button onClick={() => navigate('/admin/packages')}>{t('admin.apps.packagesOpen')}</Button>}
      />
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
                  <Button size="small" onClick={() => navigate(`/admin/deliveries?app=${app.key}`)} aria-label={t('admin.apps.deliveriesOf', { app: app.key })}>
                    {t('admin.apps.deliveries')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      )}
    </section>
  )
}
