import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { CENTER_ME_KEY } from './queries'

export function useCenterMe() {
  return useQuery({ queryKey: CENTER_ME_KEY, queryFn: async () => unwrap(await api.GET('/api/v1/market/me')) })
}
