import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import { INSTALLS_KEY } from './queries'

export function useInstalls() {
  return useQuery({ queryKey: INSTALLS_KEY, queryFn: async () => unwrap(await api.GET('/api/v1/admin/market/installs')) })
}
