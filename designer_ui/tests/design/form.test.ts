import { describe, expect, it } from 'vitest'
import { DraftStore } from '../../src/core/design/draftStore'
import { addFieldOps, addRowFieldOps, addSectionOps, addTabOps, canvasOf, fieldPlace, moveFieldOps, newField, removeFieldOps,
  removeRowFieldOps, renameFieldOps, REST, splitFieldName } from '../../src/core/design/formModel'
import { keyFromLabel } from '../../src/core/design/keys'
import { applyOps } from '../../src/core/design/ops'
import { fieldPath, selectionOf } from '../../src/core/design/selection'

const f = (key: string, kind = 'text') => ({ key, kind, label: { 'zh-CN': key } })
const app = (form: object) => ({ key: 'x', forms: [form] })
const keys = (doc: unknown) => canvasOf((doc as { forms: unknown[] }).forms[0]).map((t) => ({
  tab: t.key, sections: t.sections.map((s) => `${s.key}:${s.fields.join(',')}`) }))

describe('the form canvas', () => {
  it('shows a form without a layout as one section of all its fields', () => {
    expect(keys(app({ fields: [f('a'), f('b')] }))).toEqual([{ tab: '', sections: [`${REST}:a,b`] }])
  })

  it('keeps empty sections, puts unplaced fields last and sections on their tabs', () => {
    const doc = app({ fields: [f('a'), f('b'), f('c')], tabs: [{ key: 't', label: { en: 'T' } }],
      layout: [{ key: 's1', fields: ['a'], tab: 't' }, { key: 's2', fields: [] }] })
    expect(keys(doc)).toEqual([{ tab: '', sections: ['s2:', `${REST}:b,c`] }, { tab: 't', sections: ['s1:a'] }])
  })

  it('adds a dropped field into a section at its place', () => {
    const doc = app({ fields: [f('a'), f('b')], layout: [{ key: 's', fields: ['a', 'b'] }] })
    const next = applyOps(doc, addFieldOps(doc, 0, f('n'), { section: 's', index: 1 }))
    expect(keys(next)).toEqual([{ tab: '', sections: ['s:a,n,b'] }])
  })

  it('adds into a form without a layout by the order of its fields', () => {
    const doc = app({ fields: [f('a'), f('b')] })
    const next = applyOps(doc, addFieldOps(doc, 0, f('n'), { section: REST, index: 1 }))
    expect(keys(next)).toEqual([{ tab: '', sections: [`${REST}:a,n,b`] }])
    const empty = app({ key: 'e', label: { en: 'E' } })
    expect(keys(applyOps(empty, addFieldOps(empty, 0, f('n'), { section: REST, index: 0 })))).toEqual([
      { tab: '', sections: [`${REST}:n`] }])
  })

  it('reorders within a section and moves between sections', () => {
    const doc = app({ fields: [f('a'), f('b'), f('c')], layout: [{ key: 's', fields: ['a', 'b'] }, { key: 't', fields: ['c'] }] })
    expect(keys(applyOps(doc, moveFieldOps(doc, 0, 'a', { section: 's', index: 2 })))).toEqual([{ tab: '', sections: ['s:b,a', 't:c'] }])
    expect(keys(applyOps(doc, moveFieldOps(doc, 0, 'b', { section: 's', index: 0 })))).toEqual([{ tab: '', sections: ['s:b,a', 't:c'] }])
    expect(keys(applyOps(doc, moveFieldOps(doc, 0, 'a', { section: 't', index: 0 })))).toEqual([{ tab: '', sections: ['s:b', 't:a,c'] }])
    expect(moveFieldOps(doc, 0, 'a', { section: 's', index: 1 })).toEqual([]) // dropped where it was
  })

  it('moves a field out of its section into the unplaced ones', () => {
    const doc = app({ fields: [f('a'), f('b'), f('c')], layout: [{ key: 's', fields: ['a'] }] })
    expect(keys(applyOps(doc, moveFieldOps(doc, 0, 'a', { section: REST, index: 1 })))).toEqual([
      { tab: '', sections: ['s:', `${REST}:b,a,c`] }])
  })

  it('deletes a field with its layout entry, and its restore ops put both back', () => {
    const doc = app({ fields: [f('a'), f('b')], layout: [{ key: 's', fields: ['b', 'a'] }] })
    const { ops, restore } = removeFieldOps(doc, 0, 'a')
    const gone = applyOps(doc, ops)
    expect(keys(gone)).toEqual([{ tab: '', sections: ['s:b'] }])
    expect(applyOps(gone, restore)).toEqual(doc)
  })

  it('renames a key everywhere the form names it', () => {
    const doc = app({ fields: [f('a')], layout: [{ key: 's', fields: ['a'] }], title_field: 'a' })
    expect(applyOps(doc, renameFieldOps(doc, 0, 'a', 'z'))).toEqual(app({ fields: [{ ...f('a'), key: 'z' }],
      layout: [{ key: 's', fields: ['z'] }], title_field: 'z' }))
  })

  it('makes new fields, sections and tabs with free keys', () => {
    const form = { fields: [f('text_1')] }
    const field = newField('text', { 'zh-CN': '单行文本', en: 'Text' }, form)
    expect(field).toEqual({ key: 'text_2', kind: 'text', label: { 'zh-CN': '单行文本 2', en: 'Text 2' } })
    expect(newField('single_select', { en: 'Choice' }, form).options).toHaveLength(2)
    const doc = app({ fields: [f('a')] })
    const withSection = applyOps(doc, addSectionOps(doc, 0, '', { en: 'S' }))
    expect(keys(withSection)).toEqual([{ tab: '', sections: ['section_1:', `${REST}:a`] }])
    const withTab = applyOps(withSection, addTabOps(withSection, 0, { en: 'T' }))
    expect(keys(withTab)).toEqual([{ tab: '', sections: [`${REST}:a`] }, { tab: 'tab_1', sections: ['section_1:'] }])
  })

  it('makes keys from English labels', () => {
    expect(keyFromLabel({ en: 'Repair cost' }, 'currency', new Set())).toBe('repair_cost')
    expect(keyFromLabel({ en: 'Repair cost' }, 'currency', new Set(['repair_cost']))).toBe('repair_cost_1')
    expect(keyFromLabel({ en: '2nd phone' }, 'phone', new Set())).toBe('f_2nd_phone')
    expect(keyFromLabel({ 'zh-CN': '维修费' }, 'currency', new Set(['currency_1']))).toBe('currency_2')
  })
})

describe('sub-tables designed inline', () => {
  const doc = app({ key: 'f', fields: [f('a'), { key: 'parts', kind: 'subtable', fields: [f('name')] }],
    layout: [{ key: 's', fields: ['a', 'parts'] }] })
  const rows = (d: unknown) => ((d as { forms: { fields: { fields?: { key: string }[] }[] }[] }).forms[0]?.fields[1]?.fields ?? [])
    .map((x) => x.key)

  it('adds a row field at the end of the rows, keyed apart from its siblings only', () => {
    const parent = fieldPlace(doc, 0, 'parts')?.field
    const added = newField('integer', { 'zh-CN': '整数', en: 'Integer' }, parent)
    expect(added.key).toBe('integer_1')
    const next = applyOps(doc, addRowFieldOps(doc, 0, 'parts', added))
    expect(rows(next)).toEqual(['name', 'integer_1'])
    expect(keys(next)).toEqual([{ tab: '', sections: ['s:a,parts'] }])  // the canvas keeps one card for the sub-table
  })

  it('refuses kinds a row cannot hold, and fields that are not sub-tables', () => {
    expect(addRowFieldOps(doc, 0, 'parts', { key: 'n', kind: 'serial' })).toEqual([])
    expect(addRowFieldOps(doc, 0, 'parts', { key: 'n', kind: 'subtable' })).toEqual([])
    expect(addRowFieldOps(doc, 0, 'a', f('n'))).toEqual([])
    const empty = app({ key: 'f', fields: [f('a'), { key: 'parts', kind: 'subtable' }] })
    expect(rows(applyOps(empty, addRowFieldOps(empty, 0, 'parts', f('n'))))).toEqual(['n'])
  })

  it('names a row field parent.child: its place, its rename, its removal and restore, its problem path', () => {
    expect(splitFieldName('parts.name')).toEqual({ parent: 'parts', key: 'name' })
    expect(splitFieldName('a')).toEqual({ parent: null, key: 'a' })
    expect(fieldPlace(doc, 0, 'parts.name')?.path).toEqual(['forms', '0', 'fields', '1', 'fields', '0'])
    expect(fieldPlace(doc, 0, 'parts.nope')).toBeNull()
    const renamed = applyOps(doc, renameFieldOps(doc, 0, 'parts.name', 'part_name'))
    expect(rows(renamed)).toEqual(['part_name'])
    expect((renamed as { forms: { layout: unknown }[] }).forms[0]?.layout).toEqual([{ key: 's', fields: ['a', 'parts'] }])
    const { ops, restore } = removeRowFieldOps(doc, 0, 'parts.name')
    const removed = applyOps(doc, ops)
    expect(rows(removed)).toEqual([])
    expect(applyOps(removed, restore)).toEqual(doc)
    expect(removeRowFieldOps(doc, 0, 'parts')).toEqual({ ops: [], restore: [] })  // a top-level field is not a row field
    expect(selectionOf(doc, '/forms/0/fields/1/fields/0/formula')).toEqual({
      path: '/forms/0/fields/1/fields/0', form: 0, field: 'parts.name', section: null })
    expect(fieldPath(doc, 0, 'parts.name')).toBe('/forms/0/fields/1/fields/0')
    expect(fieldPath(doc, 0, 'parts.nope')).toBeNull()
  })
})

describe('what a problem path selects', () => {
  const doc = app({ key: 'f', fields: [f('a'), f('b')], layout: [{ key: 's', fields: ['a'] }] })
  it('selects the field of a path inside it', () => {
    expect(selectionOf(doc, '/forms/0/fields/1/options/0/value')).toEqual({ path: '/forms/0/fields/1', form: 0, field: 'b', section: null })
    expect(selectionOf(doc, '/forms/0/layout/0/fields/0')).toEqual({ path: '/forms/0/layout/0', form: 0, field: null, section: 0 })
    expect(selectionOf(doc, '/forms/0/title_field')).toEqual({ path: '/forms/0', form: 0, field: null, section: null })
    expect(selectionOf(doc, '/flows/2/nodes/3')).toEqual({ path: '/flows/2', form: null, field: null, section: null })
    expect(fieldPath(doc, 0, 'b')).toBe('/forms/0/fields/1')
  })

  it('the store follows a problem to the field after edits moved it', () => {
    const store = new DraftStore(doc, { save: () => Promise.resolve({ errors: [] }), setTimer: () => 1, clearTimer: () => undefined })
    store.edit(addFieldOps(store.doc, 0, f('n'), { section: REST, index: 0 }))
    expect(fieldPath(store.doc, 0, 'b')).toBe('/forms/0/fields/2')
  })
})
