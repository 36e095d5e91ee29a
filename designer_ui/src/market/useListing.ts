import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { ListingState } from '../core/market/listingUrl'
import { listingKey } from './queries'

/** One page of the listing for the browse page's address state: this server's center, or the remote center
 *  `state.center` asked through this server with the same query. */
export function useListing(state: ListingState) {
  return useQuery({
    queryKey: listingKey(state),
    queryFn: async () => {
      const { center, q, category, tag, publisher, sort, page } = state
      const query = { q: q || undefined, category: category ?? undefined, tag: tag ?? undefined, publisher: publisher ?? undefined, sort, page }
      if (center !== null) {
        return unwrap(await api.GET('/api/v1/admin/market/remotes/{remote_id}/templates', { params: { path: { remote_id: center }, query } }))
      }
      return unwrap(await api.GET('/api/v1/market/templates', { params: { query } }))
    },
    placeholderData: keepPreviousData,
  })
}
