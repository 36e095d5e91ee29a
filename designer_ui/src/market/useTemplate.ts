import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { templateKey } from './queries'

/** A template's detail from this server's center, or from the remote center `center`. */
export function useTemplate(key: string, center: number | null = null) {
  return useQuery({
    queryKey: templateKey(key, center),
    queryFn: async () =>
      center === null
        ? unwrap(await api.GET('/api/v1/market/templates/{template_key}', { params: { path: { template_key: key } } }))
        : unwrap(await api.GET('/api/v1/admin/market/remotes/{remote_id}/templates/{template_key}', { params: { path: { remote_id: center, template_key: key } } })),
  })
}
