import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import type { RuntimeForm } from '../../core/form/types'

/** The published form with my actions and writable fields (GET …/forms/{form}/definition). */
export function useRuntimeForm(appKey: string, formKey: string) {
  return useQuery({
    queryKey: ['apps', appKey, 'forms', formKey, 'definition'],
    staleTime: 60_000,
    queryFn: async (): Promise<RuntimeForm> => unwrap(await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/definition',
      { params: { path: { app_key: appKey, form_key: formKey } } })),
  })
}
