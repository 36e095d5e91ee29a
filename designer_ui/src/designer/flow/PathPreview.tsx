import { useQuery } from '@tanstack/react-query'
import { Alert, Button, Input, Select, Space, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { previewDraftPath, recentRecords, type FlowPreview } from './flowApi'

interface Props {
  appKey: string
  flowKey: string
  formKey: string
  titleField: string | null
  /** The walk's answer (null: cleared); the canvas highlights its path. */
  onResult: (result: FlowPreview | null) => void
  result: FlowPreview | null
  /** Node ids to names, for the path in words. */
  nameOf: (id: string) => string
}

/** Path preview: a real record of the flow's form (or typed sample values) walked through the draft's flow. */
export function PathPreview({ appKey, flowKey, formKey, titleField, onResult, result, nameOf }: Props) {
  const { t } = useTranslation()
  const [record, setRecord] = useState<number | null>(null)
  const [values, setValues] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const records = useQuery({ queryKey: ['design', appKey, 'preview-records', formKey],
    queryFn: () => recentRecords(appKey, formKey, titleField), staleTime: 60_000, retry: false })
  let parsed: Record<string, unknown> | null = {}
  if (values.trim()) {
    try {
      const v: unknown = JSON.parse(values)
      parsed = typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : null
    } catch {
      parsed = null
    }
  }
  const run = async () => {
    if (parsed === null) return
    setBusy(true)
    setError(null)
    try {
      onResult(await previewDraftPath(appKey, flowKey, { ...(record ? { record_id: record } : {}), values: parsed }))
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
      onResult(null)
    } finally {
      setBusy(false)
    }
  }
  return <section className="flow-preview" aria-label={t('designer.flow.preview.title')}>
    <Space wrap size={6}>
      <Select id="flow-preview-record" aria-label={t('designer.flow.preview.record')} allowClear showSearch={{ optionFilterProp: 'label' }}
        style={{ width: 220 }} placeholder={t('designer.flow.preview.record')} loading={records.isLoading} value={record}
        onChange={(v?: number) => setRecord(v ?? null)}
        options={(records.data ?? []).map((r) => ({ value: r.id, label: `#${String(r.id)} ${r.title}` }))} />
      <Input aria-label={t('designer.flow.preview.values')} placeholder={t('designer.flow.preview.valuesPlaceholder')} value={values}
        status={parsed === null ? 'error' : undefined} style={{ width: 240, fontFamily: 'monospace' }}
        onChange={(e) => setValues(e.target.value)} onPressEnter={() => void run()} />
      <Button type="primary" loading={busy} disabled={parsed === null || (!record && !values.trim())} onClick={() => void run()}>
        {t('designer.flow.preview.run')}</Button>
      {result && <Button onClick={() => onResult(null)}>{t('designer.flow.preview.clear')}</Button>}
    </Space>
    {error && <Alert type="error" showIcon style={{ marginTop: 6 }} message={error} />}
    {result && <div className="flow-preview-result" role="status" aria-label={t('designer.flow.preview.result')}>
      <Typography.Text>{result.completed
        ? t('designer.flow.preview.completed', { n: result.path.length, outcome: result.outcome ?? '—' })
        : t('designer.flow.preview.stopped', { error: result.error ?? '' })}</Typography.Text>
      <div className="flow-preview-path">{result.path.map((id, i) => <Tag key={`${id}-${String(i)}`} color="blue">{nameOf(id)}</Tag>)}</div>
    </div>}
  </section>
}
