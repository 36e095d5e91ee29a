/** The app's inbound channels in the draft: public forms (公开表单), mailboxes and inbound webhooks. They live in
 * the `rules` section beside rules and tables (one key namespace); these pure functions list them and give the
 * edits (JSON-path ops) the app settings designer applies. */
import type { Op } from './ops'
import { uniqueKey } from './keys'

export const CHANNEL_KINDS = ['public_form', 'inbound_email', 'inbound_webhook'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

export type ChannelDoc = Record<string, unknown> & { key: string; kind: ChannelKind; form?: string }

export interface Channel {
  /** where it stands in `rules` */
  index: number
  doc: ChannelDoc
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isChannelKind = (v: unknown): v is ChannelKind => CHANNEL_KINDS.includes(v as ChannelKind)

function rulesOf(doc: unknown): unknown[] {
  const rules = isObj(doc) ? doc.rules : undefined
  return Array.isArray(rules) ? rules : []
}

export function channelsOf(doc: unknown): Channel[] {
  return rulesOf(doc).flatMap((raw, index) => (isObj(raw) && isChannelKind(raw.kind) && typeof raw.key === 'string'
    ? [{ index, doc: raw as ChannelDoc }] : []))
}

interface FieldLike { key: string; kind?: unknown }

/** A new channel of ``kind`` on ``form``, valid as made: a public form offers the form's first field, a webhook
 * maps it from a same-named JSON key, a mailbox files the subject into it. */
export function newChannel(doc: unknown, kind: ChannelKind, form: string, fields: readonly FieldLike[],
  label: Record<string, string>): ChannelDoc {
  const taken = new Set(rulesOf(doc).flatMap((r) => (isObj(r) && typeof r.key === 'string' ? [r.key] : [])))
  const base = { public_form: 'web', inbound_email: 'mailbox', inbound_webhook: 'webhook' }[kind]
  const key = uniqueKey(base, taken)
  const first = fields.find((f) => f.kind === 'text' || f.kind === 'long_text')?.key ?? fields[0]?.key ?? ''
  switch (kind) {
    case 'public_form': {
      // a status lookup needs a serial number to look up: offered only when the form has one
      const lookup = fields.some((f) => f.kind === 'serial')
      return { key, kind, label, form, fields: first ? [first] : [], ...(lookup ? {} : { status_lookup: false }) }
    }
    case 'inbound_email':
      return { key, kind, label, form, address: '', subject_field: first }
    case 'inbound_webhook':
      return { key, kind, label, form, map: first ? { [first]: first } : {} }
  }
}

export function addChannel(doc: unknown, channel: ChannelDoc): Op[] {
  const rules = isObj(doc) ? doc.rules : undefined
  return Array.isArray(rules) ? [{ op: 'insert', path: ['rules', String(rules.length)], value: channel }]
    : [{ op: 'set', path: ['rules'], value: [channel] }]
}

export function removeChannel(channel: Channel): Op[] {
  return [{ op: 'remove', path: ['rules', String(channel.index)] }]
}

/** Sets one setting; ``undefined`` (an emptied optional field) takes it out. */
export function setChannel(channel: Channel, name: string, value: unknown): Op[] {
  const next: Record<string, unknown> = { ...channel.doc }
  if (value === undefined) delete next[name]
  else next[name] = value
  return [{ op: 'set', path: ['rules', String(channel.index)], value: next }]
}

/** Changing the form clears what named the old form's fields (a channel must only name its own form's fields). */
export function setChannelForm(channel: Channel, form: string, fields: readonly FieldLike[]): Op[] {
  const settings: Record<string, unknown> = { ...newChannel({}, channel.doc.kind, form, fields, {}) }
  delete settings.label
  const kept: Record<string, unknown> = { key: channel.doc.key, kind: channel.doc.kind }
  if (channel.doc.label !== undefined) kept.label = channel.doc.label
  if (channel.doc.kind === 'inbound_email' && typeof channel.doc.address === 'string') kept.address = channel.doc.address
  return [{ op: 'set', path: ['rules', String(channel.index)], value: { ...settings, ...kept } }]
}

/** A webhook's map as rows (field → dotted JSON path), and back. */
export function mapRows(channel: ChannelDoc): Array<{ field: string; path: string }> {
  const map = isObj(channel.map) ? channel.map : {}
  return Object.entries(map).map(([field, path]) => ({ field, path: typeof path === 'string' ? path : '' }))
}

export function rowsToMap(rows: ReadonlyArray<{ field: string; path: string }>): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.field).map((r) => [r.field, r.path]))
}

/** The draft's problems (from the server's validation) that belong to this channel, with the setting they name
 * relative to it: `/rules/3/status_lookup` → `status_lookup`. */
export function channelProblems(channel: Channel, problems: ReadonlyArray<{ path: string; message: string }>):
  Array<{ setting: string; message: string }> {
  const prefix = `/rules/${String(channel.index)}`
  return problems.filter((p) => p.path === prefix || p.path.startsWith(`${prefix}/`))
    .map((p) => ({ setting: p.path.slice(prefix.length + 1), message: p.message }))
}
