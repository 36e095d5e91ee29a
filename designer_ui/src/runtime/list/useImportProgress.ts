import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import type { ImportProgress } from '../../core/importProgress'

/** Polls how far the import `importId` has got while `running` (twice a second). */
export function useImportProgress(app: string, form: string, importId: number | undefined, running: boolean) {
  return useQuery({
    queryKey: ['apps', app, 'forms', form, 'import', importId, 'progress'],
    enabled: running && importId !== undefined,
    refetchInterval: running ? 500 : false,
    gcTime: 0,
    queryFn: async (): Promise<ImportProgress> =>
      unwrap(
        await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/import/{import_id}/progress', {
          params: { path: { app_key: app, form_key: form, import_id: importId ?? 0 } },
        }),
      ),
  })
}
