// The template center: listing, template details, publishers' versions and the reviewers' queue.
import type { components } from '../api/schema'
import type { ListingState } from '../core/market/listingUrl'

export type Card = components['schemas']['Card']
export type Detail = components['schemas']['Detail']
export type CenterMe = components['schemas']['CenterMe']
export type TemplateVersion = components['schemas']['TemplateVersion']
export type QueueEntry = components['schemas']['QueueEntry']
export type Sandbox = components['schemas']['Sandbox']
export type Remote = components['schemas']['Remote']
export type Checks = components['schemas']['Checks']
export type VersionState = TemplateVersion['state']
export type Action = 'submit' | 'start_review' | 'approve' | 'request_changes' | 'publish' | 'deprecate' | 'yank'

export const MARKET_KEY = ['market'] as const
export const listingKey = (state: ListingState) => ['market', 'listing', state] as const
export const templateKey = (key: string, center: number | null = null) => ['market', 'template', key, center] as const
export const REMOTES_KEY = ['market', 'remotes'] as const
export const CENTER_ME_KEY = ['market', 'me'] as const
export const MY_VERSIONS_KEY = ['market', 'mine'] as const
export const QUEUE_KEY = ['market', 'queue'] as const
export const versionKey = (id: number) => ['market', 'version', id] as const
export const sandboxesKey = (id: number) => ['market', 'version', id, 'sandboxes'] as const
export const UPLOAD_VERSION_URL = '/api/v1/market/publisher/versions'

export const STATE_COLOR: Record<VersionState, string> = {
  draft: 'default',
  submitted: 'blue',
  in_review: 'processing',
  approved: 'cyan',
  changes_requested: 'orange',
  published: 'green',
  deprecated: 'gold',
  yanked: 'red',
}

/** What the owner of a version in `state` may do next (the server's MOVES, publisher side). */
export const PUBLISHER_ACTIONS: Partial<Record<VersionState, Action[]>> = {
  draft: ['submit'],
  changes_requested: ['submit'],
  approved: ['publish'],
  published: ['deprecate', 'yank'],
  deprecated: ['yank'],
}
