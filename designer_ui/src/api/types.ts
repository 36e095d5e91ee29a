// Shapes of responses the OpenAPI document does not type yet (their routes answer `dict[str, Any]`).
// When the routes declare response models, use components['schemas'][...] from ./schema instead.
import type { components } from './schema'

export interface MeUser {
  id: number
  org_id: number
  username: string
  display_name: string
  email: string | null
  dept_id: number | null
  is_org_admin: boolean
  locale: string
}

export interface Me {
  user: MeUser
  org: { id: number; key: string; name: string }
  dept: { id: number; key: string; name: string } | null
  is_org_admin: boolean
  scopes: string[]
  apps: string[] | null
  via: string
}

export interface AppSummary {
  key: string
  label: Record<string, string>
  current_version_id: number | null
  draft_updated_at: string | null
}

export interface PendingInbox {
  box: string
  items: unknown[]
  counts?: Record<string, number>
}

export type AppNavigation = components['schemas']['AppNavigation']
export type NavForm = components['schemas']['NavForm']
