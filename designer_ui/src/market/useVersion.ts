import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { versionKey } from './queries'

/** A template version with its whole automatic checks and history (its publisher and reviewers only). */
export function useVersion(id: number) {
  return useQuery({
    queryKey: versionKey(id),
    queryFn: async () => unwrap(await api.GET('/api/v1/market/versions/{version_id}', { params: { path: { version_id: id } } })),
  })
}
