import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App as AntApp, Button, Drawer, Form, Input, List, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError, unwrap } from '../api/client'
import type { components } from '../api/schema'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { useMyApps } from '../session'
import { DEPARTMENTS_KEY, useDepartments, USERS_KEY, useUsers, type UserEntry } from './queries'

interface NewUserForm {
  username: string
  display_name?: string
  email?: string
  password: string
  dept_id?: number
  is_org_admin?: boolean
}

type RoleMembership = components['schemas']['RoleMembership']

interface RoleForm {
  app: string
  role: string
}

function errorText(error: unknown): string {
  return error instanceof ApiError ? error.message : String(error)
}

/** Roles of one app, from its definition (the draft carries the same role keys as the published version). */
function useAppRoles(appKey: string | undefined) {
  return useQuery({
    queryKey: ['admin', 'app-roles', appKey],
    enabled: Boolean(appKey),
    queryFn: async () => {
      const detail = unwrap(await api.GET('/api/v1/apps/{app_key}', { params: { path: { app_key: appKey ?? '' } } }))
      const draft = detail.draft as { roles?: { key: string; label?: Record<string, string> }[] } | null
      return draft?.roles ?? []
    },
  })
}

function RoleDrawer({ user, onClose }: { user: UserEntry | null; onClose: () => void }) {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const [form] = Form.useForm<RoleForm>()
  const appKey = Form.useWatch('app', form)
  const apps = useMyApps()
  const roles = useAppRoles(appKey)
  const heldKey = ['admin', 'memberships', user?.id]
  const held = useQuery({
    queryKey: heldKey,
    enabled: user !== null,
    queryFn: async () => unwrap(await api.GET('/api/v1/admin/memberships', { params: { query: { user_id: user?.id ?? 0 } } })),
  })
  const grant = useMutation({
    mutationFn: async (values: RoleForm) =>
      unwrap(await api.POST('/api/v1/admin/memberships', { body: { user_id: user?.id ?? 0, ...values } })),
    onSuccess: async () => {
      message.success(t('admin.users.roleGranted'))
      form.resetFields()
      await queryClient.invalidateQueries({ queryKey: heldKey })
    },
  })
  const revoke = useMutation({
    mutationFn: async (role: RoleMembership) =>
      unwrap(await api.DELETE('/api/v1/admin/memberships', { body: { user_id: role.user_id, app: role.app, role: role.role } })),
    onSuccess: async () => {
      message.success(t('admin.users.roleRevoked'))
      await queryClient.invalidateQueries({ queryKey: heldKey })
    },
    onError: (error) => message.error(errorText(error)),
  })
  return (
    <Drawer open={user !== null} onClose={onClose} title={t('admin.users.rolesOf', { name: user?.display_name ?? '' })} width={480} destroyOnHidden>
      <Typography.Title level={5}>{t('admin.users.heldRoles')}</Typography.Title>
      <List<RoleMembership>
        size="small"
        bordered
        loading={held.isPending}
        dataSource={held.data ?? []}
        locale={{ emptyText: t('admin.users.noRoles') }}
        style={{ marginBottom: 24 }}
        renderItem={(role) => {
          const name = `${pickLabel(role.app_label, i18n.language, role.app)} · ${pickLabel(role.role_label, i18n.language, role.role)}`
          return (
            <List.Item
              actions={[
                <Popconfirm key="revoke" title={t('admin.users.confirmRevoke', { role: name })} onConfirm={() => revoke.mutate(role)}>
                  <Button size="small" danger aria-label={t('admin.users.revokeOf', { role: name })}>
                    {t('admin.users.revoke')}
                  </Button>
                </Popconfirm>,
              ]}
            >
              {name}
            </List.Item>
          )
        }}
      />
      <Typography.Title level={5}>{t('admin.users.grantTitle')}</Typography.Title>
      <Form form={form} layout="vertical" onFinish={(values) => grant.mutate(values)}>
        <Form.Item name="app" label={t('admin.users.app')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={(apps.data ?? []).map((app) => ({ value: app.key, label: pickLabel(app.label, i18n.language, app.key) }))}
          />
        </Form.Item>
        <Form.Item name="role" label={t('admin.users.role')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            loading={roles.isFetching}
            options={(roles.data ?? []).map((role) => ({ value: role.key, label: pickLabel(role.label, i18n.language, role.key) }))}
          />
        </Form.Item>
        {grant.error && <Typography.Text type="danger">{errorText(grant.error)}</Typography.Text>}
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={grant.isPending}>
            {t('admin.users.grant')}
          </Button>
        </Form.Item>
      </Form>
    </Drawer>
  )
}

export function UsersPage() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const users = useUsers()
  const departments = useDepartments()
  const [creating, setCreating] = useState(false)
  const [rolesFor, setRolesFor] = useState<UserEntry | null>(null)
  const [form] = Form.useForm<NewUserForm>()
  const [resetFor, setResetFor] = useState<UserEntry | null>(null)
  const [resetForm] = Form.useForm<{ password: string }>()
  const deptName = new Map((departments.data ?? []).map((d) => [d.id, d.name]))

  const create = useMutation({
    mutationFn: async (values: NewUserForm) =>
      unwrap(await api.POST('/api/v1/admin/users', { body: { ...values, is_org_admin: values.is_org_admin ?? false } })),
    onSuccess: async () => {
      message.success(t('admin.users.created'))
      form.resetFields()
      setCreating(false)
      await queryClient.invalidateQueries({ queryKey: USERS_KEY })
      await queryClient.invalidateQueries({ queryKey: DEPARTMENTS_KEY })
    },
  })

  const changeAccount = useMutation({
    mutationFn: async ({ user, change }: { user: UserEntry; change: { is_active?: boolean; password?: string } }) =>
      unwrap(await api.PATCH('/api/v1/admin/users/{user_id}', { params: { path: { user_id: user.id } }, body: change })),
    onSuccess: async (_, { change }) => {
      message.success(t(change.password ? 'admin.users.passwordReset' : change.is_active ? 'admin.users.enabled' : 'admin.users.disabledNow'))
      setResetFor(null)
      resetForm.resetFields()
      await queryClient.invalidateQueries({ queryKey: USERS_KEY })
    },
    onError: (error) => message.error(errorText(error)),
  })

  if (users.error) return <ErrorState error={users.error} onRetry={() => void users.refetch()} />
  return (
    <section aria-labelledby="admin-users-title">
      <Space className="admin-toolbar" style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Title level={3} id="admin-users-title" style={{ margin: 0 }}>
          {t('admin.nav.users')}
        </Typography.Title>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('admin.users.new')}
        </Button>
      </Space>
      <Table<UserEntry>
        rowKey="id"
        loading={users.isPending}
        dataSource={users.data ?? []}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        locale={{ emptyText: t('admin.users.empty') }}
        columns={[
          { title: t('admin.users.username'), dataIndex: 'username', sorter: (a, b) => a.username.localeCompare(b.username) },
          { title: t('admin.users.displayName'), dataIndex: 'display_name' },
          { title: t('admin.users.department'), dataIndex: 'dept_id', render: (id: number | null) => (id ? deptName.get(id) ?? id : '—') },
          { title: t('admin.users.email'), dataIndex: 'email', render: (email: string | null) => email ?? '—' },
          {
            title: t('admin.users.status'),
            render: (_, user) => (
              <Space size={4}>
                {user.is_org_admin && <Tag color="gold">{t('admin.users.admin')}</Tag>}
                <Tag color={user.is_active ? 'green' : 'default'}>{t(user.is_active ? 'admin.users.active' : 'admin.users.disabled')}</Tag>
              </Space>
            ),
          },
          {
            title: t('admin.actions'),
            render: (_, user) => (
              <Space size={4}>
                <Button size="small" onClick={() => setRolesFor(user)} aria-label={t('admin.users.rolesOf', { name: user.username })}>
                  {t('admin.users.roles')}
                </Button>
                <Button size="small" onClick={() => setResetFor(user)} aria-label={t('admin.users.resetOf', { name: user.username })}>
                  {t('admin.users.reset')}
                </Button>
                {user.is_active ? (
                  <Popconfirm
                    title={t('admin.users.confirmDisable')}
                    onConfirm={() => changeAccount.mutate({ user, change: { is_active: false } })}
                  >
                    <Button size="small" danger aria-label={t('admin.users.disableOf', { name: user.username })}>
                      {t('admin.users.disable')}
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button
                    size="small"
                    onClick={() => changeAccount.mutate({ user, change: { is_active: true } })}
                    aria-label={t('admin.users.enableOf', { name: user.username })}
                  >
                    {t('admin.users.enable')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Drawer open={creating} onClose={() => setCreating(false)} title={t('admin.users.new')} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={(values) => create.mutate(values)}>
          <Form.Item name="username" label={t('admin.users.username')} rules={[{ required: true }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="display_name" label={t('admin.users.displayName')}>
            <Input />
          </Form.Item>
          <Form.Item name="email" label={t('admin.users.email')}>
            <Input type="email" />
          </Form.Item>
          <Form.Item name="password" label={t('admin.users.password')} rules={[{ required: true, min: 8 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="dept_id" label={t('admin.users.department')}>
            <Select allowClear showSearch optionFilterProp="label" options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
          <Form.Item name="is_org_admin" label={t('admin.users.admin')} valuePropName="checked">
            <Switch />
          </Form.Item>
          {create.error && <Typography.Text type="danger">{errorText(create.error)}</Typography.Text>}
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {t('admin.create')}
            </Button>
          </Form.Item>
        </Form>
      </Drawer>
      <Modal
        open={resetFor !== null}
        title={t('admin.users.resetOf', { name: resetFor?.username ?? '' })}
        onCancel={() => setResetFor(null)}
        onOk={() => resetForm.submit()}
        confirmLoading={changeAccount.isPending}
        destroyOnHidden
      >
        <Form
          form={resetForm}
          layout="vertical"
          onFinish={(values) => resetFor && changeAccount.mutate({ user: resetFor, change: { password: values.password } })}
        >
          <Form.Item name="password" label={t('admin.users.newPassword')} extra={t('admin.users.resetHint')} rules={[{ required: true, min: 8 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
      <RoleDrawer user={rolesFor} onClose={() => setRolesFor(null)} />
    </section>
  )
}
