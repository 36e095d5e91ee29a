import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, Button, Card, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { api, unwrap } from '../../api/client'
import { writeListing, readListing } from '../../core/market/listingUrl'
import { type Remote, REMOTES_KEY } from '../queries'
import { useRemotes } from '../useRemotes'

/** Remote template centers (another Dajian server's, by URL): browsed at /market?center=<id>; a package installed
 *  from one must be signed by the key the remote serves for its publisher, pinned the first time. */
export function RemoteCentersCard() {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const remotes = useRemotes()
  const [form] = Form.useForm<{ url: string; label: string }>()
  const refresh = () => queryClient.invalidateQueries({ queryKey: REMOTES_KEY })
  const add = useMutation({
    mutationFn: async (body: { url: string; label: string }) => unwrap(await api.POST('/api/v1/admin/market/remotes', { body })),
    onSuccess: async () => {
      form.resetFields()
      await refresh()
    },
  })
  const remove = useMutation({
    mutationFn: async (id: number) => unwrap(await api.DELETE('/api/v1/admin/market/remotes/{remote_id}', { params: { path: { remote_id: id } } })),
    onSuccess: refresh,
  })
  const browse = (id: number) => `/market?${writeListing({ ...readListing(new URLSearchParams()), center: id }).toString()}`
  return (
    <Card title={t('install.remotes.title')} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('install.remotes.hint')}</Typography.Paragraph>
      <Form form={form} name="remote" layout="inline" onFinish={(values) => add.mutate(values)} style={{ marginBottom: 12 }}>
        <Form.Item name="label" label={t('install.remotes.label')} rules={[{ required: true }]}>
          <Input style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="url" label={t('install.remotes.url')} rules={[{ required: true }]}>
          <Input style={{ width: 320 }} placeholder={t('install.remotes.placeholder')} />
        </Form.Item>
        <Button htmlType="submit" loading={add.isPending}>
          {t('install.remotes.add')}
        </Button>
      </Form>
      {add.error && <Alert type="error" showIcon message={add.error.message} style={{ marginBottom: 12 }} />}
      <Table<Remote>
        rowKey="id"
        size="small"
        pagination={false}
        loading={remotes.isPending}
        dataSource={remotes.data ?? []}
        locale={{ emptyText: t('install.remotes.empty') }}
        columns={[
          { title: t('install.remotes.label'), dataIndex: 'label', render: (label: string, r) => <Link to={browse(r.id)}>{label}</Link> },
          { title: t('install.remotes.url'), dataIndex: 'url', render: (url: string) => <Typography.Text code>{url}</Typography.Text> },
          {
            title: t('install.remotes.pins'),
            render: (_, r) =>
              Object.keys(r.pins).length === 0 ? (
                <Typography.Text type="secondary">{t('install.remotes.noPins')}</Typography.Text>
              ) : (
                <Space size={[4, 4]} wrap>
                  {Object.entries(r.pins).map(([publisher, keyId]) => (
                    <Tag key={publisher}>{t('install.remotes.pin', { publisher, keyId })}</Tag>
                  ))}
                </Space>
              ),
          },
          {
            title: t('install.actions'),
            render: (_, r) => (
              <Popconfirm title={t('install.remotes.confirmRemove')} onConfirm={() => remove.mutate(r.id)}>
                <Button size="small" danger aria-label={t('install.remotes.removeNamed', { label: r.label })}>
                  {t('install.remotes.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  )
}
