import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App as AntApp, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, unwrap } from '../../api/client'
import { pickLabel } from '../../core/labels'
import { ErrorState } from '../../runtime/ErrorState'
import { InstallWizard } from './InstallWizard'
import { INSTALLS_KEY, type Installed } from './queries'
import { RemoteCentersCard } from './RemoteCentersCard'
import { TrustedKeysCard } from './TrustedKeysCard'
import { UpgradeWizard } from './UpgradeWizard'
import { useInstalls } from './useInstalls'

const SIGNATURE_COLOR = { trusted: 'green', untrusted: 'orange', unsigned: 'orange', bad: 'red' } as const

/** /admin/packages — template packages installed in the organisation: install, upgrade, uninstall, trusted keys. */
export function PackagesPage() {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const installs = useInstalls()
  const [installing, setInstalling] = useState(false)
  const [upgrading, setUpgrading] = useState<string | null>(null)
  const uninstall = useMutation({
    mutationFn: async (app: string) =>
      unwrap(await api.POST('/api/v1/admin/market/installs/{app_key}/uninstall', { params: { path: { app_key: app } } })),
    onSuccess: async (answer) => {
      message.success(t('install.uninstalled', { app: answer.app }))
      await queryClient.invalidateQueries({ queryKey: INSTALLS_KEY })
    },
    onError: (error) => message.error(error.message),
  })
  return (
    <section aria-labelledby="admin-packages-title">
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} id="admin-packages-title">
          {t('install.pageTitle')}
        </Typography.Title>
        <Button type="primary" onClick={() => setInstalling(true)}>
          {t('install.installPackage')}
        </Button>
      </Space>
      {installs.error ? (
        <ErrorState error={installs.error} onRetry={() => void installs.refetch()} />
      ) : (
        <Table<Installed>
          rowKey="app"
          loading={installs.isPending}
          dataSource={installs.data ?? []}
          pagination={false}
          style={{ marginBottom: 16 }}
          locale={{ emptyText: t('install.empty') }}
          columns={[
            { title: t('install.app'), dataIndex: 'app', sorter: (a, b) => a.app.localeCompare(b.app) },
            { title: t('install.name'), render: (_, row) => (row.name ? pickLabel(row.name, i18n.language, row.app) : row.app) },
            { title: t('install.version'), dataIndex: 'version' },
            {
              title: t('install.status'),
              dataIndex: 'status',
              render: (status: Installed['status']) => <Tag color={status === 'installed' ? 'green' : 'default'}>{t(`install.statuses.${status}`)}</Tag>,
            },
            {
              title: t('install.signatureColumn'),
              dataIndex: 'signature',
              render: (status: Installed['signature']) => <Tag color={SIGNATURE_COLOR[status]}>{t(`install.signatureShort.${status}`)}</Tag>,
            },
            { title: t('install.updated'), dataIndex: 'updated_at', render: (at: string) => new Date(at).toLocaleString() },
            {
              title: t('install.actions'),
              render: (_, row) =>
                row.status === 'installed' ? (
                  <Space>
                    <Button size="small" onClick={() => setUpgrading(row.app)} aria-label={t('install.upgradeNamed', { app: row.app })}>
                      {t('install.upgradeAction')}
                    </Button>
                    <Popconfirm title={t('install.confirmUninstall')} onConfirm={() => uninstall.mutate(row.app)}>
                      <Button size="small" danger aria-label={t('install.uninstallNamed', { app: row.app })}>
                        {t('install.uninstall')}
                      </Button>
                    </Popconfirm>
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t('install.reinstallHint')}</Typography.Text>
                ),
            },
          ]}
        />
      )}
      <TrustedKeysCard />
      <RemoteCentersCard />
      <InstallWizard open={installing} onClose={() => setInstalling(false)} />
      <UpgradeWizard app={upgrading} onClose={() => setUpgrading(null)} />
    </section>
  )
}
