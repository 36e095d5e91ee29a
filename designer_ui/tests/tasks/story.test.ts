import { beforeEach, describe, expect, it } from 'vitest'
import { nameOf } from '../../src/core/tasks/people'
import { runTaskAction } from '../../src/core/tasks/runAction'
import { summaryLines, type SummaryColumn } from '../../src/core/tasks/summary'

const columns: SummaryColumn[] = [
  { key: 'subject', kind: 'text', label: { 'zh-CN': '主题', en: 'Subject' } },
  { key: 'customer', kind: 'relation', label: { 'zh-CN': '客户', en: 'Customer' } },
  { key: 'handler', kind: 'user', label: { 'zh-CN': '处理人', en: 'Handler' } },
  { key: 'level', kind: 'single_select', label: { 'zh-CN': '级别', en: 'Level' },
    options: [{ value: 'vip', label: { 'zh-CN': '贵宾', en: 'VIP' }, color: 'gold' }] },
  { key: 'compensation_amount', kind: 'currency', label: { 'zh-CN': '补偿金额', en: 'Compensation' } },
]
const names = { users: { '7': '周刚' }, departments: {} }

describe('summaryLines', () => {
  it('labels and formats the step\'s visible fields in the form\'s order, as a list cell does', () => {
    const summary = { compensation_amount: '800.00', customer: 3, handler: 7, level: 'vip', _display: { customer: '王芳' } }
    expect(summaryLines(columns, summary, names, 'zh-CN')).toEqual([
      { key: 'customer', label: '客户', text: '王芳' },
      { key: 'handler', label: '处理人', text: '周刚' },
      { key: 'level', label: '级别', text: '贵宾' },
      { key: 'compensation_amount', label: '补偿金额', text: '800.00' },
    ])
    expect(summaryLines(columns, { level: 'vip' }, names, 'en')).toEqual([{ key: 'level', label: 'Level', text: 'VIP' }])
  })

  it('leaves out empty values and fields the reader has no column for', () => {
    expect(summaryLines(columns, { subject: '', compensation_amount: null, secret: '老客户' }, names, 'zh-CN')).toEqual([])
    expect(summaryLines(columns, undefined, names, 'zh-CN')).toEqual([])
  })
})

describe('runTaskAction', () => {
  let calls: string[] = []
  const done = (name: string) => async () => { calls.push(name) }
  const saved = (ok: boolean) => async () => { calls.push('save'); return ok }
  const fails = (name: string, error: Error) => async () => { calls.push(name); throw error }
  beforeEach(() => { calls = [] })

  it('saves the form, acts, then reads the record back', async () => {
    expect(await runTaskAction({ beforeAct: saved(true), act: done('act'), afterAct: done('reload') })).toEqual({ done: true })
    expect(calls).toEqual(['save', 'act', 'reload'])
  })

  it('keeps the task open when the save is refused', async () => {
    expect(await runTaskAction({ beforeAct: saved(false), act: done('act') })).toEqual({ done: false, reason: 'not_saved' })
    expect(calls).toEqual(['save'])
  })

  it('reports a refused action and reads nothing back', async () => {
    const refused = new Error('fill in assignee before completing this step')
    expect(await runTaskAction({ act: fails('act', refused), afterAct: done('reload') }))
      .toEqual({ done: false, reason: 'failed', error: refused })
    expect(calls).toEqual(['act'])
  })

  it('counts the action done when the record is out of reach afterwards', async () => {
    expect(await runTaskAction({ act: done('act'), afterAct: fails('reload', new Error('404')) })).toEqual({ done: true })
    expect(calls).toEqual(['act', 'reload'])
  })
})

describe('nameOf', () => {
  it('names people, an outside channel for user 0, and ids it does not know', () => {
    const people = [{ id: 7, name: '周刚' }]
    expect(nameOf(people, 7)).toBe('周刚')
    expect(nameOf(people, 0, '外部渠道')).toBe('外部渠道')
    expect(nameOf(people, 0)).toBe('#0')
    expect(nameOf(people, 9, '外部渠道')).toBe('#9')
    expect(nameOf(people, null)).toBe('—')
  })
})
