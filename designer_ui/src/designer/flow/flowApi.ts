// The flow designer's calls: the draft's path preview, the graph check and a few records to preview with.
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'

export type FlowPreview = components['schemas']['FlowPreview']
export type FlowValidation = components['schemas']['FlowValidation']

/** The path the draft's flow would take for a real record and/or sample values (every step approved). */
export async function previewDraftPath(appKey: string, flowKey: string,
  body: { record_id?: number; values?: Record<string, unknown> }): Promise<FlowPreview> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/draft/flows/{flow_key}/preview', {
    params: { path: { app_key: appKey, flow_key: flowKey } }, body,
  }))
}

/** The server's graph checks of one flow document against the app's published forms. */
export async function validateFlow(appKey: string, flow: unknown): Promise<FlowValidation> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/flows/validate', {
    params: { path: { app_key: appKey } }, body: flow as Record<string, never>,
  }))
}

export interface RecordChoice { id: number; title: string }

/** The newest records of a published form, to preview a path with. */
export async function recentRecords(appKey: string, formKey: string, titleField: string | null): Promise<RecordChoice[]> {
  const page = unwrap(await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records', {
    params: { path: { app_key: appKey, form_key: formKey }, query: { limit: 30, count: 'none' } },
  })) as { items?: Record<string, unknown>[] }
  return (page.items ?? []).map((row) => ({ id: Number(row.id), title: titleField && typeof row[titleField] === 'string' ? row[titleField] : '' }))
}
