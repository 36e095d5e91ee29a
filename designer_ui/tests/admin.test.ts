import { describe, expect, it } from 'vitest'
import { buildDepartmentTree } from '../src/core/admin/departmentTree'
import { auditParams, canRetry, deliveryColour, jobColour, nextBefore } from '../src/core/admin/operations'

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

describe('auditParams', () => {
  it('leaves empty filters out and trims text', () => {
    expect(auditParams({ actorId: null, action: '  ', entity: 'token', app: '', since: null }, 100)).toEqual({ limit: 100, entity: 'token' })
    expect(auditParams({ actorId: 7, action: ' create ', form: 'complaint', until: '2026-12-04T09:00:00.000Z' }, 50, 900)).toEqual({
      limit: 50,
      before_id: 900,
      actor_id: 7,
      action: 'create',
      form: 'complaint',
      until: '2026-12-04T09:00:00.000Z',
    })
  })
})

describe('nextBefore', () => {
  it('pages on after a full page and stops after a short one', () => {
    const rows = [{ id: 9 }, { id: 5 }]
    expect(nextBefore(rows, 2)).toBe(5)
    expect(nextBefore(rows, 3)).toBeUndefined()
    expect(nextBefore([], 3)).toBeUndefined()
  })
})

describe('job and delivery states', () => {
  it('lets only failed and dead jobs be retried', () => {
    expect(['due', 'scheduled', 'failed', 'running', 'dead', 'done', 'cancelled'].filter(canRetry)).toEqual(['failed', 'dead'])
  })
  it('colours the states that need attention', () => {
    expect(jobColour('dead')).toBe('red')
    expect(jobColour('failed')).toBe('orange')
    expect(jobColour('something new')).toBe('default')
    expect(deliveryColour('delivered')).toBe('green')
  })
})
