import { Alert, Button, Form, Input, List, Select, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import type { FlowLike } from '../../core/design/flowModel'
import { pickLabel, type Label } from '../../core/labels'
import { validateFlow, type FlowValidation } from './flowApi'

interface Props {
  appKey: string
  store: DraftStore
  fi: number
  flow: FlowLike
  forms: { key: string; label?: Label }[]
  calendars: string[]
  problems: string[]
  /** The graph check's answer, pinned on the canvas like the draft's problems. */
  onChecked: (answer: FlowValidation | null) => void
}

/** The flow itself: names, its form, the business calendar its SLAs count in, and the server's graph check. */
export function FlowProperties({ appKey, store, fi, flow, forms, calendars, problems, onChecked }: Props) {
  const { t, i18n } = useTranslation()
  const [checked, setChecked] = useState<FlowValidation | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const base = ['flows', String(fi)]
  const label = (flow.label ?? {}) as Record<string, string>
  const setLabel = (lang: string, text: string) => store.edit([{ op: 'set', path: [...base, 'label'], value: { ...label, [lang]: text } }],
    { coalesce: `${base.join('/')}/label/${lang}` })
  const calendar = typeof flow.calendar === 'string' ? flow.calendar : undefined
  const check = async () => {
    setBusy(true)
    setError(null)
    try {
      const answer = await validateFlow(appKey, flow)
      setChecked(answer)
      onChecked(answer)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  return <Form layout="vertical" size="small" component="div">
    {problems.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 8 }}
      message={<ul className="flow-problem-list">{problems.map((p) => <li key={p}>{p}</li>)}</ul>} />}
    <Form.Item label={t('designer.flow.props.labelZh')} htmlFor="flow-label-zh">
      <Input id="flow-label-zh" value={label['zh-CN'] ?? ''} onChange={(e) => setLabel('zh-CN', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.flow.props.labelEn')} htmlFor="flow-label-en">
      <Input id="flow-label-en" value={label.en ?? ''} onChange={(e) => setLabel('en', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.flow.props.key')} htmlFor="flow-key">
      <Input id="flow-key" value={flow.key} disabled style={{ fontFamily: 'monospace' }} />
    </Form.Item>
    <Form.Item label={t('designer.flow.props.form')} htmlFor="flow-form">
      <Select id="flow-form" value={flow.form} onChange={(v: string) => store.edit([{ op: 'set', path: [...base, 'form'], value: v }])}
        options={forms.map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />
    </Form.Item>
    <Form.Item label={t('designer.flow.props.calendar')} htmlFor="flow-calendar" help={typeof flow.calendar === 'object' && flow.calendar
      ? t('designer.flow.props.inlineCalendar') : t('designer.flow.props.calendarHelp')}>
      <Select id="flow-calendar" allowClear value={calendar} placeholder={t('designer.flow.props.alwaysOpen')}
        onChange={(v?: string) => store.edit(v ? [{ op: 'set', path: [...base, 'calendar'], value: v }]
          : 'calendar' in flow ? [{ op: 'remove', path: [...base, 'calendar'] }] : [])}
        options={calendars.map((c) => ({ value: c, label: c }))} />
    </Form.Item>
    <Button onClick={() => void check()} loading={busy}>{t('designer.flow.props.check')}</Button>
    {error && <Alert type="error" showIcon style={{ marginTop: 8 }} message={error} />}
    {checked && (checked.valid ? <Alert type="success" showIcon style={{ marginTop: 8 }} message={t('designer.flow.props.checkOk')} />
      : <List size="small" style={{ marginTop: 8 }} header={<Typography.Text type="danger">
        {t('designer.flow.props.checkBad', { n: checked.errors.length })}</Typography.Text>}
        dataSource={checked.errors} renderItem={(e) => <List.Item>
          <Typography.Text>{e.node ? `${e.node}: ` : ''}{e.message}</Typography.Text></List.Item>} />)}
  </Form>
}
