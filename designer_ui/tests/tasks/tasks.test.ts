import { describe, expect, it } from 'vitest'
import { actionsFor, canBulkApprove, isDestructive, peopleNeeded } from '../../src/core/tasks/actions'
import { timeline, shortValue } from '../../src/core/tasks/history'
import { mentionedIds } from '../../src/core/tasks/mentions'
import { myWork } from '../../src/core/tasks/myWork'
import { minutesLeft, slaTone } from '../../src/core/tasks/sla'
import type { InboxItem } from '../../src/core/tasks/types'

const NOW = new Date('2026-03-02T03:00:00Z')

describe('slaTone', () => {
  it('follows the server state and turns red once the due time has passed', () => {
    expect(slaTone('breached', '2026-03-03T00:00:00Z', NOW)).toBe('breached')
    expect(slaTone('warning', '2026-03-03T00:00:00Z', NOW)).toBe('warning')
    expect(slaTone(null, '2026-03-02T02:59:00Z', NOW)).toBe('breached')
    expect(slaTone('ok', '2026-03-02T04:00:00Z', NOW)).toBe('ok')
    expect(slaTone(null, null, NOW)).toBe('none')
    expect(minutesLeft('2026-03-02T04:30:00Z', NOW)).toBe(90)
    expect(minutesLeft(null, NOW)).toBeNull()
  })
})

describe('task actions', () => {
  it('offer what the flow engine accepts for each role', () => {
    expect(actionsFor('approval')).toEqual(['approve', 'reject', 'return', 'transfer', 'add_signer'])
    expect(actionsFor('task')).not.toContain('reject')
    expect(actionsFor('info')).toEqual(['approve'])
    expect(actionsFor(undefined)).toEqual([])
    expect(isDestructive('reject') && isDestructive('return') && !isDestructive('approve')).toBe(true)
    expect(peopleNeeded('transfer')).toBe('one')
    expect(peopleNeeded('add_signer')).toBe('many')
  })

  it('allow bulk approval only of pending steps that need no input', () => {
    expect(canBulkApprove({ role: 'approval', needs_input: false, status: 'pending' })).toBe(true)
    expect(canBulkApprove({ role: 'task', needs_input: true, status: 'pending' })).toBe(false)
    expect(canBulkApprove({ role: 'info', needs_input: false, status: 'pending' })).toBe(false)
    expect(canBulkApprove({ role: 'approval', needs_input: false, status: 'done' })).toBe(false)
  })
})

function item(over: Partial<InboxItem>): InboxItem {
  return {
    instance_id: 1, app: 'a', flow_key: 'f', form_key: 'c', record_id: 1, state: 'running',
    started_by: 1, started_at: null, status: 'pending', ...over,
  }
}

describe('myWork', () => {
  it('sorts pending tasks into near breach, breached and waiting, counting each record once', () => {
    const work = myWork(
      [
        item({ record_id: 1, sla_state: 'warning', due_at: '2026-03-02T05:00:00Z' }),
        item({ record_id: 1, node_id: 'second' }),
        item({ record_id: 2, due_at: '2026-03-01T00:00:00Z' }),
        item({ record_id: 3, paused: true, sla_state: 'breached' }),
        item({ record_id: 4, due_at: '2026-03-05T00:00:00Z' }),
      ],
      NOW,
    )
    expect(work.open.map((i) => i.record_id)).toEqual([1, 2, 3, 4])
    expect(work.nearBreach.map((i) => i.record_id)).toEqual([1])
    expect(work.breached.map((i) => i.record_id)).toEqual([2])
    expect(work.waiting.map((i) => i.record_id)).toEqual([3])
  })
})

describe('timeline', () => {
  it('lists entries newest first with field changes, without bookkeeping columns', () => {
    const items = timeline([
      { at: '1', actor_id: 1, action: 'create', changes: { title: [null, 'A'], row_version: [null, 1] }, request_id: null },
      { at: '2', actor_id: 2, action: 'update', changes: { status: ['new', 'open'] }, request_id: null },
      { at: '3', actor_id: 2, action: 'comment', changes: { comment: [null, 'hi'], files: [null, []] }, request_id: null },
    ])
    expect(items.map((i) => i.action)).toEqual(['comment', 'update', 'create'])
    expect(items[0]).toMatchObject({ comment: 'hi', changes: [] })
    expect(items[1]?.changes).toEqual([{ field: 'status', before: 'new', after: 'open' }])
    expect(items[2]?.changes.map((c) => c.field)).toEqual(['title'])
    expect(shortValue(null)).toBe('—')
    const [flow] = timeline([
      {
        at: '4', actor_id: 3, action: 'approve', request_id: null,
        changes: { instance: [null, 2], task: [null, 9], node: [null, 'triage'], comment: [null, 'ok'], path: [['a'], ['b']] },
      },
    ])
    expect(flow).toMatchObject({ node: 'triage', comment: 'ok', changes: [] })
    expect(shortValue([{ name: 'a.pdf' }, 'x'])).toBe('a.pdf, x')
  })
})

describe('mentionedIds', () => {
  it('keeps the picked people whose @name is still in the text', () => {
    const picked = [{ id: 1, name: '张三' }, { id: 2, name: 'li' }, { id: 1, name: '张三' }]
    expect(mentionedIds('请 @张三 看一下', picked)).toEqual([1])
    expect(mentionedIds('no one', picked)).toEqual([])
  })
})
