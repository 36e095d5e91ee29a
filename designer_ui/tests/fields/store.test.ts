import { describe, expect, it } from 'vitest'
import { fieldsRead, makeContext } from '../../src/core/expr'
import { compileFormLogic } from '../../src/core/form/logic'
import { RecordStore } from '../../src/core/form/store'
import type { FieldDef, FormDef } from '../../src/core/form/types'

const label = (zh: string) => ({ 'zh-CN': zh })
const f = (key: string, kind: string, extra: Partial<FieldDef> = {}): FieldDef =>
  ({ key, kind, label: label(key), ...extra }) as FieldDef
const TYPES = { text: 'text', multi_select: 'text_list', currency: 'decimal', integer: 'integer', decimal: 'decimal',
  single_select: 'text', user: 'user' }

const form = {
  key: 'complaint', label: label('客诉'),
  fields: [
    f('subject', 'text'),
    f('notes', 'text'),
    f('channel', 'single_select'),
    f('priority', 'single_select', { default_formula: 'IF(channel = "weibo", "P2", "P3")' }),
    f('category', 'text', { required_if: 'LEN(subject) > 3' }),
    f('locked', 'text', { readonly_if: 'channel = "store"' }),
    f('big', 'text', { visible_if: 'total > 100' }),
    f('total', 'formula', { formula: 'SUM(items, price * qty)', config: { result: 'decimal', scale: 2 } }),
    f('items', 'subtable', { fields: [f('price', 'decimal'), f('qty', 'integer'),
      f('line', 'formula', { formula: 'price * qty', config: { result: 'decimal', scale: 2 } })] }),
  ],
} as FormDef
const keys = (form.fields ?? []).map((x) => x.key)
const ctx = makeContext({ now: '2026-05-20T02:00:00Z', userId: 7, deptId: 3, timeZone: 'Asia/Shanghai' })
const logic = compileFormLogic(form, TYPES)

/** The fields whose listeners ran during `act`. */
function redrawn(store: RecordStore, act: () => void): string[] {
  const seen: string[] = []
  const off = keys.map((k) => store.subscribeField(k, () => seen.push(k)))
  act()
  off.forEach((o) => o())
  return seen.sort()
}

describe('what an expression reads', () => {
  it('is the first segment of every var', () => {
    expect(fieldsRead({ and: [{ '>': [{ var: 'amount' }, 5000] }, { '==': [{ var: 'customer.level' }, 'vip'] }] }))
      .toEqual(new Set(['amount', 'customer']))
    expect(fieldsRead({ var: ['a', { var: 'b' }] })).toEqual(new Set(['a', 'b']))
  })

  it('cannot be known when a name is computed', () => {
    expect(fieldsRead({ var: [{ cat: ['a', 'b'] }] })).toBeNull()
  })
})

describe('the linkage dependencies of a form', () => {
  it('name the fields whose state reads a field', () => {
    expect([...logic.stateReaders('subject')]).toEqual(['category'])
    expect([...logic.stateReaders('channel')]).toEqual(['locked'])
    expect([...logic.stateReaders('total')]).toEqual(['big'])
    expect([...logic.stateReaders('notes')]).toEqual([])
  })

  it('know which fields feed formulas', () => {
    expect(logic.feedsFormulas('items')).toBe(true)
    expect(logic.feedsFormulas('subject')).toBe(false)
  })
})

describe('a record store', () => {
  it('redraws the field typed in and the fields whose linkage reads it', () => {
    const store = new RecordStore(logic, ctx, {}, { isNew: false, keys })
    expect(redrawn(store, () => store.set('notes', 'x'))).toEqual(['notes'])
    expect(redrawn(store, () => store.set('subject', 'abc'))).toEqual(['subject'])
    expect(redrawn(store, () => store.set('subject', 'abcd'))).toEqual(['category', 'subject'])
    expect(store.field('category').state.required).toBe(true)
    expect(redrawn(store, () => store.set('subject', 'abcde'))).toEqual(['subject'])
  })

  it('keeps a field snapshot until its value or state changes', () => {
    const store = new RecordStore(logic, ctx, {}, { isNew: false, keys })
    const before = store.field('category')
    store.set('notes', 'x')
    expect(store.field('category')).toBe(before)
    store.set('subject', 'long enough')
    expect(store.field('category')).not.toBe(before)
  })

  it('recomputes formulas and the linkage reading them', () => {
    const store = new RecordStore(logic, ctx, {}, { isNew: false, keys })
    expect(store.field('big').state.visible).toBe(false)
    const seen = redrawn(store, () => store.set('items', [{ price: '60', qty: 2 }]))
    expect(seen).toEqual(['big', 'items', 'total'])
    expect(store.field('total').value).toBe('120.00')
    expect(store.field('big').state.visible).toBe(true)
    expect((store.computed.items as { line: string }[])[0]?.line).toBe('120.00')
  })

  it('refills the defaults of a new record from what was typed, not over it', () => {
    const store = new RecordStore(logic, ctx, {}, { isNew: true, keys })
    expect(store.computed.priority).toBe('P3')
    expect(redrawn(store, () => store.set('channel', 'weibo'))).toEqual(['channel', 'priority'])
    expect(store.computed.priority).toBe('P2')
    store.set('priority', 'P1')
    store.set('channel', 'phone')
    expect(store.computed.priority).toBe('P1')
  })

  it('recomputes everything when the values are replaced', () => {
    const store = new RecordStore(logic, ctx, {}, { isNew: false, keys })
    store.set('subject', 'long enough')
    const seen = redrawn(store, () => store.replace({ subject: 'x', channel: 'store' }))
    expect(seen).toEqual(['category', 'channel', 'locked', 'subject'])
    expect(store.touched.size).toBe(0)
  })
})
