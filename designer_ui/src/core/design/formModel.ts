/**
 * The form designer's canvas over one form of the draft, and the edits it makes, as ops on the draft.
 *
 * The canvas is the form's tabs of sections of field keys. Unlike the runtime's layoutOf it keeps
 * empty sections and tabs (they are drop targets) and names each section by its index in
 * `form.layout`; fields no section lists form the implicit last section REST, whose order is the
 * order of `form.fields`. A form without a layout is that one section.
 *
 *   canvasOf({fields: [a, b], layout: [{key: 's', fields: ['a']}]})
 *   → [{key: '', sections: [{key: 's', index: 0, fields: ['a']}, {key: REST, index: null, fields: ['b']}]}]
 */
import type { Label } from '../labels'
import type { Op } from './ops'
import type { Path } from './pointer'
import { keyFromLabel, uniqueKey } from './keys'

export const REST = '_rest'

type Obj = Record<string, unknown>

export interface FieldLike extends Obj {
  key: string
  kind: string
  label?: Label
}

export interface CanvasSection {
  key: string
  /** Its index in form.layout; null for REST. */
  index: number | null
  label: Label
  columns: number
  tab: string
  fields: string[]
}

export interface CanvasTab {
  key: string
  label: Label
  sections: CanvasSection[]
}

/** Where a dragged field lands: before the field at `index` of `section` (its length: at the end). */
export interface DropTarget {
  section: string
  index: number
}

const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {})
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

export function fieldsOf(form: unknown): FieldLike[] {
  return asArray(asObj(form).fields).map((f) => asObj(f) as FieldLike)
}

function layoutOf(form: unknown): Obj[] {
  return asArray(asObj(form).layout).map(asObj)
}

export function canvasOf(form: unknown): CanvasTab[] {
  const keys = fieldsOf(form).map((f) => f.key)
  const known = new Set(keys)
  const placed = new Set<string>()
  const sections: CanvasSection[] = layoutOf(form).map((s, index) => ({
    key: str(s.key), index, label: (s.label ?? null) as Label, columns: typeof s.columns === 'number' ? s.columns : 2,
    tab: str(s.tab),
    fields: asArray(s.fields).filter((k): k is string => typeof k === 'string' && known.has(k) && !placed.has(k)
      && (placed.add(k), true)),
  }))
  const rest = keys.filter((k) => !placed.has(k))
  if (rest.length > 0 || sections.length === 0) {
    sections.push({ key: REST, index: null, label: null, columns: 2, tab: '', fields: rest })
  }
  const tabDefs = asArray(asObj(form).tabs).map(asObj)
  const tabKeys = new Set(tabDefs.map((t) => str(t.key)))
  const tabs: CanvasTab[] = [{ key: '', label: null, sections: [] },
    ...tabDefs.map((t) => ({ key: str(t.key), label: (t.label ?? null) as Label, sections: [] }))]
  for (const section of sections) {
    const tab = tabs.find((t) => t.key === (tabKeys.has(section.tab) ? section.tab : '')) ?? tabs[0]
    tab?.sections.push(section)
  }
  return tabs.filter((t) => t.key !== '' || t.sections.length > 0 || tabs.length === 1)
}

function findSection(canvas: CanvasTab[], key: string): CanvasSection | undefined {
  return canvas.flatMap((t) => t.sections).find((s) => s.key === key)
}

function sectionOfField(canvas: CanvasTab[], field: string): CanvasSection | undefined {
  return canvas.flatMap((t) => t.sections).find((s) => s.fields.includes(field))
}

/** The index in form.fields a field takes to stand at `index` of REST. */
function restPosition(form: unknown, rest: CanvasSection | undefined, index: number, without?: string): number {
  const keys = fieldsOf(form).map((f) => f.key).filter((k) => k !== without)
  const before = rest?.fields.filter((k) => k !== without)[index]
  const at = before === undefined ? -1 : keys.indexOf(before)
  return at < 0 ? keys.length : at
}

/** Ops adding `field` to form `fi` at `target`. */
export function addFieldOps(doc: unknown, fi: number, field: FieldLike, target: DropTarget): Op[] {
  const form = formAt(doc, fi)
  const base: Path = ['forms', String(fi)]
  const ops: Op[] = []
  if (!Array.isArray(asObj(form).fields)) ops.push({ op: 'set', path: [...base, 'fields'], value: [] })
  const canvas = canvasOf(form)
  const section = findSection(canvas, target.section)
  if (section?.index == null) {
    const at = restPosition(form, section, target.index)
    ops.push({ op: 'insert', path: [...base, 'fields', String(at)], value: field })
  } else {
    ops.push({ op: 'insert', path: [...base, 'fields', '-'], value: field })
    ops.push({ op: 'insert', path: [...base, 'layout', String(section.index), 'fields', String(target.index)],
      value: field.key })
  }
  return ops
}

/** Ops taking field `key` out of its layout section, if one lists it. */
function unplaceOps(form: unknown, fi: number, key: string): Op[] {
  return layoutOf(form).flatMap((s, si) => {
    const at = asArray(s.fields).indexOf(key)
    return at < 0 ? [] : [{ op: 'remove', path: ['forms', String(fi), 'layout', String(si), 'fields', String(at)] } as Op]
  })
}

/** Ops moving field `key` to `target` (the index counted before the field leaves its place). */
export function moveFieldOps(doc: unknown, fi: number, key: string, target: DropTarget): Op[] {
  const form = formAt(doc, fi)
  const canvas = canvasOf(form)
  const from = sectionOfField(canvas, key)
  const to = findSection(canvas, target.section)
  if (!from || !to) return []
  const fromIndex = from.fields.indexOf(key)
  const index = from === to && fromIndex < target.index ? target.index - 1 : target.index
  if (from === to && fromIndex === index) return []
  const base: Path = ['forms', String(fi)]
  if (to.index === null) {
    const fieldIndex = fieldsOf(form).findIndex((f) => f.key === key)
    return [...unplaceOps(form, fi, key),
      { op: 'move', from: [...base, 'fields', String(fieldIndex)], path: [...base, 'fields',
        String(restPosition(form, to, index, key))] }]
  }
  if (from === to) {
    return [{ op: 'move', from: [...base, 'layout', String(to.index), 'fields', String(fromIndex)],
      path: [...base, 'layout', String(to.index), 'fields', String(index)] }]
  }
  // unplacing can only shorten another section's list, so the target's indexes hold
  return [...unplaceOps(form, fi, key),
    { op: 'insert', path: [...base, 'layout', String(to.index), 'fields', String(index)], value: key }]
}

/** Ops deleting field `key` and the ops that would restore it where it was. */
export function removeFieldOps(doc: unknown, fi: number, key: string): { ops: Op[]; restore: Op[] } {
  const form = formAt(doc, fi)
  const fieldIndex = fieldsOf(form).findIndex((f) => f.key === key)
  if (fieldIndex < 0) return { ops: [], restore: [] }
  const base: Path = ['forms', String(fi)]
  const unplace = unplaceOps(form, fi, key)
  const replace: Op[] = unplace.map((op) => ({ op: 'insert', path: op.path, value: key, clamp: true }))
  return {
    ops: [...unplace, { op: 'remove', path: [...base, 'fields', String(fieldIndex)] }],
    restore: [{ op: 'insert', path: [...base, 'fields', String(fieldIndex)], value: fieldsOf(form)[fieldIndex], clamp: true },
      ...replace],
  }
}

/** Ops giving a field (or a row field, `parent.child`) a new key, with the layout and title_field following it. */
export function renameFieldOps(doc: unknown, fi: number, from: string, to: string): Op[] {
  if (splitFieldName(from).parent !== null) {  // a row field: only its key (no layout names it)
    const place = fieldPlace(doc, fi, from)
    return place && place.field.key !== to ? [{ op: 'set', path: [...place.path, 'key'], value: to }] : []
  }
  const form = formAt(doc, fi)
  const base: Path = ['forms', String(fi)]
  const fieldIndex = fieldsOf(form).findIndex((f) => f.key === from)
  if (fieldIndex < 0 || from === to) return []
  const ops: Op[] = [{ op: 'set', path: [...base, 'fields', String(fieldIndex), 'key'], value: to }]
  layoutOf(form).forEach((s, si) => asArray(s.fields).forEach((k, i) => {
    if (k === from) ops.push({ op: 'set', path: [...base, 'layout', String(si), 'fields', String(i)], value: to })
  }))
  if (asObj(form).title_field === from) ops.push({ op: 'set', path: [...base, 'title_field'], value: to })
  return ops
}

/** A new field of `kind`, labelled with the kind's name and keyed uniquely in its form. */
export function newField(kind: string, kindLabel: Record<string, string>, form: unknown): FieldLike {
  const taken = new Set(fieldsOf(form).map((f) => f.key))
  const key = keyFromLabel(null, kind, taken)
  const n = key.match(/_(\d+)$/)?.[1] ?? '1'
  const label = Object.fromEntries(Object.entries(kindLabel).map(([lang, text]) => [lang, `${text} ${n}`]))
  const field: FieldLike = { key, kind, label }
  if (kind === 'single_select' || kind === 'multi_select') {
    field.options = [{ value: 'a', label: { 'zh-CN': '选项 1', en: 'Option 1' } },
      { value: 'b', label: { 'zh-CN': '选项 2', en: 'Option 2' } }]
  }
  if (kind === 'subtable') field.fields = []
  return field
}

export function formAt(doc: unknown, fi: number): unknown {
  return asArray(asObj(doc).forms)[fi]
}

/** Ops adding an empty section (on tab `tab`, '' for none). */
export function addSectionOps(doc: unknown, fi: number, tab: string, label: Record<string, string>): Op[] {
  const form = formAt(doc, fi)
  const taken = new Set(layoutOf(form).map((s) => str(s.key)))
  const section: Obj = { key: uniqueKey('section', taken, { numbered: true }), label, columns: 2, fields: [] }
  if (tab) section.tab = tab
  const base: Path = ['forms', String(fi)]
  return Array.isArray(asObj(form).layout)
    ? [{ op: 'insert', path: [...base, 'layout', '-'], value: section }]
    : [{ op: 'set', path: [...base, 'layout'], value: [section] }]
}

/** Ops adding a tab (the first tab also gets every tab-less section, so nothing disappears). */
export function addTabOps(doc: unknown, fi: number, label: Record<string, string>): Op[] {
  const form = formAt(doc, fi)
  const tabs = asArray(asObj(form).tabs).map(asObj)
  const key = uniqueKey('tab', new Set(tabs.map((t) => str(t.key))), { numbered: true })
  const base: Path = ['forms', String(fi)]
  const ops: Op[] = Array.isArray(asObj(form).tabs)
    ? [{ op: 'insert', path: [...base, 'tabs', '-'], value: { key, label } }]
    : [{ op: 'set', path: [...base, 'tabs'], value: [{ key, label }] }]
  if (tabs.length === 0) {
    layoutOf(form).forEach((s, si) => {
      if (!s.tab) ops.push({ op: 'set', path: [...base, 'layout', String(si), 'tab'], value: key })
    })
  }
  return ops
}

/** Every key used by the forms' fields of a definition: form → field keys (for frozen keys). */
export function fieldKeysByForm(doc: unknown): Map<string, Set<string>> {
  return new Map(asArray(asObj(doc).forms).map((f) => [str(asObj(f).key), new Set(fieldsOf(f).map((x) => x.key))]))
}

/*
 * Sub-tables are designed inline: a sub-table field's row fields sit on its card. The designer names a row
 * field `parent.child` (keys have no dots), so one selection string names either kind of field.
 *
 *   rowFieldName('parts', 'qty') → 'parts.qty'      splitFieldName('parts.qty') → {parent: 'parts', key: 'qty'}
 */
export const rowFieldName = (parent: string, key: string): string => `${parent}.${key}`

export function splitFieldName(name: string): { parent: string | null; key: string } {
  const dot = name.indexOf('.')
  return dot < 0 ? { parent: null, key: name } : { parent: name.slice(0, dot), key: name.slice(dot + 1) }
}

/** Kinds a sub-table row cannot hold (the server refuses them too). */
export const NOT_IN_ROWS: ReadonlySet<string> = new Set(['subtable', 'serial'])

/**
 * Where a field named `name` (`key` or `parent.child`) lives in form `fi`: its JSON path and its siblings
 * (the fields its key must differ from); null when there is no such field.
 */
export function fieldPlace(doc: unknown, fi: number, name: string): { path: Path; field: FieldLike; siblings: FieldLike[] } | null {
  const { parent, key } = splitFieldName(name)
  const fields = fieldsOf(formAt(doc, fi))
  if (parent === null) {
    const index = fields.findIndex((f) => f.key === key)
    const field = fields[index]
    return field ? { path: ['forms', String(fi), 'fields', String(index)], field, siblings: fields } : null
  }
  const pi = fields.findIndex((f) => f.key === parent && f.kind === 'subtable')
  const rows = fieldsOf(fields[pi])
  const index = rows.findIndex((f) => f.key === key)
  const field = rows[index]
  return field ? { path: ['forms', String(fi), 'fields', String(pi), 'fields', String(index)], field, siblings: rows } : null
}

/** Ops adding `field` as the last row field of sub-table `parent` of form `fi` (none for a kind rows cannot hold). */
export function addRowFieldOps(doc: unknown, fi: number, parent: string, field: FieldLike): Op[] {
  const place = fieldPlace(doc, fi, parent)
  if (!place || place.field.kind !== 'subtable' || NOT_IN_ROWS.has(field.kind)) return []
  return Array.isArray(place.field.fields)
    ? [{ op: 'insert', path: [...place.path, 'fields', '-'], value: field }]
    : [{ op: 'set', path: [...place.path, 'fields'], value: [field] }]
}

/** Ops deleting row field `parent.child` and the ops that would restore it where it was. */
export function removeRowFieldOps(doc: unknown, fi: number, name: string): { ops: Op[]; restore: Op[] } {
  const place = fieldPlace(doc, fi, name)
  if (!place || splitFieldName(name).parent === null) return { ops: [], restore: [] }
  return { ops: [{ op: 'remove', path: place.path }],
    restore: [{ op: 'insert', path: place.path, value: place.field, clamp: true }] }
}
