/** The template center's browse page kept in its address (`/market?q=客诉&category=客服&page=2`), so a reload, a
 * shared link and the back button show the same page. Values past the API's limits are cut, never refused.
 * `center` is a remote template center's id (`/market?center=3`): null is this server's own center. */

/** The API's orders: most installed, latest published, best rated first. */
export const SORTS = ['popular', 'newest', 'rating'] as const
export type ListingSort = (typeof SORTS)[number]

export interface ListingState {
  center: number | null
  q: string
  category: string | null
  tag: string | null
  publisher: string | null
  sort: ListingSort
  page: number
}

export type ListingFilter = Exclude<keyof ListingState, 'page' | 'sort' | 'center'>

// the API's limits (GET /api/v1/market/templates): a longer value would be a 422
const LIMITS: Record<ListingFilter, number> = { q: 200, category: 100, tag: 100, publisher: 200 }
const MAX_PAGE = 100_000
const MAX_ID = 2 ** 31 - 1

function positive(value: string | null, max: number): number | null {
  const n = Number(value)
  return value !== null && value !== '' && Number.isInteger(n) && n >= 1 && n <= max ? n : null
}

function text(params: URLSearchParams, name: ListingFilter): string | null {
  const value = (params.get(name) ?? '').trim().slice(0, LIMITS[name])
  return value === '' ? null : value
}

/** The state in `params`; anything missing or malformed is its default (no filter, page 1). */
export function readListing(params: URLSearchParams): ListingState {
  const page = Number(params.get('page'))
  const sort = SORTS.find((s) => s === params.get('sort')) ?? 'popular'
  return {
    center: positive(params.get('center'), MAX_ID),
    q: text(params, 'q') ?? '',
    category: text(params, 'category'),
    tag: text(params, 'tag'),
    publisher: text(params, 'publisher'),
    sort,
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
  }
}

/** The address's query for `state`: defaults left out, in a fixed order (`center`, `q`, `category`, `tag`,
 * `publisher`, `sort`, `page`). */
export function writeListing(state: ListingState): URLSearchParams {
  const params = new URLSearchParams()
  if (state.center !== null) params.set('center', String(state.center))
  for (const name of ['q', 'category', 'tag', 'publisher'] as const) {
    const value = state[name]?.trim()
    if (value) params.set(name, value.slice(0, LIMITS[name]))
  }
  if (state.sort !== 'popular') params.set('sort', state.sort)
  if (state.page > 1) params.set('page', String(Math.min(Math.floor(state.page), MAX_PAGE)))
  return params
}

/** `state` with `change` applied: a new search, filter or order starts again at page 1, unless `change` names a page. */
export function changeListing(state: ListingState, change: Partial<ListingState>): ListingState {
  const next = { ...state, ...change }
  return change.page === undefined ? { ...next, page: 1 } : next
}

/** Another center: the same search, its own categories, tags and publishers, from page 1. */
export function changeCenter(state: ListingState, center: number | null): ListingState {
  return { ...state, center, category: null, tag: null, publisher: null, page: 1 }
}

/** True when any search or filter is set (an order is not a filter; neither is the center). */
export function isFiltered(state: ListingState): boolean {
  return Boolean(state.q || state.category || state.tag || state.publisher)
}

/** The last page that has cards (1 when there are none). */
export function lastPage(count: number, limit: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, limit)))
}

/** A template's screenshot: from this server's center, or from a remote one through this server (`center`: its id). */
export function screenshotUrl(center: number | null, key: string, index: number): string {
  const template = `templates/${encodeURIComponent(key)}/screenshots/${String(index)}`
  return center === null ? `/api/v1/market/${template}` : `/api/v1/admin/market/remotes/${String(center)}/${template}`
}
