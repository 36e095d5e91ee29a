import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { templateKey } from './queries'

export function useTemplate(key: string) {
  return useQuery({
    queryKey: templateKey(key),
    queryFn: async () => unwrap(await api.GET('/api/v1/market/templates/{template_key}', { params: { path: { template_key: key } } })),
  })
}
