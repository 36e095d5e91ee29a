import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError, unwrap } from '../api/client'
import { ErrorState } from '../runtime/ErrorState'
import { useMe, useMyApps } from '../session'
import { useUsers, type Token } from './queries'

const TOKENS_KEY = ['admin', 'tokens'] as const

interface NewTokenForm {
  name: string
  scopes: string[]
  apps?: string[]
}

export function TokensPage() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const me = useMe()
  const apps = useMyApps()
  const users = useUsers()
  const [form] = Form.useForm<NewTokenForm>()
  // the plaintext lives only in this state: closing the dialog forgets it, the server never shows it again
  const [secret, setSecret] = useState<string | null>(null)
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.username]))

  const tokens = useQuery({
    queryKey: TOKENS_KEY,
    queryFn: async () => unwrap(await api.GET('/api/v1/auth/tokens', { params: { query: { all: true } } })).tokens,
  })
  const create = useMutation({
    mutationFn: async (values: NewTokenForm) =>
      unwrap(await api.POST('/api/v1/auth/tokens', { body: { ...values, apps: values.apps?.length ? values.apps : null } })),
    onSuccess: async (created) => {
      setSecret(created.token)
      form.resetFields()
      await queryClient.invalidateQueries({ queryKey: TOKENS_KEY })
    },
  })
  const revoke = useMutation({
    mutationFn: async (id: number) => {
      const result = await api.DELETE('/api/v1/auth/tokens/{token_id}', { params: { path: { token_id: id } } })
      if (!result.response.ok) throw new ApiError(result.response.status, result.error)
    },
    onSuccess: async () => {
      message.success(t('admin.tokens.revoked'))
      await queryClient.invalidateQueries({ queryKey: TOKENS_KEY })
    },
    onError: (error) => message.error(error.message),
  })

  return (
    <section aria-labelledby="admin-tokens-title">
      <Typography.Title level={3} id="admin-tokens-title">
        {t('admin.nav.tokens')}
      </Typography.Title>
      <Card title={t('admin.tokens.new')} style={{ marginBottom: 16 }}>
        <Form form={form} layout="inline" onFinish={(values) => create.mutate(values)}>
          <Form.Item name="name" label={t('admin.tokens.name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="scopes" label={t('admin.tokens.scopes')} rules={[{ required: true }]}>
            <Select mode="multiple" style={{ minWidth: 240 }} options={(me.data?.scopes ?? []).map((s) => ({ value: s, label: s }))} />
          </Form.Item>
          <Form.Item name="apps" label={t('admin.tokens.apps')}>
            <Select
              mode="multiple"
              allowClear
              style={{ minWidth: 200 }}
              placeholder={t('admin.tokens.allApps')}
              options={(apps.data ?? []).map((a) => ({ value: a.key, label: a.key }))}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {t('admin.create')}
            </Button>
          </Form.Item>
        </Form>
        {create.error && <Alert style={{ marginTop: 12 }} type="error" showIcon message={create.error.message} />}
      </Card>
      {tokens.error ? (
        <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : (
        <Table<Token>
          rowKey="id"
          loading={tokens.isPending}
          dataSource={tokens.data ?? []}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          locale={{ emptyText: t('admin.tokens.empty') }}
          columns={[
            { title: t('admin.tokens.name'), dataIndex: 'name' },
            { title: t('admin.tokens.owner'), dataIndex: 'user_id', render: (id: number) => userName.get(id) ?? id },
            { title: t('admin.tokens.scopes'), dataIndex: 'scopes', render: (scopes: string[]) => scopes.map((s) => <Tag key={s}>{s}</Tag>) },
            { title: t('admin.tokens.apps'), dataIndex: 'apps', render: (keys: string[] | null) => keys?.join(', ') ?? t('admin.tokens.allApps') },
            { title: t('admin.tokens.createdAt'), dataIndex: 'created_at', render: (at: string) => new Date(at).toLocaleString() },
            { title: t('admin.tokens.lastUsed'), dataIndex: 'last_used_at', render: (at: string | null) => (at ? new Date(at).toLocaleString() : '—') },
            {
              title: t('admin.actions'),
              render: (_, token) =>
                token.revoked_at ? (
                  <Tag>{t('admin.tokens.isRevoked')}</Tag>
                ) : (
                  <Popconfirm title={t('admin.tokens.confirmRevoke')} onConfirm={() => revoke.mutate(token.id)}>
                    <Button size="small" danger aria-label={t('admin.tokens.revokeNamed', { name: token.name })}>
                      {t('admin.tokens.revoke')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      )}
      <Modal
        open={secret !== null}
        title={t('admin.tokens.secretTitle')}
        onCancel={() => setSecret(null)}
        destroyOnHidden
        footer={<Button type="primary" onClick={() => setSecret(null)}>{t('admin.tokens.secretDone')}</Button>}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="warning" showIcon message={t('admin.tokens.secretOnce')} />
          <Typography.Paragraph copyable code aria-label={t('admin.tokens.secret')}>
            {secret}
          </Typography.Paragraph>
        </Space>
      </Modal>
    </section>
  )
}
