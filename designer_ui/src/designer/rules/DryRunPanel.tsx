import { CheckCircleTwoTone, CloseCircleTwoTone, MinusCircleOutlined, PlayCircleOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { Alert, Button, Collapse, Form, List, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client'
import type { DraftStore } from '../../core/design/draftStore'
import { useReason } from './useReason'
import { KeyedValues } from './KeyedValues'
import { RecordPicker } from './RecordPicker'
import { dryRunDraft, type RuleRunView } from './rulesApi'
import type { RuleScope } from './useRuleScope'

interface Props {
  appKey: string
  store: DraftStore
  rule: string
  form: string | null
  scope: RuleScope
}

const EVENTS = ['created', 'updated', 'deleted', 'restored'] as const
type Effect = RuleRunView['effects'][number] & Record<string, unknown>

const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/** Rehearse the draft's rule on a real record: did its trigger match, which parts of its condition held, what would it do. */
export function DryRunPanel({ appKey, store, rule, form, scope }: Props) {
  const { t } = useTranslation()
  const words = useReason()
  const [record, setRecord] = useState<number | null>(null)
  const [event, setEvent] = useState<string | null>(null)
  const [values, setValues] = useState<Record<string, unknown>>({})
  const run = useMutation({ mutationFn: async () => {
    await store.saveNow() // the server rehearses the saved draft
    return dryRunDraft(appKey, { form: form ?? '', record_id: record ?? 0, rule, values, ...(event ? { event } : {}) })
  } })
  const answer = run.data
  const mine = answer?.runs.find((r) => r.rule === rule)

  const describe = (e: Effect): string => {
    switch (e.kind) {
      case 'Notify': return t('designer.rules.effect.Notify', { subject: shown(e.subject), n: Array.isArray(e.recipients) ? e.recipients.length : 0,
        channels: Array.isArray(e.channels) ? e.channels.join(', ') : '' })
      case 'StartFlow': return t('designer.rules.effect.StartFlow', { flow: shown(e.flow) })
      case 'CreateRecord': return t('designer.rules.effect.CreateRecord', { form: shown(e.form), values: shown(e.values) })
      case 'UpdateRecords': return t('designer.rules.effect.UpdateRecords', { form: shown(e.form), values: shown(e.values) })
      case 'CallWebhook': return t('designer.rules.effect.CallWebhook', { target: shown(e.subscription ?? e.url) })
      default: return `${e.kind} ${JSON.stringify(e)}`
    }
  }

  return <Space direction="vertical" style={{ width: '100%' }}>
    <Typography.Paragraph type="secondary">{t('designer.rules.dryRun.hint')}</Typography.Paragraph>
    <Form layout="vertical" size="small" component="div">
      <Space align="start" wrap>
        <Form.Item label={t('designer.rules.record.label')} htmlFor="dry-run-record" style={{ width: 320 }}>
          <RecordPicker id="dry-run-record" appKey={appKey} form={form ?? ''} titleField={scope.titleField(form)} value={record} onChange={setRecord} />
        </Form.Item>
        <Form.Item label={t('designer.rules.dryRun.event')} htmlFor="dry-run-event" style={{ width: 200 }}>
          <Select id="dry-run-event" allowClear placeholder={t('designer.rules.dryRun.eventAuto')} value={event}
            options={EVENTS.map((e) => ({ value: e, label: t(`designer.rules.event.${e}`) }))} onChange={(v: string | undefined) => setEvent(v ?? null)} />
        </Form.Item>
      </Space>
      <Form.Item label={t('designer.rules.dryRun.changes')}>
        <KeyedValues id="dry-run-values" title={t('designer.rules.dryRun.changes')} value={values} fields={scope.fieldChoices(form)} onChange={setValues} />
      </Form.Item>
      <Button type="primary" icon={<PlayCircleOutlined />} disabled={record === null || !form} loading={run.isPending}
        onClick={() => run.mutate()}>{t('designer.rules.dryRun.run')}</Button>
    </Form>
    {run.isError && <Alert type="error" showIcon message={run.error instanceof ApiError ? run.error.message : String(run.error)}
      description={run.error instanceof ApiError && run.error.errors.length > 0
        ? <ul className="designer-json-problems">{run.error.errors.slice(0, 10).map((e) => <li key={e.path + e.message}><code>{e.path}</code> {e.message}</li>)}</ul>
        : undefined} />}
    {answer && <section aria-label={t('designer.rules.dryRun.result')} className="rules-dry-run">
      {!mine ? <Alert type="info" showIcon message={t('designer.rules.dryRun.notChecked', { event: t(`designer.rules.event.${answer.event}`, answer.event) })} />
        : <Alert type={mine.error ? 'error' : mine.fires ? 'success' : 'info'} showIcon
          message={mine.fires ? t('designer.rules.dryRun.fires') : t('designer.rules.dryRun.doesNotFire')}
          description={mine.error ?? words(mine.reason)} />}
      {mine && (mine.checks ?? []).length > 0 && <section aria-label={t('designer.rules.dryRun.checks')}>
        <List size="small" header={t(`designer.rules.dryRun.joiner.${mine.joiner ?? 'one'}`)} dataSource={mine.checks ?? []} renderItem={(c) => <List.Item>
          <Space>
            {c.held === true ? <CheckCircleTwoTone twoToneColor="#52c41a" aria-label={t('designer.rules.dryRun.held')} />
              : c.held === false ? <CloseCircleTwoTone twoToneColor="#ff4d4f" aria-label={t('designer.rules.dryRun.notHeld')} />
                : <MinusCircleOutlined aria-label={t('designer.rules.dryRun.notEvaluated')} />}
            <code>{c.expression}</code>
            {c.error && <Typography.Text type="danger">{c.error}</Typography.Text>}
          </Space>
        </List.Item>} /></section>}
      {mine?.fires && <section aria-label={t('designer.rules.dryRun.wouldRun')}><List size="small" header={t('designer.rules.dryRun.wouldRun')}
        dataSource={[
          ...Object.entries(mine.values).map(([k, v]) => t('designer.rules.effect.set', { field: scope.fieldLabel(form, k), value: shown(v) })),
          ...mine.effects.map((e) => describe(e as Effect)),
        ]} renderItem={(text) => <List.Item>{text}</List.Item>} /></section>}
      <Collapse size="small" style={{ marginTop: 8 }} items={[{ key: 'all', label: t('designer.rules.dryRun.others', { n: answer.runs.length, event: answer.event }),
        children: <Table size="small" rowKey="rule" pagination={false} dataSource={answer.runs} columns={[
          { title: t('designer.rules.dryRun.rule'), dataIndex: 'rule' },
          { title: t('designer.rules.dryRun.outcome'), render: (_, r) => <Tag color={r.error ? 'red' : r.fires ? 'green' : 'default'}>
            {t(r.error ? 'designer.rules.log.status.error' : r.fires ? 'designer.rules.dryRun.fires' : 'designer.rules.dryRun.doesNotFire')}</Tag> },
          { title: t('designer.rules.dryRun.reason'), render: (_, r) => r.error ?? words(r.reason) },
        ]} /> }]} />
    </section>}
  </Space>
}
