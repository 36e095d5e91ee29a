/**
 * What an expression may name where it is written, and the formula editor's completions from it.
 *
 * `scopeOf(doc, {form: 'complaint'}, {types, locale})` lists the form's fields with their labels and
 * expression types, `customer.level` for each field of the form a relation points at, and the
 * sub-tables (for SUM / COUNT over them); `{form, collection: 'items'}` is a sub-table row's scope.
 *
 *   completeAt('IF(sta', 6, scope, functions) → {from: 3, options: [{label: 'status', …}, {label: 'STARTSWITH', …}]}
 */
import { pickLabel, type Label } from '../labels'

type Obj = Record<string, unknown>

export interface ScopeOption {
  value: string
  label: string
}

export interface ScopeField {
  /** What the formula writes: `status`, `customer.level`. */
  path: string
  label: string
  /** The field kind (`single_select` …) and its expression type (`text` …; `collection` for a sub-table). */
  kind: string
  type: string
  options: ScopeOption[]
}

export interface ScopeAt {
  form: string | null
  /** A sub-table of the form: the scope is one of its rows. */
  collection?: string | null
}

export interface FunctionInfo {
  name: string
  signature: string
  description: string
  category: string
}

export interface Completion {
  label: string
  type: 'variable' | 'function' | 'keyword'
  detail: string
  info: string
  apply: string
}

const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {})
const asArray = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : [])
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

const COLLECTION_KINDS = new Set(['subtable', 'sub_table'])

function formOf(doc: unknown, key: string | null): Obj | undefined {
  return asArray(asObj(doc).forms).find((f) => f.key === key)
}

function optionsOf(field: Obj, locale: string): ScopeOption[] {
  return asArray(field.options).filter((o) => typeof o.value === 'string')
    .map((o) => ({ value: str(o.value), label: pickLabel(o.label as Label, locale, str(o.value)) }))
}

interface Context {
  doc: unknown
  types: Readonly<Record<string, string>>
  locale: string
}

function entry(field: Obj, prefix: { path: string; label: string } | null, ctx: Context): ScopeField {
  const key = str(field.key)
  const kind = str(field.kind)
  const label = pickLabel(field.label as Label, ctx.locale, key)
  return {
    path: prefix ? `${prefix.path}.${key}` : key,
    label: prefix ? `${prefix.label} › ${label}` : label,
    kind,
    type: COLLECTION_KINDS.has(kind) || Array.isArray(field.fields) ? 'collection' : ctx.types[kind] ?? 'any',
    options: optionsOf(field, ctx.locale),
  }
}

function fieldsOfForm(fields: Obj[], ctx: Context, withRelations: boolean): ScopeField[] {
  const out: ScopeField[] = []
  for (const field of fields) {
    const own = entry(field, null, ctx)
    out.push(own)
    const target = str(asObj(field.config).form)
    if (!withRelations || field.kind !== 'relation' || !target) continue
    for (const sub of asArray(formOf(ctx.doc, target)?.fields)) {
      const reached = entry(sub, { path: own.path, label: own.label }, ctx)
      if (reached.type !== 'collection' && sub.kind !== 'relation') out.push(reached)
    }
  }
  return out
}

/** The fields an expression at `at` may read, the form's own first. */
export function scopeOf(doc: unknown, at: ScopeAt, options: { types: Readonly<Record<string, string>>; locale: string }): ScopeField[] {
  const ctx: Context = { doc, ...options }
  const fields = asArray(formOf(doc, at.form)?.fields)
  if (at.collection) {
    const table = fields.find((f) => f.key === at.collection)
    return fieldsOfForm(asArray(table?.fields), ctx, true)
  }
  return fieldsOfForm(fields, ctx, true)
}

const CONTEXT: Completion[] = [
  { label: '$today', type: 'keyword', detail: 'date', info: '', apply: '$today' },
  { label: '$now', type: 'keyword', detail: 'datetime', info: '', apply: '$now' },
  { label: '$user.id', type: 'keyword', detail: 'user', info: '', apply: '$user.id' },
  { label: '$user.dept_id', type: 'keyword', detail: 'department', info: '', apply: '$user.dept_id' },
]

/** Inside a text constant? Counts the quotes before `pos` on the formula (`""` escapes one). */
function inString(text: string, pos: number): boolean {
  let open = false
  for (const ch of text.slice(0, pos)) if (ch === '"') open = !open
  return open
}

const WORD_BEFORE = /[$\p{L}\p{N}_.]*$/u

/**
 * What the editor offers at `pos`: fields whose key or label contains the typed word, functions whose
 * name starts with it (with their signature and one-line description), context values after `$`.
 * Null inside a text constant, or when nothing is typed and the list was not asked for (`explicit`).
 */
export function completeAt(text: string, pos: number, scope: readonly ScopeField[], functions: readonly FunctionInfo[],
  explicit = false): { from: number; options: Completion[] } | null {
  if (inString(text, pos)) return null
  const word = WORD_BEFORE.exec(text.slice(0, pos))?.[0] ?? ''
  if (!word && !explicit) return null
  const from = pos - word.length
  if (word.startsWith('$')) return { from, options: CONTEXT.filter((c) => c.label.startsWith(word)) }
  const lower = word.toLowerCase()
  const fields = scope.filter((f) => f.type !== 'collection' || !word.includes('.'))
    .filter((f) => f.path.toLowerCase().includes(lower) || f.label.toLowerCase().includes(lower))
    .filter((f) => word.includes('.') || !f.path.includes('.') || f.path.toLowerCase().startsWith(lower) || f.label.toLowerCase().includes(lower))
    .map((f): Completion => ({ label: f.path, type: 'variable', detail: f.label, info: f.type, apply: f.path }))
  const upper = word.toUpperCase()
  const calls = word.includes('.') ? [] : functions.filter((f) => f.name.startsWith(upper))
    .map((f): Completion => ({ label: f.name, type: 'function', detail: f.signature, info: f.description, apply: `${f.name}(` }))
  const rank = (c: Completion) =>
    c.label.toLowerCase() === lower || c.detail === word ? 0 : c.label.toLowerCase().startsWith(lower) || (c.type === 'variable' && c.detail.startsWith(word)) ? 1 : 2
  const options = [...fields, ...calls].sort((a, b) => rank(a) - rank(b))
  return options.length > 0 || explicit ? { from, options } : null
}

/** The function a call at `pos` is inside (`IF(a, |` → IF), for its signature while typing the arguments. */
export function callAt(text: string, pos: number): string | null {
  let depth = 0
  let quoted = false
  for (let i = pos - 1; i >= 0; i--) {
    const ch = text[i]
    if (ch === '"') quoted = !quoted
    if (quoted) continue
    if (ch === ')') depth++
    else if (ch === '(') {
      if (depth === 0) return /[\p{L}\p{N}_]+$/u.exec(text.slice(0, i))?.[0]?.toUpperCase() ?? null
      depth--
    }
  }
  return null
}
