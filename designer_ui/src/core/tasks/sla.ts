// The SLA colour of a task or a flow: the server's state, or breached once the due time has passed
// (the breach job may not have run yet when the page is drawn).
export type SlaTone = 'breached' | 'warning' | 'ok' | 'none'

export function slaTone(state: string | null | undefined, dueAt: string | null | undefined, now: Date): SlaTone {
  if (state === 'breached') return 'breached'
  const due = dueAt ? Date.parse(dueAt) : NaN
  if (!Number.isNaN(due) && due < now.getTime()) return 'breached'
  if (state === 'warning') return 'warning'
  return Number.isNaN(due) ? 'none' : 'ok'
}

/** antd Tag colours for each tone. */
export const TONE_COLOURS: Record<SlaTone, string> = {
  breached: 'red',
  warning: 'gold',
  ok: 'green',
  none: 'default',
}

/** Minutes until `dueAt` (negative when overdue), or null without a due time. */
export function minutesLeft(dueAt: string | null | undefined, now: Date): number | null {
  if (!dueAt) return null
  const due = Date.parse(dueAt)
  return Number.isNaN(due) ? null : Math.round((due - now.getTime()) / 60_000)
}
