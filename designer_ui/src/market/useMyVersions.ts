import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { MY_VERSIONS_KEY } from './queries'

export function useMyVersions() {
  return useQuery({ queryKey: MY_VERSIONS_KEY, queryFn: async () => unwrap(await api.GET('/api/v1/market/publisher/versions')) })
}
