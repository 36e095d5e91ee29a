import { EyeOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { Alert, Button, Empty, Radio, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { cellParts } from '../../core/cellText'
import type { DraftStore } from '../../core/design/draftStore'
import type { FormInfo, Role } from '../../core/design/rolesModel'
import { pickLabel } from '../../core/labels'
import { viewAs, type ViewAs } from './rolesApi'
import { useMembers } from './useMembers'

const NO_NAMES = { users: {}, departments: {} }

interface Props {
  appKey: string
  store: DraftStore
  roles: Role[]
  forms: FormInfo[]
}

/** "View as": a form's list as a chosen person (or a role and department) would see it under the draft's roles. */
export function ViewAsPanel({ appKey, store, roles, forms }: Props) {
  const { t, i18n } = useTranslation()
  const members = useMembers(appKey)
  const roleName = (key: string) => pickLabel(roles.find((r) => r.key === key)?.label, i18n.language, key)
  const [mode, setMode] = useState<'user' | 'role'>('user')
  const [userId, setUserId] = useState<number>()
  const [roleKeys, setRoleKeys] = useState<string[]>([])
  const [deptId, setDeptId] = useState<number>()
  const [form, setForm] = useState<string | undefined>(forms[0]?.key)
  const run = useMutation({
    mutationFn: async (key: string): Promise<ViewAs> => {
      await store.flush() // the server reads the saved draft
      return viewAs(appKey, mode === 'user' ? { form: key, user_id: userId }
        : { form: key, roles: roleKeys, ...(deptId !== undefined ? { dept_id: deptId } : {}) })
    },
  })
  const ready = form !== undefined && (mode === 'user' ? userId !== undefined : roleKeys.length > 0)
  const formInfo = forms.find((f) => f.key === run.variables)
  const answer = run.data
  const columns = (answer?.fields ?? []).slice(0, 8).map((key) => {
    const field = formInfo?.fields.find((f) => f.key === key)
    return { title: pickLabel(field?.label, i18n.language, key), dataIndex: key, key,
      render: (_: unknown, record: Record<string, unknown>) => cellParts({ key, kind: field?.kind ?? 'text',
        options: field?.options ?? null }, record, NO_NAMES, i18n.language).map((p) => p.text).join(', ') }
  })
  return <section className="roles-view-as" aria-label={t('roles.viewAs.title')}>
    <Typography.Title level={5}><EyeOutlined /> {t('roles.viewAs.title')}</Typography.Title>
    <Typography.Paragraph type="secondary">{t('roles.viewAs.hint')}</Typography.Paragraph>
    <Space wrap>
      <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as 'user' | 'role')}
        options={[{ value: 'user', label: t('roles.viewAs.byUser') }, { value: 'role', label: t('roles.viewAs.byRole') }]} />
      {mode === 'user'
        ? <Select showSearch optionFilterProp="label" style={{ width: 220 }} aria-label={t('roles.viewAs.user')}
          placeholder={t('roles.viewAs.user')} value={userId} onChange={setUserId} loading={members.isLoading}
          options={(members.data?.people ?? []).map((p) => ({ value: p.user_id, label: `${p.display_name} (${p.roles.map(roleName).join(', ')})` }))} />
        : <>
          <Select mode="multiple" style={{ width: 220 }} aria-label={t('roles.viewAs.roles')} placeholder={t('roles.viewAs.roles')}
            value={roleKeys} onChange={setRoleKeys}
            options={roles.map((r) => ({ value: r.key, label: pickLabel(r.label, i18n.language, r.key) }))} />
          <Select allowClear style={{ width: 180 }} aria-label={t('roles.viewAs.dept')} placeholder={t('roles.viewAs.dept')}
            value={deptId} onChange={setDeptId}
            options={(members.data?.departments ?? []).map((d) => ({ value: d.id, label: d.name }))} />
        </>}
      <Select showSearch optionFilterProp="label" style={{ width: 160 }} aria-label={t('roles.viewAs.form')} value={form} onChange={setForm}
        options={forms.map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />
      <Button type="primary" disabled={!ready} loading={run.isPending} onClick={() => form !== undefined && run.mutate(form)}>{t('roles.viewAs.show')}</Button>
    </Space>
    {run.isError && <Alert type="error" showIcon style={{ marginTop: 12 }} message={run.error.message} />}
    {answer && <div className="roles-view-as-result">
      <Typography.Title level={5} style={{ marginTop: 12 }}>{t('roles.viewAs.as', {
        name: answer.principal.display_name ?? t('roles.viewAs.someone'),
        form: formInfo ? pickLabel(formInfo.label, i18n.language, formInfo.key) : '' })}</Typography.Title>
      <Space wrap style={{ margin: '12px 0' }}>
        {answer.principal.is_org_admin && <Tag color="gold">{t('roles.viewAs.admin')}</Tag>}
        {answer.actions.map((a) => <Tag key={a}>{t(`roles.actions.${a}`, { defaultValue: a })}</Tag>)}
        {answer.unknown_roles.length > 0 && <Tag color="orange">{t('roles.viewAs.unknownRoles', { roles: answer.unknown_roles.join(', ') })}</Tag>}
        {answer.allowed && <Typography.Text role="status">{t('roles.viewAs.count', { count: answer.total ?? answer.items.length })}</Typography.Text>}
      </Space>
      {answer.allowed
        ? <Table size="small" rowKey="id" pagination={false} dataSource={answer.items} columns={columns}
          aria-label={t('roles.viewAs.result')} locale={{ emptyText: <Empty description={t('roles.viewAs.empty')} /> }} />
        : <Alert type="warning" showIcon message={t('roles.viewAs.denied')} description={answer.reason} />}
    </div>}
  </section>
}
