import { describe, expect, it } from 'vitest'
import { buildDepartmentTree, matchesAudit } from '../src/core/admin/departmentTree'

const dept = (id: number, name: string, parent_id: number | null) => ({ id, key: `d${id}`, name, parent_id, manager_id: null })

describe('buildDepartmentTree', () => {
  it('nests children under parents and sorts each level by name', () => {
    const tree = buildDepartmentTree([dept(3, 'b', 1), dept(1, 'root', null), dept(2, 'a', 1), dept(4, 'leaf', 2)])
    expect(tree.map((n) => n.department.id)).toEqual([1])
    expect(tree[0]!.children.map((n) => n.department.name)).toEqual(['a', 'b'])
    expect(tree[0]!.children[0]!.children.map((n) => n.department.id)).toEqual([4])
  })

  it('keeps an orphan as a root', () => {
    expect(buildDepartmentTree([dept(5, 'orphan', 99)]).map((n) => n.department.id)).toEqual([5])
  })
})

describe('matchesAudit', () => {
  const row = { actor_id: 7, action: 'user.create', entity: 'user', at: '2026-12-04T09:00:00+00:00' }
  it('filters by actor, action text, entity and time range', () => {
    expect(matchesAudit(row, { actorId: 7 })).toBe(true)
    expect(matchesAudit(row, { actorId: 8 })).toBe(false)
    expect(matchesAudit(row, { action: 'CREATE' })).toBe(true)
    expect(matchesAudit(row, { entity: 'token' })).toBe(false)
    expect(matchesAudit(row, { from: '2026-12-04T10:00:00Z' })).toBe(false)
    expect(matchesAudit(row, { from: '2026-12-04T08:00:00Z', to: '2026-12-04T09:30:00Z' })).toBe(true)
  })
})
