/**
 * The `rules` section of a draft as the rule designer sees it: its rules and decision tables (the other
 * kinds — webhooks, channels — are kept as they are), a trigger in words, and edits as JSON-path ops.
 *
 *   ruleElements({rules: [{key: 'vip', form: 'complaint', on: [{event: 'created'}], actions: []}]})
 *   → [{index: 0, key: 'vip', kind: 'rule', form: 'complaint', enabled: true, …}]
 *   triggerSummary({event: 'field_changed', field: 'status', to: 'closed'})
 *   → {event: 'field_changed', params: {field: 'status', from: '', to: 'closed'}}
 */
import { pickLabel } from '../labels'
import type { Op } from './ops'
import { getAt } from './pointer'

export type Obj = Record<string, unknown>
export type Label = Record<string, string>

export interface RuleElement {
  /** Index in the draft's `rules` array: its JSON path is `/rules/<index>`. */
  index: number
  key: string
  kind: string
  label: Label | undefined
  form: string | null
  enabled: boolean
  triggers: Obj[]
  actions: Obj[]
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : [])

/** The rules and decision tables of the draft, in their order (each with its index in `rules`). */
export function ruleElements(doc: unknown): RuleElement[] {
  const rules = getAt(doc, ['rules'])
  if (!Array.isArray(rules)) return []
  return rules.flatMap((raw, index): RuleElement[] => {
    if (!isObj(raw)) return []
    const kind = typeof raw.kind === 'string' ? raw.kind : 'rule'
    if (kind !== 'rule' && kind !== 'decision_table') return []
    return [{
      index, kind, key: typeof raw.key === 'string' ? raw.key : '', label: isObj(raw.label) ? (raw.label as Label) : undefined,
      form: typeof raw.form === 'string' ? raw.form : null, enabled: raw.enabled !== false,
      triggers: objects(raw.on), actions: objects(raw.actions),
    }]
  })
}

export function elementByKey(doc: unknown, key: string): RuleElement | undefined {
  return ruleElements(doc).find((e) => e.key === key)
}

/** Every key of the `rules` section (rules, tables, webhooks, channels share one namespace). */
export function sectionKeys(doc: unknown): Set<string> {
  const rules = getAt(doc, ['rules'])
  return new Set(Array.isArray(rules) ? rules.flatMap((r) => (isObj(r) && typeof r.key === 'string' ? [r.key] : [])) : [])
}

const shown = (v: unknown): string => {
  if (v === undefined || v === null) return ''
  if (Array.isArray(v)) return v.map(shown).join(' / ')
  return typeof v === 'string' ? v : JSON.stringify(v)
}

export interface TriggerSummary {
  event: string
  params: Record<string, string>
}

/** A trigger as an event and the parameters its sentence names (the page words it in its language). */
export function triggerSummary(trigger: Obj): TriggerSummary {
  const event = typeof trigger.event === 'string' ? trigger.event : ''
  const offset = isObj(trigger.offset) ? trigger.offset : {}
  const params: Record<string, string> = {}
  switch (event) {
    case 'updated':
      params.fields = shown(trigger.fields)
      break
    case 'field_changed':
      Object.assign(params, { field: shown(trigger.field), from: shown(trigger.from), to: shown(trigger.to) })
      break
    case 'flow':
      Object.assign(params, { on: shown(trigger.on), flow: shown(trigger.flow), node: shown(trigger.node) })
      break
    case 'time':
      Object.assign(params, { field: shown(trigger.field), days: shown(offset.days ?? 0), hours: shown(offset.hours ?? 0),
        minutes: shown(offset.minutes ?? 0), working: offset.working === true ? 'yes' : '' })
      break
    case 'cron':
      params.cron = shown(trigger.cron)
      break
    case 'inbound':
    case 'created':
      params.channel = shown(trigger.channel)
      break
  }
  return { event, params }
}

/** Move action `from` to position `to` (its place once it has left `from`). */
export function moveActionOps(ruleIndex: number, from: number, to: number): Op[] {
  if (from === to) return []
  const base = ['rules', String(ruleIndex), 'actions']
  return [{ op: 'move', from: [...base, String(from)], path: [...base, String(to)] }]
}

/** The drop target "before action `before`" as the position the dragged action `from` ends up at. */
export function dropPosition(from: number, before: number): number {
  return before > from ? before - 1 : before
}

export function removeActionOps(ruleIndex: number, action: number, value: unknown): { ops: Op[]; restore: Op[] } {
  const path = ['rules', String(ruleIndex), 'actions', String(action)]
  return { ops: [{ op: 'remove', path }], restore: [{ op: 'insert', path, value, clamp: true }] }
}

/** A new rule on `form`: created records, no condition, one action of `action` kind. */
export function newRule(key: string, label: Label, form: string, action: Obj): Obj {
  return { key, label, form, on: [{ event: 'created' }], actions: [action] }
}

/**
 * The nodes a flow-event trigger may name, as choices: those of flow `flow`, or of every flow when it is
 * null (a trigger on any flow), each once by id, labelled in `locale` (a node without a label: its id).
 *
 *   flowNodeChoices({flows: [{key: 'f', nodes: [{id: 'ok', label: {en: 'Approve'}}]}]}, 'f', 'en')
 *   → [{value: 'ok', label: 'Approve'}]
 */
export function flowNodeChoices(doc: unknown, flow: string | null, locale: string): { value: string; label: string }[] {
  const flows = objects(getAt(doc, ['flows'])).filter((f) => flow === null || f.key === flow)
  const seen = new Set<string>()
  return flows.flatMap((f) => objects(f.nodes)).flatMap((n) => {
    const id = typeof n.id === 'string' ? n.id : ''
    if (!id || seen.has(id)) return []
    seen.add(id)
    return [{ value: id, label: pickLabel(n.label as Label, locale, id) }]
  })
}

/** A new decision table: one input, one output and a catch-all row. */
export function newTable(key: string, label: Label): Obj {
  return { key, kind: 'decision_table', label, hit_policy: 'first', inputs: [{ key: 'input_1' }],
    outputs: [{ key: 'output_1' }], rows: [{ when: {}, then: {} }] }
}

/** A blank action of `kind` with what its model requires. */
export function newAction(kind: string): Obj {
  switch (kind) {
    case 'set': return { kind, values: {} }
    case 'notify': return { kind, to: [{ role: '' }], channels: ['in_app'], subject: '' }
    case 'webhook': return { kind, url: 'https://' }
    case 'escalate': return { kind, by: 1 }
    case 'assign': return { kind, field: '', to: { role: '' } }
    case 'create': return { kind, form: '', values: {} }
    case 'update': return { kind, form: '', match: {} }
    case 'start_flow': return { kind, flow: '' }
    case 'decide': return { kind, table: '' }
    default: return { kind }
  }
}

/** Set (or, with `undefined`, remove) `key` of the object at `path`: an absent key stays absent when cleared. */
export function setKeyOps(doc: unknown, path: readonly string[], key: string, value: unknown): Op[] {
  const target = getAt(doc, path)
  if (!isObj(target)) return value === undefined ? [] : [{ op: 'set', path: [...path], value: { [key]: value } }]
  if (value === undefined) return key in target ? [{ op: 'remove', path: [...path, key] }] : []
  return [{ op: 'set', path: [...path, key], value }]
}

/** What a problem's path names inside the rules designer: the element and, below it, the rest of the path. */
export function ruleProblemTarget(doc: unknown, path: string): { key: string; rest: string } | null {
  const match = /^\/rules\/(\d+)(\/.*)?$/.exec(path)
  if (!match) return null
  const element = getAt(doc, ['rules', match[1] ?? ''])
  if (!isObj(element) || typeof element.key !== 'string') return null
  return { key: element.key, rest: match[2] ?? '' }
}

export interface Reason {
  /** A key under designer.rules.reason, or null: show `text` as the server wrote it. */
  key: string | null
  params: Record<string, string>
  text: string
}

const BLOCKED: Record<string, string> = {
  disabled: 'disabled', 'no trigger matches': 'noTrigger', 'none of the watched fields changed': 'notWatched',
  'condition is false': 'conditionFalse', "another rule's timer": 'otherTimer',
}

/** The engine's reason for a rule firing or not, as a sentence key and its parameters (the page words it). */
export function reasonOf(text: string): Reason {
  if (text in BLOCKED) return { key: BLOCKED[text] ?? null, params: {}, text }
  const fired = /^on ([a-z_]+)(; condition true)?(?: \((.*)\))?$/.exec(text)
  if (fired) {
    return { key: fired[2] ? 'firedWhen' : 'fired', params: { event: fired[1] ?? '', aggregates: fired[3] ?? '' }, text }
  }
  const aggregates = /^condition on aggregates is false \((.*)\)$/.exec(text)
  if (aggregates) return { key: 'aggregatesFalse', params: { aggregates: aggregates[1] ?? '' }, text }
  const failed = /^condition failed: (.*)$/.exec(text)
  if (failed) return { key: 'conditionFailed', params: { error: failed[1] ?? '' }, text }
  return { key: null, params: {}, text }
}
