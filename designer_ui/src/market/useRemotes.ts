import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { REMOTES_KEY } from './queries'

/** The remote template centers this organisation's admins configured (only asked for when `enabled`: admins). */
export function useRemotes(enabled = true) {
  return useQuery({ queryKey: REMOTES_KEY, enabled, queryFn: async () => unwrap(await api.GET('/api/v1/admin/market/remotes')) })
}
