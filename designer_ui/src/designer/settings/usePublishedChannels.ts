import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'

/** The published app's inbound channels with their public addresses (and a webhook's signing secret). */
export function usePublishedChannels(appKey: string) {
  return useQuery({
    queryKey: ['channels', appKey],
    queryFn: async () => unwrap(await api.GET('/api/v1/apps/{app_key}/channels', { params: { path: { app_key: appKey } } })),
  })
}
