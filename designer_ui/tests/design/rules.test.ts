// The rule designer's model: the complaint template's rules and routing table open and save byte-identical,
// triggers in words, action reordering, and decision-table cells as text with the server's problems on them.
import { describe, expect, it } from 'vitest'
import { asTable, cellText, insertRowOps, parseCell, parseOutput, removeRowOps, renameColumnOps, setCellOps,
  tableMarks } from '../../src/core/design/decisionTable'
import { DraftStore } from '../../src/core/design/draftStore'
import { applyOps } from '../../src/core/design/ops'
import { dropPosition, flowNodeChoices, moveActionOps, removeActionOps, ruleElements, ruleProblemTarget, setKeyOps,
  triggerSummary } from '../../src/core/design/rules'
import { assembleTemplate } from './template'

const complaint = () => JSON.parse(JSON.stringify(assembleTemplate())) as Record<string, unknown>

describe('the rules of the complaint template', () => {
  it('lists rules and tables but not channels, and saves unchanged bytes after reading every cell', async () => {
    const doc = complaint()
    const elements = ruleElements(doc)
    expect(elements.map((e) => e.kind).filter((k) => k === 'decision_table')).toEqual(['decision_table'])
    expect(elements.some((e) => e.key === 'web')).toBe(false) // a public form is not a rule
    const keyword = elements.find((e) => e.key === 'keyword_safety')
    expect(keyword?.actions.map((a) => a.kind)).toEqual(['set', 'escalate', 'notify'])
    const routing = elements.find((e) => e.key === 'routing')
    const table = asTable((doc.rules as unknown[])[routing?.index ?? -1])
    for (const row of table?.rows ?? []) for (const input of table?.inputs ?? []) cellText(row.when?.[input.key])
    const bodies: string[] = []
    const store = new DraftStore(doc, { save: (body) => (bodies.push(body), Promise.resolve({ errors: [] })) })
    await store.saveNow()
    expect(bodies).toEqual([JSON.stringify(assembleTemplate())])
  })

  it('moves an action by drag and undoes to the same bytes', () => {
    const doc = complaint()
    const keyword = ruleElements(doc).find((e) => e.key === 'keyword_safety')
    const index = keyword?.index ?? -1
    const store = new DraftStore(doc, { save: () => Promise.resolve({ errors: [] }), setTimer: () => 0, clearTimer: () => undefined })
    store.edit(moveActionOps(index, 2, dropPosition(2, 0))) // notify dropped before set
    expect(ruleElements(store.doc)[ruleElements(store.doc).findIndex((e) => e.index === index)]?.actions.map((a) => a.kind))
      .toEqual(['notify', 'set', 'escalate'])
    store.edit(moveActionOps(index, 0, dropPosition(0, 3))) // and to the end again
    expect(ruleElements(store.doc).find((e) => e.index === index)?.actions.map((a) => a.kind)).toEqual(['set', 'escalate', 'notify'])
    store.undo()
    store.undo()
    expect(store.serialize()).toBe(JSON.stringify(assembleTemplate()))
    const { ops, restore } = removeActionOps(index, 1, keyword?.actions[1])
    const removed = applyOps(store.doc, ops)
    expect(JSON.stringify(applyOps(removed, restore))).toBe(JSON.stringify(assembleTemplate()))
  })

  it('words triggers by their parameters and finds the rule a problem names', () => {
    expect(triggerSummary({ event: 'field_changed', field: 'status', to: ['resolved', 'closed'] }))
      .toEqual({ event: 'field_changed', params: { field: 'status', from: '', to: 'resolved / closed' } })
    expect(triggerSummary({ event: 'time', field: 'resolved_at', offset: { hours: 24 } }).params)
      .toEqual({ field: 'resolved_at', days: '0', hours: '24', minutes: '0', working: '' })
    expect(triggerSummary({ event: 'cron', cron: '0 9 * * *' }).params).toEqual({ cron: '0 9 * * *' })
    const doc = complaint()
    const n = ruleElements(doc).find((e) => e.key === 'large_amount')?.index ?? -1
    expect(ruleProblemTarget(doc, `/rules/${String(n)}/actions/0/to`)).toEqual({ key: 'large_amount', rest: '/actions/0/to' })
    expect(ruleProblemTarget(doc, '/forms/0')).toBeNull()
  })

  it('sets, clears and leaves absent keys absent', () => {
    const doc = { rules: [{ key: 'r', when: 'a > 1' }] }
    expect(setKeyOps(doc, ['rules', '0'], 'when', undefined)).toEqual([{ op: 'remove', path: ['rules', '0', 'when'] }])
    expect(setKeyOps(doc, ['rules', '0'], 'priority', undefined)).toEqual([])
    expect(applyOps(doc, setKeyOps(doc, ['rules', '0'], 'enabled', false))).toEqual({ rules: [{ key: 'r', when: 'a > 1', enabled: false }] })
  })
})

describe('decision table cells', () => {
  it('reads and writes cells as text', () => {
    expect(cellText(['product_quality', 'policy'])).toBe('product_quality, policy')
    expect(cellText(true)).toBe('true')
    expect(cellText({ formula: 'amount > 2' })).toBe('=amount > 2')
    expect(cellText(undefined)).toBe('')
    expect(parseCell('product_quality, policy', 'text')).toEqual(['product_quality', 'policy'])
    expect(parseCell('true', 'boolean')).toBe(true)
    expect(parseCell('[1..5)', 'integer')).toBe('[1..5)')
    expect(parseCell('> 5000', 'decimal')).toBe('> 5000')
    expect(parseCell('5000', 'decimal')).toBe(5000)
    expect(parseCell('=amount > 2 * limit', 'decimal')).toEqual({ formula: 'amount > 2 * limit' })
    expect(parseCell('  ', 'text')).toBeUndefined()
    expect(parseCell('-', 'text')).toBeUndefined()
    expect(parseOutput('4', 'integer')).toBe(4)
    expect(parseOutput('vip_desk', 'text')).toBe('vip_desk')
  })

  const table = asTable({
    key: 't', kind: 'decision_table', hit_policy: 'unique',
    inputs: [{ key: 'category' }, { key: 'vip', type: 'boolean' }], outputs: [{ key: 'team' }],
    rows: [{ when: { category: 'a', vip: true }, then: { team: 'x' } }, { when: { vip: true }, then: { team: 'y' } }],
  })
  if (!table) throw new Error('a table')

  it('puts overlaps on the cells of both rows and gaps on the table', () => {
    const marks = tableMarks([
      { path: '/rules/3/rows/1', message: "rows 0 and 1 overlap under the 'unique' hit policy (e.g. category='a', vip=True)" },
      { path: '/rules/3/rows', message: '2 input combinations match no row: vip=False' },
      { path: '/rules/3/rows/0/then/team', message: 'no output' },
      { path: '/rules/4/rows/0', message: 'another table' },
    ], 3, table)
    expect([...marks.cells.keys()].sort()).toEqual(['then/0/team', 'when/0/category', 'when/0/vip', 'when/1/category', 'when/1/vip'])
    expect([...marks.rows.keys()].sort()).toEqual([0, 1])
    expect(marks.table).toEqual(['2 input combinations match no row: vip=False'])
    const onlyVip = tableMarks([{ path: '/rules/3/rows/1', message: "rows 0 and 1 overlap under the 'unique' hit policy (e.g. vip=True)" }], 3, table)
    expect([...onlyVip.cells.keys()].sort()).toEqual(['when/0/vip', 'when/1/vip'])
  })

  it('edits one cell, rows and a column key in every row', () => {
    const doc = { rules: [{}, {}, {}, table] }
    expect(setCellOps(table, 3, 1, 'when', 'category', 'b')).toEqual([{ op: 'set', path: ['rules', '3', 'rows', '1', 'when', 'category'], value: 'b' }])
    expect(setCellOps(table, 3, 0, 'when', 'vip', undefined)).toEqual([{ op: 'remove', path: ['rules', '3', 'rows', '0', 'when', 'vip'] }])
    expect(setCellOps(table, 3, 0, 'when', 'vip', true)).toEqual([])
    const renamed = applyOps(doc, renameColumnOps(table, 3, 'inputs', 0, 'kind')) as { rules: unknown[] }
    expect(JSON.stringify((renamed.rules[3] as { rows: unknown }).rows))
      .toBe('[{"when":{"kind":"a","vip":true},"then":{"team":"x"}},{"when":{"vip":true},"then":{"team":"y"}}]')
    const added = applyOps(doc, insertRowOps(3, 1)) as { rules: { rows: unknown[] }[] }
    expect(added.rules[3]?.rows[1]).toEqual({ when: {}, then: {} })
    const { ops, restore } = removeRowOps(table, 3, 0)
    expect(applyOps(applyOps(doc, ops), restore)).toEqual(doc)
  })
})

describe('the engine reasons in words', () => {
  it('keys the reasons the engine writes and keeps the others as written', async () => {
    const { reasonOf } = await import('../../src/core/design/rules')
    expect(reasonOf('on created; condition true')).toMatchObject({ key: 'firedWhen', params: { event: 'created' } })
    expect(reasonOf('on updated')).toMatchObject({ key: 'fired', params: { event: 'updated' } })
    expect(reasonOf('on created; condition true (recent=4)')).toMatchObject({ key: 'firedWhen', params: { aggregates: 'recent=4' } })
    expect(reasonOf('condition on aggregates is false (recent=1)')).toMatchObject({ key: 'aggregatesFalse', params: { aggregates: 'recent=1' } })
    expect(reasonOf('none of the watched fields changed').key).toBe('notWatched')
    expect(reasonOf('condition failed: ExprError: x').params).toEqual({ error: 'ExprError: x' })
    expect(reasonOf('something new')).toEqual({ key: null, params: {}, text: 'something new' })
  })
})

describe('the nodes a flow-event trigger may name', () => {
  const doc = { flows: [
    { key: 'repair', nodes: [{ id: 'start', kind: 'start' }, { id: 'approve', kind: 'approval', label: { 'zh-CN': '经理审批', en: 'Manager' } }] },
    { key: 'other', nodes: [{ id: 'approve', label: { 'zh-CN': '另一个' } }, { id: 'close', label: { en: 'Close' } }] },
  ] }
  it('lists the chosen flow\'s nodes by label, a node without one by its id', () => {
    expect(flowNodeChoices(doc, 'repair', 'zh-CN')).toEqual([{ value: 'start', label: 'start' }, { value: 'approve', label: '经理审批' }])
    expect(flowNodeChoices(doc, 'repair', 'en')[1]).toEqual({ value: 'approve', label: 'Manager' })
  })
  it('lists every flow\'s nodes once for a trigger on any flow, and none for a flow not in the draft', () => {
    expect(flowNodeChoices(doc, null, 'zh-CN').map((c) => c.value)).toEqual(['start', 'approve', 'close'])
    expect(flowNodeChoices(doc, 'nope', 'zh-CN')).toEqual([])
    expect(flowNodeChoices({}, null, 'zh-CN')).toEqual([])
  })
})
