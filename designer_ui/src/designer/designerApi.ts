// The designer's calls, typed by the generated client: drafts, validation, publishing, versions, catalog.
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import type { Problem, TrashItem } from '../core/design/draftStore'
import type { Op } from '../core/design/ops'

type Schemas = components['schemas']
export type AppDetail = Schemas['AppDetail']
export type Published = Schemas['Published']
export type VersionSummary = Schemas['VersionSummary']

const app = (appKey: string) => ({ params: { path: { app_key: appKey } } })

// The first requests of a designer page, started while its code is still being evaluated (see prefetchDesigner)
const early = new Map<string, Promise<unknown>>()

/** Starts loading the draft, its recycle bin and the catalog of the app `pathname` (/design/:app/…) names, so
 * they travel while the page's code runs instead of after its first render; each is taken once by `first`. */
export function prefetchDesigner(pathname: string): void {
  const match = /^\/design\/([^/]+)/.exec(pathname)
  if (!match?.[1]) return
  const appKey = decodeURIComponent(match[1])
  const start = (key: string, load: () => Promise<unknown>) => {
    const promise = load()
    promise.catch(() => undefined)  // a failure is reported by the query that takes it
    early.set(key, promise)
  }
  start(`app:${appKey}`, () => loadApp(appKey))
  start(`trash:${appKey}`, () => loadTrash(appKey))
  start('catalog', () => loadCatalog())
}

/** The prefetched answer for `key` if there is one (once), else a fresh load. */
export function first<T>(key: string, load: () => Promise<T>): Promise<T> {
  const promise = early.get(key) as Promise<T> | undefined
  early.delete(key)
  return promise ?? load()
}

export async function loadApp(appKey: string): Promise<AppDetail> {
  return unwrap(await api.GET('/api/v1/apps/{app_key}', app(appKey)))
}

/** PUT the draft exactly as serialised (`body` is JSON text). */
export async function saveDraft(appKey: string, body: string): Promise<{ errors: Problem[] }> {
  const answer = unwrap(await api.PUT('/api/v1/apps/{app_key}/draft', {
    ...app(appKey), body: null, bodySerializer: () => body, headers: { 'Content-Type': 'application/json' },
  }))
  return { errors: answer.errors }
}

export async function validateDraft(appKey: string): Promise<{ valid: boolean; errors: Problem[] }> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/validate', { ...app(appKey), body: null }))
}

export async function publish(appKey: string, { dryRun, note, migrate }: {
  dryRun: boolean; note?: string; migrate?: Record<string, Record<string, string>>
}): Promise<Published> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/publish', {
    params: { path: { app_key: appKey }, query: { dry_run: dryRun, ...(note ? { note } : {}) } },
    body: migrate && Object.keys(migrate).length ? { migrate } : null,
  }))
}

export async function listVersions(appKey: string): Promise<VersionSummary[]> {
  return unwrap(await api.GET('/api/v1/apps/{app_key}/versions', app(appKey)))
}

export async function versionDefinition(appKey: string, number: number): Promise<unknown> {
  const version = unwrap(await api.GET('/api/v1/apps/{app_key}/versions/{number}',
    { params: { path: { app_key: appKey, number } } }))
  return version.definition
}

export async function loadCatalog() {
  return unwrap(await api.GET('/api/v1/catalog'))
}
export type Catalog = Awaited<ReturnType<typeof loadCatalog>>
export type FieldKindEntry = Catalog['field_kinds'][number]

export async function loadAppSchema(): Promise<Record<string, unknown>> {
  return unwrap(await api.GET('/api/v1/schema/app.json')) as Record<string, unknown>
}

/** How many records of the published form hold a value in `field` (exact count). */
export async function countValues(appKey: string, formKey: string, field: string): Promise<number> {
  const page = unwrap(await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/records/query', {
    params: { path: { app_key: appKey, form_key: formKey } },
    body: { filter: { '!=': [{ var: field }, null] }, limit: 1, count: 'exact', fields: ['id'], deleted: false },
  }))
  return page.total ?? 0
}

export async function previewOnServer(appKey: string, formKey: string, values: Record<string, unknown>) {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/records/preview', {
    params: { path: { app_key: appKey, form_key: formKey } }, body: values,
  }))
}

export type DraftHistoryEntry = Schemas['DraftHistoryEntry']

/** The draft's recent saves on the server, newest first. */
export async function listDraftHistory(appKey: string): Promise<DraftHistoryEntry[]> {
  return unwrap(await api.GET('/api/v1/apps/{app_key}/draft/history', app(appKey)))
}

export async function draftHistoryDocument(appKey: string, entryId: number): Promise<unknown> {
  const entry = unwrap(await api.GET('/api/v1/apps/{app_key}/draft/history/{entry_id}',
    { params: { path: { app_key: appKey, entry_id: entryId } } }))
  return entry.draft
}

/** The recycle bin kept on the server, in the draft store's shape. */
export async function loadTrash(appKey: string): Promise<TrashItem[]> {
  const bin = unwrap(await api.GET('/api/v1/apps/{app_key}/draft/trash', app(appKey)))
  return bin.items.map(({ deleted_at, restore, ...rest }) => ({ ...rest, deletedAt: deleted_at, restore: restore as unknown as Op[] }))
}

export async function keepTrash(appKey: string, trash: readonly TrashItem[]): Promise<void> {
  unwrap(await api.PUT('/api/v1/apps/{app_key}/draft/trash', { ...app(appKey), body: {
    items: trash.slice(0, 100).map(({ deletedAt, restore, id, label, kind }) => ({
      id, label: label.slice(0, 500), kind, deleted_at: deletedAt, restore: restore as unknown as Record<string, unknown>[] })),
  } }))
}

/** Some records of a published form by id, with only these fields (for naming them). */
export async function blockedRecords(appKey: string, formKey: string, ids: number[], fields: string[]): Promise<Record<string, unknown>[]> {
  const page = unwrap(await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/records/query', {
    params: { path: { app_key: appKey, form_key: formKey } },
    body: { filter: { in: [{ var: 'id' }, ids] }, limit: ids.length, count: 'none', fields: ['id', ...fields], deleted: false },
  })) as { items?: Record<string, unknown>[] }
  return page.items ?? []
}
