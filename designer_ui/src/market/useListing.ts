import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { ListingState } from '../core/market/listingUrl'
import { listingKey } from './queries'

/** One page of the center's listing for the browse page's address state. */
export function useListing(state: ListingState) {
  return useQuery({
    queryKey: listingKey(state),
    queryFn: async () => {
      const { q, category, tag, publisher, sort, page } = state
      const query = { q: q || undefined, category: category ?? undefined, tag: tag ?? undefined, publisher: publisher ?? undefined, sort, page }
      return unwrap(await api.GET('/api/v1/market/templates', { params: { query } }))
    },
    placeholderData: keepPreviousData,
  })
}
