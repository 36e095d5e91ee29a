import { PlayCircleOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { Alert, Button, Descriptions, Form, Input, Select, Space } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client'
import type { TableDef } from '../../core/design/decisionTable'
import type { DraftStore } from '../../core/design/draftStore'
import { getAt } from '../../core/design/pointer'
import { pickLabel } from '../../core/labels'
import { RecordPicker } from './RecordPicker'
import { dryRunTable } from './rulesApi'
import type { RuleScope } from './useRuleScope'

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  table: TableDef
  scope: RuleScope
  onHits: (hits: { rows: number[]; winner: number | null } | null) => void
}

/** The form whose rules apply this table (a `decide` action names it), else the first form. */
function formApplying(doc: unknown, table: string, forms: readonly { value: string }[]): string {
  const rules = getAt(doc, ['rules'])
  const found = Array.isArray(rules) ? rules.find((r: { actions?: { kind?: string; table?: string }[] }) =>
    (r.actions ?? []).some((a) => a.kind === 'decide' && a.table === table)) as { form?: string } | undefined : undefined
  return found?.form ?? forms[0]?.value ?? ''
}

const typed = (text: string): unknown => {
  if (text === 'true' || text === 'false') return text === 'true'
  return text
}

/** The draft's table on a real record (its fields named like the inputs) and typed inputs over them. */
export function TableDryRun({ appKey, store, doc, table, scope, onHits }: Props) {
  const { t, i18n } = useTranslation()
  const [form, setForm] = useState(() => formApplying(doc, table.key, scope.forms))
  const [record, setRecord] = useState<number | null>(null)
  const [inputs, setInputs] = useState<Record<string, string>>({})
  const run = useMutation({
    mutationFn: async () => {
      await store.saveNow()
      const given = Object.fromEntries(Object.entries(inputs).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, typed(v.trim())]))
      return dryRunTable(appKey, table.key, { ...(record !== null ? { form, record_id: record } : {}), inputs: given })
    },
    onSuccess: (answer) => {
      const first = table.hit_policy === undefined || table.hit_policy === 'first' || table.hit_policy === 'unique'
      onHits({ rows: answer.rows, winner: first ? answer.rows[0] ?? null : null })
    },
    onError: () => onHits(null),
  })
  const answer = run.data
  return <Space direction="vertical" style={{ width: '100%' }}>
    <Form layout="inline" size="small" component="div">
      <Form.Item label={t('designer.rules.form')} htmlFor="table-run-form">
        <Select id="table-run-form" style={{ width: 140 }} options={scope.forms} value={form} onChange={(v: string) => {
          setForm(v)
          setRecord(null)
        }} />
      </Form.Item>
      <Form.Item label={t('designer.rules.record.label')} htmlFor="table-run-record">
        <div style={{ width: 240 }}><RecordPicker id="table-run-record" appKey={appKey} form={form} titleField={scope.titleField(form)}
          value={record} onChange={setRecord} /></div>
      </Form.Item>
    </Form>
    <Form layout="inline" size="small" component="div">
      {table.inputs.map((c) => <Form.Item key={c.key} label={pickLabel(c.label, i18n.language, c.key)} htmlFor={`table-run-${c.key}`}>
        <Input id={`table-run-${c.key}`} style={{ width: 120 }} placeholder={t('designer.rules.table.fromRecord')}
          value={inputs[c.key] ?? ''} onChange={(e) => setInputs({ ...inputs, [c.key]: e.target.value })} />
      </Form.Item>)}
    </Form>
    <Button type="primary" icon={<PlayCircleOutlined />} loading={run.isPending} onClick={() => run.mutate()}>
      {t('designer.rules.dryRun.run')}</Button>
    {run.isError && <Alert type="error" showIcon message={run.error instanceof ApiError ? run.error.message : String(run.error)}
      description={run.error instanceof ApiError ? run.error.errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ') : undefined} />}
    {answer && <Descriptions size="small" bordered column={1} aria-label={t('designer.rules.dryRun.result')} items={[
      { key: 'inputs', label: t('designer.rules.table.inputsUsed'), children: <code>{JSON.stringify(answer.inputs)}</code> },
      { key: 'rows', label: t('designer.rules.table.matchingRows'), children: answer.rows.length > 0
        ? answer.rows.map((r) => t('designer.rules.table.row', { n: r + 1 })).join('、') : t('designer.rules.table.noRow') },
      { key: 'result', label: t('designer.rules.table.result'), children: answer.error
        ? <Alert type="error" message={answer.error} /> : <code>{JSON.stringify(answer.result)}</code> },
    ]} />}
  </Space>
}
