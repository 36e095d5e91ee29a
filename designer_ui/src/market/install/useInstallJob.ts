import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import { finished } from '../../core/market/installJob'
import type { InstallJob } from './queries'

/** Polls the install or upgrade job `jobId` (twice a second) until it has succeeded or failed. */
export function useInstallJob(jobId: number | null) {
  return useQuery({
    queryKey: ['admin', 'market', 'jobs', jobId],
    enabled: jobId !== null,
    refetchInterval: (query) => (finished(query.state.data) ? false : 500),
    gcTime: 0,
    queryFn: async (): Promise<InstallJob> =>
      unwrap(await api.GET('/api/v1/admin/market/jobs/{job_id}', { params: { path: { job_id: jobId ?? 0 } } })),
  })
}
