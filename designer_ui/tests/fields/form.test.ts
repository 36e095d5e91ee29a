import { describe, expect, it } from 'vitest'
import { makeContext } from '../../src/core/expr'
import { changedFields, reapply } from '../../src/core/form/diff'
import { placeError } from '../../src/core/form/errors'
import { layoutOf } from '../../src/core/form/layout'
import { compileFormLogic } from '../../src/core/form/logic'
import type { FieldDef, FormDef } from '../../src/core/form/types'

const label = (zh: string) => ({ 'zh-CN': zh })
const f = (key: string, kind: string, extra: Partial<FieldDef> = {}): FieldDef =>
  ({ key, kind, label: label(key), ...extra }) as FieldDef
const TYPES = { text: 'text', multi_select: 'text_list', currency: 'decimal', integer: 'integer', decimal: 'decimal',
  single_select: 'text', user: 'user', datetime: 'datetime' }

const complaint = {
  key: 'complaint', label: label('客诉'),
  fields: [
    f('subject', 'text', { required: true }),
    f('channel', 'single_select'),
    f('priority', 'single_select', { default_formula: 'IF(IN(channel, "weibo", "ecommerce"), "P2", "P3")' }),
    f('expectation', 'multi_select'),
    f('compensation', 'currency', { visible_if: 'IN("compensation", expectation)' }),
    f('category', 'text', { required_if: 'NOT(IN(channel, "email", "ecommerce"))' }),
    f('locked', 'text', { readonly_if: 'channel = "store"' }),
    f('receiver', 'user', { default_from: 'current_user' }),
    f('status', 'single_select', { default: 'new' }),
    f('total', 'formula', { formula: 'SUM(items, price * qty)', config: { result: 'decimal', scale: 2 } }),
    f('items', 'subtable', { fields: [f('price', 'decimal'), f('qty', 'integer'),
      f('line', 'formula', { formula: 'price * qty', config: { result: 'decimal', scale: 2 } })] }),
    f('customer_level', 'lookup'),
  ],
  tabs: [{ key: 'a', label: label('受理') }, { key: 'b', label: label('处理') }],
  layout: [
    { key: 'top', label: label('工单'), tab: 'a', columns: 2, collapsed: false, fields: ['subject', 'channel', 'priority'] },
    { key: 'money', label: label('金额'), tab: 'b', columns: 3, collapsed: false, fields: ['compensation', 'total', 'nope'] },
  ],
}
const ctx = makeContext({ now: '2026-05-20T02:00:00Z', userId: 7, deptId: 3, timeZone: 'Asia/Shanghai' })

describe('the form layout', () => {
  it('puts sections in their tabs and the fields no section names into a last section', () => {
    const tabs = layoutOf(complaint)
    expect(tabs.map((t) => t.key)).toEqual(['', 'a', 'b'])
    expect(tabs[0]?.sections[0]?.fields.map((x) => x.key)).toEqual(['expectation', 'category', 'locked', 'receiver',
      'status', 'items', 'customer_level'])
    expect(tabs[2]?.sections[0]?.fields.map((x) => x.key)).toEqual(['compensation', 'total'])
    expect(tabs[2]?.sections[0]?.columns).toBe(3)
  })

  it('leaves out what I may not read, and sections left empty', () => {
    const tabs = layoutOf(complaint, (k) => !['compensation', 'total'].includes(k))
    expect(tabs.map((t) => t.key)).toEqual(['', 'a'])
  })

  it('is one section of every field without a layout', () => {
    const tabs = layoutOf({ key: 'x', label: label('x'), fields: [f('a', 'text'), f('b', 'text')] } as FormDef)
    expect(tabs).toHaveLength(1)
    expect(tabs[0]?.sections[0]?.fields.map((x) => x.key)).toEqual(['a', 'b'])
  })
})

describe('linkage, defaults and formulas as the user types', () => {
  const logic = compileFormLogic(complaint, TYPES)

  it('compiles every expression of the form in the browser', () => {
    expect(logic.unsupported).toEqual([])
  })

  it('shows, requires and locks fields by their conditions', () => {
    const hidden = logic.states({ expectation: ['refund'], channel: 'email' }, ctx)
    expect(hidden.compensation?.visible).toBe(false)
    expect(hidden.category?.required).toBe(false)
    const shown = logic.states({ expectation: ['refund', 'compensation'], channel: 'store' }, ctx)
    expect(shown.compensation?.visible).toBe(true)
    expect(shown.category?.required).toBe(true)
    expect(shown.locked?.readonly).toBe(true)
    expect(shown.subject).toEqual({ visible: true, required: true, readonly: false })
  })

  it('fills defaults: constants, the current user, and default formulas over what is typed', () => {
    expect(logic.defaults({}, ctx, new Set())).toMatchObject({ status: 'new', receiver: 7, priority: 'P3' })
    expect(logic.defaults({ channel: 'weibo' }, ctx, new Set()).priority).toBe('P2')
    expect(logic.defaults({ channel: 'weibo' }, ctx, new Set(['priority'])).priority).toBeUndefined()
  })

  it('computes sub-table row formulas, then the form formulas over them, rounded to their scale', () => {
    const out = logic.withFormulas({ items: [{ price: '0.10', qty: 3 }, { price: '2.005', qty: 1 }] }, ctx)
    expect((out.items as Record<string, unknown>[]).map((r) => r.line)).toEqual(['0.30', '2.01'])
    expect(out.total).toBe('2.31')
  })

  it('leaves to the server what it cannot compile, and keeps the static state', () => {
    const odd = compileFormLogic({ key: 'x', label: label('x'), fields: [
      f('a', 'text', { visible_if: 'customer.level = "vip"', required: true })] } as FormDef, TYPES)
    expect(odd.unsupported).toEqual(['a.visible_if'])
    expect(odd.states({}, ctx).a).toEqual({ visible: true, required: true, readonly: false })
  })
})

describe('the 409: what changed and my edits on top', () => {
  const fields = [f('subject', 'text'), f('city', 'text'), f('notes', 'long_text')]
  const base = { subject: 'A', city: '杭州', notes: null, row_version: 1 }

  it('lists the fields whose values differ, in form order', () => {
    expect(changedFields(fields, base, { ...base, notes: '', city: '宁波' })).toEqual([
      { key: 'city', before: '杭州', after: '宁波' }])
  })

  it("keeps their changes to fields I did not touch and reports fields we both changed", () => {
    const mine = { ...base, notes: '回访', subject: 'B' }
    const latest = { ...base, city: '宁波', subject: 'C', row_version: 2 }
    const { values, conflicts } = reapply(fields, base, mine, latest)
    expect(values).toMatchObject({ subject: 'B', city: '宁波', notes: '回访', row_version: 2 })
    expect(conflicts).toEqual(['subject'])
  })
})

describe('server errors on the form', () => {
  const keys = new Set(['subject', 'items'])
  it('places a path on its field, its sub-table row and column, or on the form', () => {
    expect(placeError({ path: '/subject', message: 'is required' }, keys)).toEqual(
      { field: 'subject', row: null, column: null, message: 'is required' })
    expect(placeError({ path: '/items/2/qty', message: 'must be ≥ 1' }, keys)).toEqual(
      { field: 'items', row: 2, column: 'qty', message: 'must be ≥ 1' })
    expect(placeError({ path: '', message: 'bad' }, keys).field).toBeNull()
  })
})
