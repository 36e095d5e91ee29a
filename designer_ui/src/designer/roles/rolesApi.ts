// The roles designer's calls, typed by the generated client: "view as" under the saved draft's roles, and
// the app's people with each role's member count.
import { api, unwrap } from '../../api/client'
import type { components } from '../../api/schema'

export type ViewAs = components['schemas']['ViewAs']
export type Members = components['schemas']['RoleMembers']

export interface ViewAsRequest {
  form: string
  user_id?: number
  roles?: string[]
  dept_id?: number
  limit?: number
}

export async function viewAs(appKey: string, body: ViewAsRequest): Promise<ViewAs> {
  return unwrap(await api.POST('/api/v1/apps/{app_key}/draft/view-as', { params: { path: { app_key: appKey } }, body: { limit: 50, ...body } }))
}

export async function loadMembers(appKey: string): Promise<Members> {
  return unwrap(await api.GET('/api/v1/apps/{app_key}/draft/members', { params: { path: { app_key: appKey } } }))
}
