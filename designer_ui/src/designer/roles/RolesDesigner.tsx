import { DeleteOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons'
import { App as AntApp, Button, Empty, Input, Space, Switch, Typography } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams } from 'react-router'
import { addRoleOps, formsOf, manageAppOps, removeRoleOps, renameRoleOps, roleProblemTarget,
  rolesOf } from '../../core/design/rolesModel'
import { pickLabel } from '../../core/labels'
import { LOCALE_NAMES, LOCALES } from '../../i18n'
import type { AreaProps } from '../designerAreas'
import { RoleMatrix } from './RoleMatrix'
import { useMembers } from './useMembers'
import { ViewAsPanel } from './ViewAsPanel'
import './roles.css'

/** /design/:app/roles[/:role] — the roles of the draft; the opened one's matrix of forms × actions, field
 * access and row scope; "view as" below. */
export function RolesDesigner({ appKey, store, doc, problems }: AreaProps) {
  const { t, i18n } = useTranslation()
  const { modal } = AntApp.useApp()
  const navigate = useNavigate()
  const { role: selectedKey } = useParams()
  const roles = useMemo(() => rolesOf(doc), [doc])
  const forms = useMemo(() => formsOf(doc), [doc])
  const members = useMembers(appKey)
  const found = roles.findIndex((r) => r.key === selectedKey)
  const ri = found >= 0 ? found : roles.length > 0 ? 0 : -1
  const role = ri >= 0 ? roles[ri] : undefined
  const name = (r: { key: string; label?: Record<string, string> }) => pickLabel(r.label, i18n.language, r.key)
  const open = (key: string) => void navigate(`/design/${appKey}/roles/${key}`)
  const flagged = new Set(problems.flatMap((p) => {
    const target = roleProblemTarget(p.path)
    return target && target.role === ri && target.form ? [target.form] : []
  }))
  const problemCount = (i: number) => problems.filter((p) => roleProblemTarget(p.path)?.role === i).length

  const add = () => {
    const label = { 'zh-CN': t('roles.newRole', { lng: 'zh-CN' }), en: t('roles.newRole', { lng: 'en' }) }
    const { key, ops } = addRoleOps(doc, label)
    store.edit(ops)
    open(key)
  }
  const remove = (i: number) => {
    const r = roles[i]
    if (!r) return
    const path = ['roles', String(i)]
    const drop = () => {
      store.remove(removeRoleOps(i), { kind: 'role', label: name(r),
        restore: [{ op: 'insert', path, value: (doc as { roles: unknown[] }).roles[i], clamp: true }] })
      void navigate(`/design/${appKey}/roles`)
    }
    const count = members.data?.role_members[r.key] ?? 0
    if (count === 0) return drop()
    modal.confirm({ title: t('roles.removeTitle', { role: name(r) }), content: t('roles.removeMembers', { count }),
      okText: t('roles.removeOk'), okButtonProps: { danger: true }, cancelText: t('roles.cancel'), onOk: drop })
  }

  return <div className="roles-designer">
    <nav className="roles-list" aria-label={t('roles.list')}>
      <ul>
        {roles.map((r, i) => <li key={r.key} className={i === ri ? 'selected' : ''}>
          <button type="button" onClick={() => open(r.key)} aria-current={i === ri ? 'page' : undefined}>
            <TeamOutlined /> {name(r)}
            <Typography.Text type="secondary" className="roles-count">
              {t('roles.members', { count: members.data?.role_members[r.key] ?? 0 })}</Typography.Text>
            {problemCount(i) > 0 && <Typography.Text type="danger"> ⚠ {problemCount(i)}</Typography.Text>}
          </button>
          <Button size="small" type="text" icon={<DeleteOutlined />} aria-label={t('roles.remove', { role: name(r) })}
            onClick={() => remove(i)} />
        </li>)}
      </ul>
      <Button type="dashed" icon={<PlusOutlined />} onClick={add} block>{t('roles.add')}</Button>
    </nav>
    <main className="roles-main">
      {role === undefined ? <Empty description={t('roles.none')} /> : <>
        <Space wrap className="roles-head">
          {LOCALES.map((lang) => <Input key={`${role.key}-${lang}`} style={{ width: 200 }}
            addonBefore={LOCALE_NAMES[lang]} aria-label={t('roles.nameIn', { lang })}
            value={role.label?.[lang] ?? ''}
            onChange={(e) => store.edit(renameRoleOps(ri, lang, e.target.value, role.label), { coalesce: `role-name-${role.key}-${lang}` })} />)}
          <Typography.Text type="secondary">{t('roles.key', { key: role.key })}</Typography.Text>
          <Space size={4}><Switch size="small" checked={role.manage_app === true} aria-label={t('roles.manageApp')}
            onChange={(on) => store.edit(manageAppOps(ri, on))} />{t('roles.manageApp')}</Space>
        </Space>
        <RoleMatrix store={store} doc={doc} ri={ri} roleName={name(role)} forms={forms} flagged={flagged} />
      </>}
      <ViewAsPanel appKey={appKey} store={store} roles={roles} forms={forms} />
    </main>
  </div>
}
