import { describe, expect, it } from 'vitest'
import { dayState, monthGrid, toggleDayOps } from '../../src/core/design/calendarModel'
import { applyOps } from '../../src/core/design/ops'
import { actionOps, addRoleOps, allows, alsoWhereOps, fieldAllowed, fieldOps, formsOf, permissionOf, removeRoleOps,
  renameRoleOps, roleProblemTarget, rowScopeOps } from '../../src/core/design/rolesModel'

const doc = {
  key: 'a', label: { en: 'A' },
  forms: [{ key: 'ticket', fields: [{ key: 'title', kind: 'text' }, { key: 'qty', kind: 'integer' }] }],
  roles: [
    { key: 'agent', label: { en: 'Agent' }, permissions: { ticket: { actions: ['read', 'custom'], row_scope: 'own' } } },
    { key: 'boss', label: { en: 'Boss' }, manage_app: true },
  ],
}

describe('the roles matrix', () => {
  it('grants and revokes actions in the permission model order, keeping unknown ones', () => {
    const granted = applyOps(doc, actionOps(doc, 0, 'ticket', 'update', true))
    expect(permissionOf(granted, 0, 'ticket')?.actions).toEqual(['read', 'update', 'custom'])
    const revoked = applyOps(granted, actionOps(granted, 0, 'ticket', 'read', false))
    expect(permissionOf(revoked, 0, 'ticket')?.actions).toEqual(['update', 'custom'])
    expect(actionOps(doc, 0, 'ticket', 'read', true)).toEqual([])
  })

  it('creates the permissions of a role that had none, and leaves other roles untouched', () => {
    const next = applyOps(doc, actionOps(doc, 1, 'ticket', 'read', true)) as typeof doc
    expect(next.roles[1]).toEqual({ key: 'boss', label: { en: 'Boss' }, manage_app: true, permissions: { ticket: { actions: ['read'] } } })
    expect(next.roles[0]).toBe(doc.roles[0])
  })

  it('manage implies every action', () => {
    expect(allows({ actions: ['manage'] }, 'delete')).toBe(true)
    expect(allows({ actions: ['read'] }, 'delete')).toBe(false)
  })

  it('sets row scope and also_where, and clears also_where', () => {
    let next = applyOps(doc, rowScopeOps(doc, 0, 'ticket', 'dept_tree'))
    next = applyOps(next, alsoWhereOps(next, 0, 'ticket', 'ISBLANK(assignee)'))
    expect(permissionOf(next, 0, 'ticket')).toMatchObject({ row_scope: 'dept_tree', also_where: 'ISBLANK(assignee)' })
    next = applyOps(next, alsoWhereOps(next, 0, 'ticket', null))
    expect(permissionOf(next, 0, 'ticket')).not.toHaveProperty('also_where')
  })

  it('hiding one field of "all fields" lists the others, and stops writing it too', () => {
    const form = formsOf(doc)[0]!
    const next = applyOps(doc, fieldOps(doc, 0, form, 'read', 'qty', false))
    const perm = permissionOf(next, 0, 'ticket')
    expect(perm?.read_fields).toEqual(['title'])
    expect(perm?.write_fields).toEqual(['title'])
    expect(fieldAllowed(perm, 'read', 'qty')).toBe(false)
    const back = applyOps(next, fieldOps(next, 0, form, 'read', 'qty', true))
    expect(permissionOf(back, 0, 'ticket')?.read_fields).toEqual(['title', 'qty'])
  })

  it('adds, renames (key frozen) and removes roles', () => {
    const { key, ops } = addRoleOps(doc, { 'zh-CN': '新角色', en: 'New role' })
    let next = applyOps(doc, ops) as typeof doc
    expect(key).toBe('role_1')
    next = applyOps(next, renameRoleOps(2, 'en', 'Reviewer', next.roles[2]!.label)) as typeof doc
    expect(next.roles[2]).toMatchObject({ key: 'role_1', label: { 'zh-CN': '新角色', en: 'Reviewer' } })
    next = applyOps(next, removeRoleOps(0)) as typeof doc
    expect(next.roles.map((r) => r.key)).toEqual(['boss', 'role_1'])
  })

  it('finds the role and form a problem names', () => {
    expect(roleProblemTarget('/roles/3/permissions/ticket/also_where')).toEqual({ role: 3, form: 'ticket' })
    expect(roleProblemTarget('/forms/0')).toBeNull()
  })
})

describe('the calendar year', () => {
  const path = ['settings', 'calendars', 'cn']
  const cal = { timezone: 'Asia/Shanghai', week: { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-18:00'],
    thu: ['09:00-18:00'], fri: ['09:00-18:00'] }, holidays: ['2026-02-15..2026-02-23'], makeup_days: ['2026-02-14'] }
  const doc2 = { settings: { calendars: { cn: cal } } }
  const at = (d: unknown) => (d as typeof doc2).settings.calendars.cn

  it('tells holidays, make-up days, working and rest days', () => {
    expect(dayState(cal, '2026-02-16')).toBe('holiday')
    expect(dayState(cal, '2026-02-14')).toBe('makeup')
    expect(dayState(cal, '2026-03-02')).toBe('workday')
    expect(dayState(cal, '2026-03-01')).toBe('rest')
  })

  it('cycles a day: workday → holiday → make-up day → workday', () => {
    const one = applyOps(doc2, toggleDayOps(cal, path, '2026-03-02'))
    expect(dayState(at(one), '2026-03-02')).toBe('holiday')
    const two = applyOps(one, toggleDayOps(at(one), path, '2026-03-02'))
    expect(dayState(at(two), '2026-03-02')).toBe('makeup')
    const three = applyOps(two, toggleDayOps(at(two), path, '2026-03-02'))
    expect(dayState(at(three), '2026-03-02')).toBe('workday')
  })

  it('splits a holiday range around a day taken out of it', () => {
    const next = at(applyOps(doc2, toggleDayOps(cal, path, '2026-02-16')))
    expect(next.holidays).toEqual(['2026-02-15', '2026-02-17..2026-02-23'])
    expect(next.makeup_days).toEqual(['2026-02-14', '2026-02-16'])
  })

  it('lays a month out Monday first', () => {
    const feb = monthGrid(2026, 2)
    expect(feb[0]).toEqual([null, null, null, null, null, null, '2026-02-01'])
    expect(feb.flat().filter(Boolean)).toHaveLength(28)
  })
})
