import { api, unwrap } from '../../api/client'
import type { Values } from '../../core/form/types'

const path = (appKey: string, formKey: string) => ({ app_key: appKey, form_key: formKey })

export async function readRecord(appKey: string, formKey: string, id: number): Promise<Values> {
  return unwrap(await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}',
    { params: { path: { ...path(appKey, formKey), record_id: id } } }))
}

export async function createRecord(appKey: string, formKey: string, values: Values): Promise<Values> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/records',
    { params: { path: path(appKey, formKey) }, body: values }))
}

/** Only the changed fields, with the version read: a stale version answers 409. */
export async function updateRecord(appKey: string, formKey: string, id: number, changes: Values,
  rowVersion: number): Promise<Values> {
  return unwrap(await api.PATCH('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}',
    { params: { path: { ...path(appKey, formKey), record_id: id } }, body: { ...changes, row_version: rowVersion } }))
}
