import { useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { recentRecords, type RecordRow } from './rulesApi'

interface Props {
  id: string
  appKey: string
  form: string
  /** The field naming a record in the list (the form's title field). */
  titleField: string | null
  value: number | null
  onChange: (id: number | null) => void
}

const title = (row: RecordRow, field: string | null): string => {
  const named = field ? row[field] : null
  return typeof named === 'string' || typeof named === 'number' ? `#${String(row.id)} ${String(named)}` : `#${String(row.id)}`
}

/** A real record of a published form: the newest ones, or those a search finds. */
export function RecordPicker({ id, appKey, form, titleField, value, onChange }: Props) {
  const { t } = useTranslation()
  const [q, setQ] = useState('')
  const records = useQuery({ queryKey: ['design', appKey, 'records', form, q], enabled: form !== '',
    queryFn: () => recentRecords(appKey, form, q) })
  return <Select id={id} style={{ width: '100%' }} allowClear showSearch={{ filterOption: false, onSearch: setQ }}
    placeholder={t('designer.rules.record.placeholder')} loading={records.isFetching}
    notFoundContent={records.isError ? t('designer.rules.record.error') : undefined}
    options={(records.data ?? []).map((r) => ({ value: r.id, label: title(r, titleField) }))}
    value={value ?? undefined} onChange={(v: number | undefined) => onChange(v ?? null)} />
}
