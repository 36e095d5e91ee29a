// The record's audit entries as a timeline: one item per entry, with the field-level changes a
// person cares about (bookkeeping columns left out).
import type { HistoryEntry } from './types'

const BOOKKEEPING = new Set(['row_version', 'updated_at', 'created_at', 'id', 'created_by', 'owner_id', 'dept_id'])

export interface FieldChange {
  field: string
  before: unknown
  after: unknown
}

export interface TimelineItem {
  at: string
  actorId: number | null
  action: string
  changes: FieldChange[]
  comment: string | null
  /** A flow event (start, approve, reject, …): the step it happened at. */
  node: string | null
}

// Flow events are audited with their payload ({instance, task, node, comment, path, ...}), not field values.
function isFlowEvent(changes: Record<string, unknown>): boolean {
  return 'instance' in changes && 'path' in changes
}

export function timeline(entries: HistoryEntry[]): TimelineItem[] {
  return [...entries].reverse().map((entry) => {
    const flowEvent = isFlowEvent(entry.changes ?? {})
    const comment = entry.action === 'comment' || flowEvent ? afterOf(entry.changes['comment']) : null
    const node = flowEvent ? afterOf(entry.changes['node']) : null
    const changes: FieldChange[] = []
    if (entry.action !== 'comment' && !flowEvent) {
      for (const [field, value] of Object.entries(entry.changes ?? {})) {
        if (BOOKKEEPING.has(field)) continue
        const pair = Array.isArray(value) && value.length === 2 ? value : [null, value]
        changes.push({ field, before: pair[0], after: pair[1] })
      }
    }
    return {
      at: entry.at,
      actorId: entry.actor_id,
      action: entry.action,
      changes,
      comment: typeof comment === 'string' && comment ? comment : null,
      node: typeof node === 'string' ? node : null,
    }
  })
}

function afterOf(value: unknown): unknown {
  return Array.isArray(value) && value.length === 2 ? value[1] : value
}

/** A value as short text for the timeline: lists joined, objects by their name or label, nulls as —. */
export function shortValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.map(shortValue).join(', ')
  if (typeof value === 'object') {
    const named = value as { name?: unknown; label?: unknown; display?: unknown }
    const text = named.display ?? named.name ?? named.label
    return typeof text === 'string' ? text : JSON.stringify(value)
  }
  return String(value)
}
