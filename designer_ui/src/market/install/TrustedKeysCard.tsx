import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, Button, Card, Form, Input, Popconfirm, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { api, unwrap } from '../../api/client'
import { KEYS_KEY, type TrustedKey } from './queries'
import { useTrustedKeys } from './useTrustedKeys'

/** The organisation's trusted publisher keys: packages they signed install without a warning. */
export function TrustedKeysCard() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const keys = useTrustedKeys()
  const [form] = Form.useForm<{ label: string; public_key: string }>()
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEYS_KEY })
  const add = useMutation({
    mutationFn: async (body: { label: string; public_key: string }) => unwrap(await api.POST('/api/v1/admin/market/keys', { body })),
    onSuccess: async () => {
      form.resetFields()
      await refresh()
    },
  })
  const remove = useMutation({
    mutationFn: async (keyId: string) =>
      unwrap(await api.DELETE('/api/v1/admin/market/keys/{key_id}', { params: { path: { key_id: keyId } } })),
    onSuccess: refresh,
  })
  return (
    <Card title={t('install.keys.title')} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('install.keys.hint')}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={(values) => add.mutate(values)} style={{ marginBottom: 12 }}>
        <Form.Item name="label" label={t('install.keys.label')} rules={[{ required: true }]}>
          <Input style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="public_key" label={t('install.keys.publicKey')} rules={[{ required: true }]}>
          <Input style={{ width: 420 }} placeholder={t('install.keys.placeholder')} />
        </Form.Item>
        <Button htmlType="submit" loading={add.isPending}>
          {t('install.keys.add')}
        </Button>
      </Form>
      {add.error && <Alert type="error" showIcon message={add.error.message} style={{ marginBottom: 12 }} />}
      <Table<TrustedKey>
        rowKey="key_id"
        size="small"
        pagination={false}
        loading={keys.isPending}
        dataSource={keys.data ?? []}
        locale={{ emptyText: t('install.keys.empty') }}
        columns={[
          { title: t('install.keys.label'), dataIndex: 'label' },
          { title: t('install.keys.id'), dataIndex: 'key_id', render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
          { title: t('install.keys.added'), dataIndex: 'created_at', render: (at: string) => new Date(at).toLocaleString() },
          {
            title: t('install.actions'),
            render: (_, key) => (
              <Popconfirm title={t('install.keys.confirmRemove')} onConfirm={() => remove.mutate(key.key_id)}>
                <Button size="small" danger aria-label={t('install.keys.removeNamed', { label: key.label })}>
                  {t('install.keys.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  )
}
