import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App as AntApp, Button, Card, Col, Empty, Form, Input, Row, Select, Spin, Tree, Typography } from 'antd'
import type { DataNode } from 'antd/es/tree'
import { useTranslation } from 'react-i18next'
import { api, ApiError, unwrap } from '../api/client'
import { buildDepartmentTree, type DepartmentNode } from '../core/admin/departmentTree'
import { ErrorState } from '../runtime/ErrorState'
import { DEPARTMENTS_KEY, useDepartments, useUsers, type Department } from './queries'

interface NewDepartmentForm {
  key: string
  name: string
  parent_id?: number
  manager_id?: number
}

export function DepartmentsPage() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const departments = useDepartments()
  const users = useUsers()
  const [form] = Form.useForm<NewDepartmentForm>()
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.display_name || u.username]))

  const create = useMutation({
    mutationFn: async (values: NewDepartmentForm) => unwrap(await api.POST('/api/v1/admin/departments', { body: values })),
    onSuccess: async () => {
      message.success(t('admin.departments.created'))
      form.resetFields()
      await queryClient.invalidateQueries({ queryKey: DEPARTMENTS_KEY })
    },
  })

  const toData = (node: DepartmentNode<Department>): DataNode => {
    const manager = node.department.manager_id ? userName.get(node.department.manager_id) : undefined
    return {
      key: node.department.id,
      title: manager ? `${node.department.name} · ${t('admin.departments.managerIs', { name: manager })}` : node.department.name,
      children: node.children.map(toData),
    }
  }

  if (departments.error) return <ErrorState error={departments.error} onRetry={() => void departments.refetch()} />
  const tree = buildDepartmentTree(departments.data ?? []).map(toData)
  return (
    <section aria-labelledby="admin-departments-title">
      <Typography.Title level={3} id="admin-departments-title">
        {t('admin.nav.departments')}
      </Typography.Title>
      <Row gutter={24}>
        <Col span={14}>
          <Card title={t('admin.departments.tree')}>
            {departments.isPending ? (
              <Spin />
            ) : tree.length === 0 ? (
              <Empty description={t('admin.departments.empty')} />
            ) : (
              // remount when a department is added, so defaultExpandAll opens the new branch too
              <Tree key={departments.data?.length} aria-label={t('admin.departments.tree')} treeData={tree} defaultExpandAll showLine selectable={false} />
            )}
          </Card>
        </Col>
        <Col span={10}>
          <Card title={t('admin.departments.new')}>
            <Form form={form} layout="vertical" onFinish={(values) => create.mutate(values)}>
              <Form.Item name="name" label={t('admin.departments.name')} rules={[{ required: true }]}>
                <Input />
              </Form.Item>
              <Form.Item
                name="key"
                label={t('admin.departments.key')}
                extra={t('admin.departments.keyHint')}
                rules={[{ required: true, pattern: /^[a-z][a-z0-9_]*$/, message: t('admin.departments.keyHint') }]}
              >
                <Input />
              </Form.Item>
              <Form.Item name="parent_id" label={t('admin.departments.parent')}>
                <Select allowClear showSearch optionFilterProp="label" options={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
              </Form.Item>
              <Form.Item name="manager_id" label={t('admin.departments.manager')}>
                <Select
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  options={(users.data ?? []).map((u) => ({ value: u.id, label: `${u.display_name} (${u.username})` }))}
                />
              </Form.Item>
              {create.error && (
                <Typography.Text type="danger">{create.error instanceof ApiError ? create.error.message : String(create.error)}</Typography.Text>
              )}
              <Form.Item>
                <Button type="primary" htmlType="submit" loading={create.isPending}>
                  {t('admin.create')}
                </Button>
              </Form.Item>
            </Form>
          </Card>
        </Col>
      </Row>
    </section>
  )
}
