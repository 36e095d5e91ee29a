import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { listingKey } from './queries'

export function useListing(q: string, category: string | null) {
  return useQuery({
    queryKey: listingKey(q, category),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/market/templates', { params: { query: { q: q || undefined, category: category ?? undefined } } })),
    placeholderData: keepPreviousData,
  })
}
