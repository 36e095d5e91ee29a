import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Card, Form, InputNumber, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Catalog } from '../designerApi'
import { AssigneeEditor, type AssigneeSpec } from './AssigneeEditor'
import { DurationEditor, type Duration } from './DurationEditor'
import type { Label } from '../../core/labels'

export type SlaSpec = Record<string, unknown> & { target?: Duration; warn_at?: number; on_warning?: Step[]; on_breach?: Step[] }
const ON_WARNING = 'on_warning'
const ON_BREACH = 'on_breach'
type Step = Record<string, unknown> & { after?: Duration; notify?: AssigneeSpec; reassign?: AssigneeSpec }

interface Props {
  idPrefix: string
  value: SlaSpec | undefined
  catalog: Catalog
  roles: { key: string; label?: Label }[]
  userFields: { key: string; label?: Label }[]
  onChange: (value: SlaSpec | undefined) => void
}

/** A step's SLA: its target on the flow's calendar, when to warn, and the escalation chain after a breach. */
export function SlaEditor({ idPrefix, value, catalog, roles, userFields, onChange }: Props) {
  const { t } = useTranslation()
  const set = (name: string, v: unknown) => {
    const next: SlaSpec = { ...(value ?? {}) }
    if (v === undefined) delete next[name]
    else next[name] = v
    onChange(next)
  }
  if (!value) {
    return <Button size="small" icon={<PlusOutlined />} onClick={() => onChange({ target: { working_hours: 8 } })}>
      {t('designer.flow.sla.add')}</Button>
  }
  const chain = (name: 'on_warning' | 'on_breach') => {
    const steps = value[name] ?? []
    const put = (i: number, step: Step | null) => {
      const next = steps.slice()
      if (step === null) next.splice(i, 1)
      else next[i] = step
      set(name, next.length ? next : undefined)
    }
    return <Space direction="vertical" style={{ width: '100%' }} size={6}>
      {steps.map((step, i) => <Card key={i} size="small" title={t(`designer.flow.sla.${name}Step`, { n: i + 1 })}
        extra={<Button size="small" type="text" icon={<DeleteOutlined />} aria-label={t('designer.flow.sla.removeStep', { n: i + 1 })}
          onClick={() => put(i, null)} />}>
        {name === 'on_breach' && <Form.Item label={t('designer.flow.sla.after')} htmlFor={`${idPrefix}-${name}-${String(i)}-after`}>
          <DurationEditor id={`${idPrefix}-${name}-${String(i)}-after`} value={step.after}
            onChange={(d) => put(i, withKey(step, 'after', d))} />
        </Form.Item>}
        <Form.Item label={t('designer.flow.sla.notify')} htmlFor={`${idPrefix}-${name}-${String(i)}-notify`}>
          <AssigneeEditor id={`${idPrefix}-${name}-${String(i)}-notify`} value={step.notify} catalog={catalog} roles={roles}
            userFields={userFields} allowClear onChange={(a) => put(i, withKey(step, 'notify', a))} />
        </Form.Item>
        {name === 'on_breach' && <Form.Item label={t('designer.flow.sla.reassign')} htmlFor={`${idPrefix}-${name}-${String(i)}-reassign`}>
          <AssigneeEditor id={`${idPrefix}-${name}-${String(i)}-reassign`} value={step.reassign} catalog={catalog} roles={roles}
            userFields={userFields} allowClear onChange={(a) => put(i, withKey(step, 'reassign', a))} />
        </Form.Item>}
      </Card>)}
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => put(steps.length, { notify: { strategy: 'dept_manager', of: 'assignee' } })}>
        {t(`designer.flow.sla.${name}Add`)}</Button>
    </Space>
  }
  return <div>
    <Form.Item label={t('designer.flow.sla.target')} htmlFor={`${idPrefix}-target`}>
      <DurationEditor id={`${idPrefix}-target`} value={value.target} onChange={(d) => set('target', d)} />
    </Form.Item>
    <Form.Item label={t('designer.flow.sla.warnAt')} htmlFor={`${idPrefix}-warn`}>
      <InputNumber id={`${idPrefix}-warn`} min={1} max={99} style={{ width: 120 }}
        value={Math.round((value.warn_at ?? 0.8) * 100)} onChange={(v) => set('warn_at', v === null ? undefined : v / 100)} />
      <Typography.Text type="secondary" style={{ marginLeft: 8 }}>%</Typography.Text>
    </Form.Item>
    <Typography.Text strong>{t('designer.flow.sla.onWarning')}</Typography.Text>
    {chain(ON_WARNING)}
    <div style={{ height: 8 }} />
    <Typography.Text strong>{t('designer.flow.sla.onBreach')}</Typography.Text>
    {chain(ON_BREACH)}
    <div style={{ marginTop: 8 }}>
      <Button size="small" danger onClick={() => onChange(undefined)}>{t('designer.flow.sla.remove')}</Button>
    </div>
  </div>
}

function withKey<T extends Record<string, unknown>>(obj: T, key: string, value: unknown): T {
  const next: Record<string, unknown> = { ...obj }
  if (value === undefined) delete next[key]
  else next[key] = value
  return next as T
}
