import { Button, Checkbox, Select, Table, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { ACTIONS, actionOps, allFieldsOps, allows, alsoWhereOps, fieldAllowed, fieldOps, permissionOf, ROW_SCOPES,
  rowScopeOps, type FormInfo, type RowScope } from '../../core/design/rolesModel'
import { pickLabel } from '../../core/labels'
import { ExpressionInput } from '../ExpressionInput'

interface Props {
  store: DraftStore
  doc: unknown
  ri: number
  roleName: string
  forms: FormInfo[]
  flagged: ReadonlySet<string>
}

/** One role's rows of the matrix: a row per form with its actions, row scope and also_where; expanded,
 * the form's fields with read / write. */
export function RoleMatrix({ store, doc, ri, roleName, forms, flagged }: Props) {
  const { t, i18n } = useTranslation()
  const formName = (f: FormInfo) => pickLabel(f.label, i18n.language, f.key)
  const columns = [
    { title: t('roles.form'), key: 'form', width: 110, render: (_: unknown, f: FormInfo) => <span>{formName(f)}
      {flagged.has(f.key) && <Tag color="red" style={{ marginLeft: 6 }}>{t('roles.problem')}</Tag>}</span> },
    ...ACTIONS.map((action) => ({
      title: t(`roles.actions.${action}`), key: action, width: 52, align: 'center' as const,
      render: (_: unknown, f: FormInfo) => {
        const perm = permissionOf(doc, ri, f.key)
        const implied = action !== 'manage' && allows(perm, 'manage')
        return <Checkbox checked={allows(perm, action)} disabled={implied}
          aria-label={t('roles.actionOf', { role: roleName, form: formName(f), action: t(`roles.actions.${action}`) })}
          onChange={(e) => store.edit(actionOps(doc, ri, f.key, action, e.target.checked))} />
      },
    })),
    { title: t('roles.rowScope'), key: 'scope', width: 136, render: (_: unknown, f: FormInfo) => {
      const perm = permissionOf(doc, ri, f.key)
      return <Select size="small" style={{ width: 126 }} disabled={!perm} value={perm ? perm.row_scope ?? 'own' : undefined}
        aria-label={t('roles.rowScopeOf', { role: roleName, form: formName(f) })}
        options={ROW_SCOPES.map((s) => ({ value: s, label: t(`roles.scopes.${s}`) }))}
        onChange={(s: RowScope) => store.edit(rowScopeOps(doc, ri, f.key, s))} />
    } },
    { title: t('roles.alsoWhere'), key: 'also', width: 300, render: (_: unknown, f: FormInfo) => {
      const perm = permissionOf(doc, ri, f.key)
      return perm ? <ExpressionInput key={`${String(ri)}-${f.key}`} id={`also-${String(ri)}-${f.key}`}
        ariaLabel={t('roles.alsoWhereOf', { role: roleName, form: formName(f) })} value={perm.also_where ?? null}
        onChange={(text) => store.edit(alsoWhereOps(doc, ri, f.key, text))} /> : null
    } },
  ]
  return <Table<FormInfo> size="small" rowKey="key" pagination={false} scroll={{ x: 'max-content' }} dataSource={forms} columns={columns}
    aria-label={t('roles.matrixOf', { role: roleName })}
    expandable={{ expandedRowRender: (f) => <FieldAccess store={store} doc={doc} ri={ri} form={f} roleName={roleName} />,
      rowExpandable: (f) => permissionOf(doc, ri, f.key) !== undefined && f.fields.length > 0 }} />
}

function FieldAccess({ store, doc, ri, form, roleName }: { store: DraftStore; doc: unknown; ri: number; form: FormInfo; roleName: string }) {
  const { t, i18n } = useTranslation()
  const perm = permissionOf(doc, ri, form.key)
  const fieldName = (k: { key: string; label?: Record<string, string> }) => pickLabel(k.label, i18n.language, k.key)
  return <div className="roles-fields">
    <div className="roles-fields-tools">
      <Button size="small" disabled={perm?.read_fields === undefined}
        onClick={() => store.edit(allFieldsOps(doc, ri, form.key, 'read'))}>{t('roles.allRead')}</Button>
      <Button size="small" disabled={perm?.write_fields === undefined}
        onClick={() => store.edit(allFieldsOps(doc, ri, form.key, 'write'))}>{t('roles.allWrite')}</Button>
    </div>
    <table className="roles-fields-table">
      <thead><tr><th>{t('roles.field')}</th><th>{t('roles.read')}</th><th>{t('roles.write')}</th></tr></thead>
      <tbody>{form.fields.map((f) => <tr key={f.key}>
        <td>{fieldName(f)}</td>
        {(['read', 'write'] as const).map((access) => <td key={access}>
          <Checkbox checked={fieldAllowed(perm, access, f.key)}
            aria-label={t(access === 'read' ? 'roles.readOf' : 'roles.writeOf', { role: roleName, field: fieldName(f) })}
            onChange={(e) => store.edit(fieldOps(doc, ri, form, access, f.key, e.target.checked))} /></td>)}
      </tr>)}</tbody>
    </table>
  </div>
}
