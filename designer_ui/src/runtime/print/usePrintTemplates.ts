import { useQuery } from '@tanstack/react-query'
import { listPrintTemplates } from './printApi'

/** The print templates of a form (an empty list when it has none). */
export function usePrintTemplates(app: string, form: string) {
  return useQuery({ queryKey: ['apps', app, 'prints', form], queryFn: () => listPrintTemplates(app, form), staleTime: 60_000 })
}
