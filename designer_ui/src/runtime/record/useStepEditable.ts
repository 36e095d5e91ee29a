import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { recordFlowsQuery } from './side/useRecordFlows'

const NO_RECORD = { appKey: '', formKey: '', recordId: 0 }
const LOADING: ReadonlySet<string> = new Set()

/**
 * The fields the record's running flows let the reader change (the server's rule, from the record's
 * flows): null when no flow restricts them, or for a new record; while loading, nothing is editable.
 */
export function useStepEditable(appKey: string, formKey: string, recordId: number | null): ReadonlySet<string> | null {
  const query = useQuery({
    ...recordFlowsQuery(recordId === null ? NO_RECORD : { appKey, formKey, recordId }),
    enabled: recordId !== null,
    select: (data) => data.step_editable ?? null,
  })
  const { data, isError } = query
  return useMemo(() => {
    if (recordId === null || isError) return null
    if (data === undefined) return LOADING
    return data === null ? null : new Set(data)
  }, [recordId, isError, data])
}
