// Print templates at run time: which a form has, the print view's HTML, the PDF's address.
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'
import type { PrintJob } from '../../core/print/printJob'

export type PrintTemplateSummary = components['schemas']['PrintTemplateSummary']

export async function listPrintTemplates(app: string, form: string): Promise<PrintTemplateSummary[]> {
  return unwrap(await api.GET('/api/v1/apps/{app_key}/prints', { params: { path: { app_key: app }, query: { form } } }))
}

export async function printViewHtml(app: string, template: string, ids: readonly number[], lang: string): Promise<string> {
  const answer = await api.GET('/api/v1/apps/{app_key}/prints/{template_key}/html', {
    params: { path: { app_key: app, template_key: template }, query: { ids: ids.join(','), lang } }, parseAs: 'text' })
  return unwrap(answer) as string
}

/** The PDF download's address (a plain link: the session cookie signs the request). */
export function pdfUrl(app: string, template: string, ids: readonly number[], lang: string): string {
  const query = new URLSearchParams({ ids: ids.join(','), lang })
  return `/api/v1/apps/${encodeURIComponent(app)}/prints/${encodeURIComponent(template)}/pdf?${query.toString()}`
}

/** The print view's page in this app (opens the browser's print dialog once drawn). */
export function printViewUrl(app: string, template: string, ids: readonly number[]): string {
  return `/print/${encodeURIComponent(app)}/${encodeURIComponent(template)}?ids=${ids.join(',')}`
}

/** Queue the PDF of a selection: the job to poll (its file is offered once it succeeded). */
export async function startPdfJob(app: string, template: string, ids: readonly number[], lang: string): Promise<PrintJob> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/prints/{template_key}/pdf-jobs', {
    params: { path: { app_key: app, template_key: template } }, body: { ids: [...ids], lang } }))
}

export async function getPdfJob(app: string, jobId: number): Promise<PrintJob> {
  return unwrap(await api.GET('/api/v1/apps/{app_key}/prints/jobs/{job_id}', { params: { path: { app_key: app, job_id: jobId } } }))
}
