import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'

/** The public form's fields, for a visitor with no session. */
export function usePublicForm(org: string, app: string, form: string) {
  return useQuery({
    queryKey: ['public', org, app, 'form', form],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/public/{org_key}/{app_key}/forms/{form_key}', {
          params: { path: { org_key: org, app_key: app, form_key: form } },
        }),
      ),
    retry: false,
  })
}
