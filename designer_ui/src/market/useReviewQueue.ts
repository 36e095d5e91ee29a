import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { QUEUE_KEY } from './queries'

export function useReviewQueue() {
  return useQuery({ queryKey: QUEUE_KEY, queryFn: async () => unwrap(await api.GET('/api/v1/market/review/queue')) })
}
