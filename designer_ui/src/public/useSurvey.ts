import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'

/** The survey a signed link opens (404 not valid, 409 answered, 410 expired come back as ApiError). */
export function useSurvey(org: string, app: string, token: string) {
  return useQuery({
    queryKey: ['public', org, app, 'survey', token],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/public/{org_key}/{app_key}/surveys/{token}', {
          params: { path: { org_key: org, app_key: app, token } },
        }),
      ),
    retry: false,
  })
}
