import { InputNumber, Select, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { toFormula } from '../../core/expr'

export type Duration = Record<string, unknown>

const UNITS = ['working_hours', 'working_minutes', 'working_days', 'hours'] as const

interface Props {
  id: string
  value: Duration | undefined
  onChange: (value: Duration | undefined) => void
}

/**
 * A duration in one unit (working hours, minutes or days on the flow's calendar, or wall-clock hours). A
 * target computed by an expression (a P1 gets an hour) is shown as its formula and edited in the JSON view.
 */
export function DurationEditor({ id, value, onChange }: Props) {
  const { t } = useTranslation()
  const unit = Object.keys(value ?? {})[0]
  const amount = unit ? value?.[unit] : undefined
  if (unit === 'until_field' || (amount !== undefined && typeof amount === 'object')) {
    const text = unit === 'until_field' ? t('designer.flow.duration.untilField', { field: String(amount) })
      : t('designer.flow.duration.computed', { formula: safeFormula(amount) })
    return <Typography.Text code>{text}</Typography.Text>
  }
  const known = UNITS.find((u) => u === unit) ?? 'working_hours'
  return <Space.Compact style={{ width: '100%' }}>
    <InputNumber id={id} min={0} style={{ width: '55%' }} value={typeof amount === 'number' ? amount : null}
      aria-label={t('designer.flow.duration.amount')}
      onChange={(v) => onChange(v === null ? undefined : { [known]: known === 'working_days' ? Math.round(v) : v })} />
    <Select aria-label={t('designer.flow.duration.unit')} style={{ width: '45%' }} value={known}
      onChange={(u: string) => onChange({ [u]: typeof amount === 'number' ? amount : 1 })}
      options={UNITS.map((u) => ({ value: u, label: t(`designer.flow.duration.units.${u}`) }))} />
  </Space.Compact>
}

function safeFormula(ast: unknown): string {
  try {
    return toFormula(ast)
  } catch {
    return JSON.stringify(ast)
  }
}
