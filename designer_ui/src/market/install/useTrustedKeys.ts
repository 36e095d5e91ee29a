import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import { KEYS_KEY } from './queries'

export function useTrustedKeys() {
  return useQuery({ queryKey: KEYS_KEY, queryFn: async () => unwrap(await api.GET('/api/v1/admin/market/keys')) })
}
