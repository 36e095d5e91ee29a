/**
 * The roles designer's model: the app's roles × forms × actions, field read / write and row scope, read
 * from the draft and changed by JSON-path ops (so undo, autosave and the JSON view work as everywhere).
 * Every op touches only the path it changes: a role nobody edits serialises exactly as it came.
 *
 *   actionOps(doc, 0, 'ticket', 'read', true)
 *     → [{op: 'set', path: ['roles', '0', 'permissions', 'ticket'], value: {actions: ['read']}}]
 */
import type { Op } from './ops'
import { getAt } from './pointer'
import { uniqueKey } from './keys'

export const ACTIONS = ['read', 'create', 'update', 'delete', 'export', 'manage'] as const
export type Action = (typeof ACTIONS)[number]
export const ROW_SCOPES = ['own', 'dept', 'dept_tree', 'all'] as const
export type RowScope = (typeof ROW_SCOPES)[number]
export type Label = Record<string, string>

export interface Permission {
  actions?: string[]
  row_scope?: RowScope
  read_fields?: string[] | null
  write_fields?: string[] | null
  also_where?: unknown
}

export interface Role {
  key: string
  label?: Label
  manage_app?: boolean
  permissions?: Record<string, Permission>
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export function rolesOf(doc: unknown): Role[] {
  const roles = getAt(doc, ['roles'])
  return Array.isArray(roles) ? roles.filter(isObj).map((r) => r as unknown as Role) : []
}

export interface FieldInfo { key: string; label?: Label; kind: string; options?: { value: string; label: Label; color?: string | null }[] }
export interface FormInfo { key: string; label?: Label; fields: FieldInfo[] }

export function formsOf(doc: unknown): FormInfo[] {
  const forms = getAt(doc, ['forms'])
  if (!Array.isArray(forms)) return []
  return forms.filter(isObj).map((f) => ({
    key: String(f.key), label: f.label as Label | undefined,
    fields: (Array.isArray(f.fields) ? f.fields.filter(isObj) : [])
      .filter((x) => x.kind !== 'section' && x.kind !== 'tab')
      .map((x) => ({ key: String(x.key), label: x.label as Label | undefined, kind: String(x.kind),
        ...(Array.isArray(x.options) ? { options: x.options as FieldInfo['options'] } : {}) })),
  }))
}

const permPath = (ri: number, form: string) => ['roles', String(ri), 'permissions', form]

export function permissionOf(doc: unknown, ri: number, form: string): Permission | undefined {
  const perm = getAt(doc, permPath(ri, form))
  return isObj(perm) ? (perm as Permission) : undefined
}

/** Whether the role may `action` on the form ('manage' implies every action, as on the server). */
export function allows(perm: Permission | undefined, action: Action): boolean {
  const actions = perm?.actions ?? []
  return actions.includes(action) || (action !== 'manage' && actions.includes('manage'))
}

export function actionOps(doc: unknown, ri: number, form: string, action: Action, on: boolean): Op[] {
  const perm = permissionOf(doc, ri, form)
  if (perm === undefined) {
    if (!on) return []
    const permissions = getAt(doc, ['roles', String(ri), 'permissions'])
    return isObj(permissions)
      ? [{ op: 'set', path: permPath(ri, form), value: { actions: [action] } }]
      : [{ op: 'set', path: ['roles', String(ri), 'permissions'], value: { [form]: { actions: [action] } } }]
  }
  const actions = perm.actions ?? []
  if (on === actions.includes(action)) return []
  const next = on ? ACTIONS.filter((a) => a === action || actions.includes(a)) : actions.filter((a) => a !== action)
  // actions the designer does not know stay where they were
  const unknown = actions.filter((a) => !(ACTIONS as readonly string[]).includes(a))
  return [{ op: 'set', path: [...permPath(ri, form), 'actions'], value: [...next, ...unknown.filter((a) => !next.includes(a as Action))] }]
}

export function rowScopeOps(doc: unknown, ri: number, form: string, scope: RowScope): Op[] {
  if (permissionOf(doc, ri, form) === undefined) return []
  return [{ op: 'set', path: [...permPath(ri, form), 'row_scope'], value: scope }]
}

export function alsoWhereOps(doc: unknown, ri: number, form: string, expression: string | null): Op[] {
  const perm = permissionOf(doc, ri, form)
  if (perm === undefined) return []
  if (expression === null) return perm.also_where === undefined ? [] : [{ op: 'remove', path: [...permPath(ri, form), 'also_where'] }]
  return [{ op: 'set', path: [...permPath(ri, form), 'also_where'], value: expression }]
}

export type Access = 'read' | 'write'
const accessKey = (a: Access) => (a === 'read' ? 'read_fields' : 'write_fields')

/** Whether the role may read / write a field (no list, or null: every field). */
export function fieldAllowed(perm: Permission | undefined, access: Access, field: string): boolean {
  const list = perm?.[accessKey(access)]
  return list === undefined || list === null || list.includes(field)
}

/** Allow or deny one field; denying one of "all fields" lists every other field of the form. */
export function fieldOps(doc: unknown, ri: number, form: FormInfo, access: Access, field: string, on: boolean): Op[] {
  const perm = permissionOf(doc, ri, form.key)
  if (perm === undefined || fieldAllowed(perm, access, field) === on) return []
  const list = perm[accessKey(access)]
  const current = list ?? form.fields.map((f) => f.key)
  const next = on ? form.fields.map((f) => f.key).filter((k) => k === field || current.includes(k)) : current.filter((k) => k !== field)
  const ops: Op[] = [{ op: 'set', path: [...permPath(ri, form.key), accessKey(access)], value: next }]
  // a field one may write but not read makes no sense: hiding it also stops writing it
  if (access === 'read' && !on && fieldAllowed(perm, 'write', field)) {
    const writes = perm.write_fields ?? form.fields.map((f) => f.key)
    ops.push({ op: 'set', path: [...permPath(ri, form.key), 'write_fields'], value: writes.filter((k) => k !== field) })
  }
  return ops
}

/** Every field again (the list removed). */
export function allFieldsOps(doc: unknown, ri: number, form: string, access: Access): Op[] {
  const perm = permissionOf(doc, ri, form)
  if (perm?.[accessKey(access)] === undefined) return []
  return [{ op: 'remove', path: [...permPath(ri, form), accessKey(access)] }]
}

export function addRoleOps(doc: unknown, label: Label): { key: string; ops: Op[] } {
  const taken = new Set(rolesOf(doc).map((r) => r.key))
  const key = uniqueKey('role', taken, { numbered: true })
  const role = { key, label, permissions: {} }
  return { key, ops: Array.isArray(getAt(doc, ['roles']))
    ? [{ op: 'insert', path: ['roles', '-'], value: role }] : [{ op: 'set', path: ['roles'], value: [role] }] }
}

/** A new name; the key stays (memberships and data refer to it). */
export function renameRoleOps(ri: number, locale: string, text: string, label: Label | undefined): Op[] {
  return [{ op: 'set', path: ['roles', String(ri), 'label'], value: { ...(label ?? {}), [locale]: text } }]
}

export function removeRoleOps(ri: number): Op[] {
  return [{ op: 'remove', path: ['roles', String(ri)] }]
}

export function manageAppOps(ri: number, on: boolean): Op[] {
  return [{ op: 'set', path: ['roles', String(ri), 'manage_app'], value: on }]
}

/** Which role and form a problem's JSON path names (`/roles/2/permissions/ticket/also_where`). */
export function roleProblemTarget(path: string): { role: number; form: string | null } | null {
  const m = /^\/roles\/(\d+)(?:\/permissions\/([a-z][a-z0-9_]*))?/.exec(path)
  return m ? { role: Number(m[1]), form: m[2] ?? null } : null
}
