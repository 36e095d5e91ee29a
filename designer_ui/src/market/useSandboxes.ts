import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { finished } from '../core/market/installJob'
import { sandboxesKey } from './queries'

/** The caller's sandbox installs of version `id`, newest first; polled twice a second while one is installing. */
export function useSandboxes(id: number) {
  return useQuery({
    queryKey: sandboxesKey(id),
    refetchInterval: (query) => ((query.state.data ?? []).every((s) => finished(s.job)) ? false : 500),
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/market/versions/{version_id}/sandboxes', { params: { path: { version_id: id } } })),
  })
}
