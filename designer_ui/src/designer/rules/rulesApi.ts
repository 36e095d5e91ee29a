// The rule designer's calls, typed by the generated client: rehearsals over the saved draft, the run log,
// and a form's recent records to rehearse on.
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'

type Schemas = components['schemas']
export type DryRun = Schemas['DryRun']
export type RuleRunView = DryRun['runs'][number]
export type TableDryRun = Schemas['TableDryRun']
export type MessagePreview = Schemas['MessagePreview']
export type WebhookTest = Schemas['WebhookTest']
export type RuleLogEntry = Schemas['RuleLogEntry']

const app = (appKey: string) => ({ app_key: appKey })

export interface DryRunRequest {
  form: string
  record_id: number
  rule?: string
  values?: Record<string, unknown>
  event?: string
}

export async function dryRunDraft(appKey: string, body: DryRunRequest): Promise<DryRun> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/draft/rules/dry-run', { params: { path: app(appKey) }, body }))
}

export async function dryRunTable(appKey: string, table: string,
  body: { form?: string; record_id?: number; inputs?: Record<string, unknown> }): Promise<TableDryRun> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/draft/decision-tables/{table_key}/dry-run',
    { params: { path: { app_key: appKey, table_key: table } }, body }))
}

export async function previewMessage(appKey: string,
  body: { form: string; record_id: number; subject: string; body: string }): Promise<MessagePreview> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/draft/messages/preview', { params: { path: app(appKey) }, body }))
}

export async function testWebhook(appKey: string, body: { url?: string; subscription?: string;
  payload?: Record<string, unknown>; form?: string; record_id?: number }): Promise<WebhookTest> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/draft/webhooks/test', { params: { path: app(appKey) }, body }))
}

export interface RunFilter {
  rule?: string
  status?: string
  event?: string
  record_id?: number
  since?: string
  until?: string
  before_id?: number
}

export async function runLog(appKey: string, filter: RunFilter): Promise<RuleLogEntry[]> {
  const answer = unwrap(await api.GET('/api/v1/apps/{app_key}/rules/runs',
    { params: { path: app(appKey), query: { ...filter, limit: 50 } } }))
  return answer.items
}

export interface RecordRow { id: number; [key: string]: unknown }

/** The newest records of a published form, the one numbered `q`, or those a search for `q` finds: to rehearse rules on. */
export async function recentRecords(appKey: string, form: string, q: string): Promise<RecordRow[]> {
  const path = { app_key: appKey, form_key: form }
  if (/^\d{1,18}$/.test(q.trim())) {
    const found = await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}',
      { params: { path: { ...path, record_id: Number(q.trim()) } } })
    return found.data ? [found.data as unknown as RecordRow] : []
  }
  if (q.trim() === '') {
    const page = unwrap(await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records',
      { params: { path, query: { limit: 20, count: 'none' } } })) as { items?: RecordRow[] }
    return page.items ?? []
  }
  const found = unwrap(await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/search',
    { params: { path, query: { q, limit: 20 } } })) as { items?: RecordRow[] }
  return found.items ?? []
}
