// The admin console's operations pages in plain TypeScript: what a job's or a delivery's state looks like,
// what may be retried, and the audit filters turned into the server's query parameters.

/** antd Tag colours by job state (the states themselves come from the server's counts). */
const JOB_COLOURS: Record<string, string> = {
  due: 'blue',
  scheduled: 'default',
  failed: 'orange',
  running: 'processing',
  dead: 'red',
  done: 'green',
  cancelled: 'default',
}

export function jobColour(state: string): string {
  return JOB_COLOURS[state] ?? 'default'
}

/** Only a job that failed (waiting out its backoff) or was dead-lettered can be made due again. */
export function canRetry(state: string): boolean {
  return state === 'failed' || state === 'dead'
}

const DELIVERY_COLOURS: Record<string, string> = {
  pending: 'blue',
  retrying: 'orange',
  delivered: 'green',
  dead: 'red',
  cancelled: 'default',
}

export function deliveryColour(status: string): string {
  return DELIVERY_COLOURS[status] ?? 'default'
}

/** What the admin picked in the audit log's filter bar. */
export interface AuditFilters {
  actorId?: number | null
  action?: string | null
  entity?: string | null
  app?: string | null
  form?: string | null
  since?: string | null // ISO 8601 with an offset
  until?: string | null
}

export interface AuditParams {
  limit: number
  before_id?: number
  actor_id?: number
  action?: string
  entity?: string
  app?: string
  form?: string
  since?: string
  until?: string
}

/** The query of one page of GET /admin/audit: empty filters left out, text trimmed. */
export function auditParams(filters: AuditFilters, limit: number, beforeId?: number): AuditParams {
  const params: AuditParams = { limit }
  if (beforeId !== undefined) params.before_id = beforeId
  if (filters.actorId != null) params.actor_id = filters.actorId
  const text = { action: filters.action, entity: filters.entity, app: filters.app, form: filters.form, since: filters.since, until: filters.until }
  for (const [key, value] of Object.entries(text) as [keyof typeof text, string | null | undefined][]) {
    const trimmed = value?.trim()
    if (trimmed) params[key] = trimmed
  }
  return params
}

/** The keyset cursor of the next page: the last id of a full page, none after a short one. */
export function nextBefore<T extends { id: number }>(page: readonly T[], limit: number): number | undefined {
  return page.length === limit ? page[page.length - 1]?.id : undefined
}
