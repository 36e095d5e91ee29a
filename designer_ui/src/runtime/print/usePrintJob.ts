import { useQuery } from '@tanstack/react-query'
import { printJobFinished } from '../../core/print/printJob'
import { getPdfJob } from './printApi'

/** Polls a selection's PDF job (twice a second) until it has succeeded or failed. */
export function usePrintJob(app: string, jobId: number | null) {
  return useQuery({
    queryKey: ['apps', app, 'print-jobs', jobId],
    enabled: jobId !== null,
    refetchInterval: (query) => (printJobFinished(query.state.data) ? false : 500),
    gcTime: 0,
    queryFn: () => getPdfJob(app, jobId ?? 0),
  })
}
