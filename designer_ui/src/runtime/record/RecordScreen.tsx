import { useQuery } from '@tanstack/react-query'
import { Skeleton } from 'antd'
import { useParams } from 'react-router'
import { useMe } from '../../session'
import { useValueTypes } from '../../fields/useValueTypes'
import { ErrorState } from '../ErrorState'
import { readRecord } from './recordApi'
import { RecordEditor } from './RecordEditor'
import { useRuntimeForm } from './useRuntimeForm'

import { recordKey } from './recordKey'

/** The record page's body, loaded on first use (see RecordPage). */
export default function RecordScreen() {
  const { app = '', form = '', record } = useParams()
  const recordId = record !== undefined && /^\d+$/.test(record) ? Number(record) : null
  const definition = useRuntimeForm(app, form)
  const types = useValueTypes()
  const me = useMe()
  const loaded = useQuery({
    queryKey: recordKey(app, form, recordId),
    enabled: recordId !== null,
    staleTime: Infinity, // a refetch would overwrite what the user is typing; the save's 409 catches changes
    refetchOnWindowFocus: false,
    queryFn: () => readRecord(app, form, recordId ?? 0),
  })
  const failed = definition.error ?? types.error ?? loaded.error
  if (failed) return <ErrorState error={failed} onRetry={() => void Promise.all([definition.refetch(), loaded.refetch()])} />
  if (!definition.data || !types.data || !me.data || (recordId !== null && !loaded.data)) return <Skeleton active />
  return <RecordEditor key={`${app}/${form}/${recordId ?? 'new'}`} appKey={app} formKey={form} recordId={recordId}
    definition={definition.data} valueTypes={types.data} me={me.data} initial={loaded.data ?? null} />
}
