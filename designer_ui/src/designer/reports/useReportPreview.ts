import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { api, unwrap } from '../../api/client'
import type { ReportResult } from '../../core/dashboard/charts'

/** How long the preview waits after the last change before it asks the server. */
export const PREVIEW_DELAY_MS = 400

/**
 * The report (as `previewKey` text) run on live data by POST …/reports/preview, debounced; while `paused`
 * (a drag in progress) nothing is sent, and the last answer stays on screen until the next arrives.
 */
export function useReportPreview(appKey: string, reportText: string | null, paused: boolean) {
  const [settled, setSettled] = useState(reportText)
  useEffect(() => {
    if (paused || reportText === settled) return
    const timer = setTimeout(() => setSettled(reportText), PREVIEW_DELAY_MS)
    return () => clearTimeout(timer)
  }, [reportText, paused, settled])
  return useQuery({
    queryKey: ['design', appKey, 'report-preview', settled],
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 30_000,
    queryFn: async ({ signal }): Promise<ReportResult> => unwrap(await api.POST('/api/v1/apps/{app_key}/reports/preview', {
      params: { path: { app_key: appKey } }, body: { report: JSON.parse(settled ?? '{}') as Record<string, unknown>, params: {} },
      signal,
    })) as unknown as ReportResult,
  })
}
