// The agent's work at a glance, from the pending inbox alone: nothing here knows what the app is about.
import { slaTone } from './sla'
import type { InboxItem } from './types'

export interface MyWork {
  open: InboxItem[]
  nearBreach: InboxItem[]
  breached: InboxItem[]
  /** Steps where the flow's SLA clock is paused: the work waits on someone outside (the customer). */
  waiting: InboxItem[]
}

export type WorkBucket = keyof MyWork

export function myWork(pending: InboxItem[], now: Date): MyWork {
  const work: MyWork = { open: [], nearBreach: [], breached: [], waiting: [] }
  const seen = new Set<string>()
  for (const item of pending) {
    const record = `${item.app}/${item.form_key}/${item.record_id}`
    if (!seen.has(record)) {
      seen.add(record)
      work.open.push(item)
    }
    if (item.paused) {
      work.waiting.push(item)
      continue
    }
    const tone = slaTone(item.sla_state, item.due_at, now)
    if (tone === 'breached') work.breached.push(item)
    else if (tone === 'warning') work.nearBreach.push(item)
  }
  return work
}
