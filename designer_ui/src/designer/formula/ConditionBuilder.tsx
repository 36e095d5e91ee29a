import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, DatePicker, Input, InputNumber, Radio, Select, Space } from 'antd'
import dayjs from 'dayjs'
import Decimal from 'decimal.js'
import { useTranslation } from 'react-i18next'
import { type ConditionGroup, type ConditionItem, type ConditionRow, emptyValue, newRow, NO_VALUE, opsFor, type RowOp,
  type RowValue } from '../../core/expr/conditions'
import type { Ast } from '../../core/expr/parse'
import type { ScopeField } from '../../core/expr/scope'

interface Props {
  value: ConditionGroup
  fields: readonly ScopeField[]
  onChange: (group: ConditionGroup) => void
}

/** Rows of field / operator / value in nested AND / OR groups, editing the expression's AST. */
export function ConditionBuilder({ value, fields, onChange }: Props) {
  return <div className="condition-builder">
    <GroupEditor group={value} path={[]} fields={fields} onChange={onChange} />
  </div>
}

interface GroupProps {
  group: ConditionGroup
  /** 1-based positions from the root ([] is the root), for accessible names such as "condition 2.1". */
  path: number[]
  fields: readonly ScopeField[]
  onChange: (group: ConditionGroup) => void
  onRemove?: () => void
}

const pathName = (path: number[]): string => path.join('.')

function GroupEditor({ group, path, fields, onChange, onRemove }: GroupProps) {
  const { t } = useTranslation()
  const where = path.length ? t('formula.builder.inGroup', { group: pathName(path) }) : ''
  const setItem = (i: number, item: ConditionItem | null) => {
    const items = item === null ? group.items.filter((_, j) => j !== i) : group.items.map((old, j) => (j === i ? item : old))
    onChange({ ...group, items })
  }
  const first = fields.find((f) => f.type !== 'collection')
  const addRow = () => onChange({ ...group, items: [...group.items, first ? newRow(first.path, first.type) : newRow('', 'any')] })
  const addGroup = () => onChange({ ...group, items: [...group.items, { type: 'group', join: group.join === 'and' ? 'or' : 'and',
    items: first ? [newRow(first.path, first.type)] : [] }] })
  return <div className={`condition-group${path.length ? ' condition-group-nested' : ''}`} role="group"
    aria-label={path.length ? t('formula.builder.group', { group: pathName(path) }) : t('formula.builder.root')}>
    <Space size={4} wrap className="condition-group-head">
      <Radio.Group size="small" optionType="button" value={group.join} onChange={(e) => onChange({ ...group, join: e.target.value as 'and' | 'or' })}
        options={[{ value: 'and', label: t('formula.builder.and') }, { value: 'or', label: t('formula.builder.or') }]} />
      {onRemove && <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove}
        aria-label={t('formula.builder.removeGroup', { group: pathName(path) })} />}
    </Space>
    {group.items.length === 0 && <div className="condition-empty">{t('formula.builder.empty')}</div>}
    {group.items.map((item, i) => {
      const at = [...path, i + 1]
      return item.type === 'group'
        ? <GroupEditor key={i} group={item} path={at} fields={fields} onChange={(g) => setItem(i, g)} onRemove={() => setItem(i, null)} />
        : <RowEditor key={i} row={item} path={at} fields={fields} onChange={(r) => setItem(i, r)} onRemove={() => setItem(i, null)} />
    })}
    <Space size={4}>
      <Button size="small" icon={<PlusOutlined />} onClick={addRow}>{t('formula.builder.addRow') + where}</Button>
      <Button size="small" icon={<PlusOutlined />} onClick={addGroup}>{t('formula.builder.addGroup') + where}</Button>
    </Space>
  </div>
}

interface RowProps {
  row: ConditionRow
  path: number[]
  fields: readonly ScopeField[]
  onChange: (row: ConditionRow) => void
  onRemove: () => void
}

function RowEditor({ row, path, fields, onChange, onRemove }: RowProps) {
  const { t } = useTranslation()
  const n = pathName(path)
  const field = fields.find((f) => f.path === row.field)
  const type = field?.type ?? 'any'
  const ops = opsFor(type)
  const shownOps = ops.includes(row.op) ? ops : [row.op, ...ops]
  const fieldOptions = fields.filter((f) => f.type !== 'collection').map((f) => ({ value: f.path, label: `${f.label} (${f.path})` }))
  if (!field && row.field) fieldOptions.unshift({ value: row.field, label: row.field })
  return <div className="condition-row">
    <div className="condition-row-line">
      <Select size="small" showSearch optionFilterProp="label" aria-label={t('formula.builder.field', { n })} className="condition-grow"
        value={row.field || undefined} options={fieldOptions} placeholder={t('formula.builder.pickField')} popupMatchSelectWidth={false}
        onChange={(path: string) => {
          const next = fields.find((f) => f.path === path)
          onChange(newRow(path, next?.type ?? 'any'))
        }} />
      <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('formula.builder.removeRow', { n })} />
    </div>
    <div className="condition-row-line">
      <Select size="small" aria-label={t('formula.builder.op', { n })} style={{ width: 112, flex: 'none' }} value={row.op} popupMatchSelectWidth={false}
        showSearch optionFilterProp="label"
        options={shownOps.map((op) => ({ value: op, label: t(`formula.op.${op}`) }))}
        onChange={(op: RowOp) => onChange({ ...row, op, value: sameShape(row.value, op) ? row.value : emptyValue(op, type) })} />
      {!NO_VALUE.has(row.op) && <ValueEditor row={row} field={field} fields={fields} label={t('formula.builder.value', { n })}
        onChange={(value) => onChange({ ...row, value })} />}
    </div>
  </div>
}

function sameShape(value: RowValue, op: RowOp): boolean {
  const wantsList = op === 'in' || op === 'not_in'
  return !NO_VALUE.has(op) && value.kind !== 'none' && (value.kind === 'list') === wantsList
}

interface ValueProps {
  row: ConditionRow
  field: ScopeField | undefined
  fields: readonly ScopeField[]
  label: string
  onChange: (value: RowValue) => void
}

const constantText = (v: Ast): string => (v === null ? '' : typeof v === 'object' ? '' : String(v))

function numberAst(text: string | null, type: string): Ast {
  if (text === null || text === '') return null
  if (type === 'integer' || /^-?\d+$/.test(text)) {
    const n = BigInt(text.split('.')[0] ?? '0')
    return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n
  }
  return new Decimal(text)
}

function ValueEditor({ row, field, fields, label, onChange }: ValueProps) {
  const { t } = useTranslation()
  const value = row.value
  const type = field?.type ?? 'any'
  const options = field?.options ?? []
  if (value.kind === 'field') {
    return <Select size="small" aria-label={label} className="condition-grow" value={value.path} showSearch optionFilterProp="label"
      options={fields.map((f) => ({ value: f.path, label: `${f.label} (${f.path})` }))} onChange={(path: string) => onChange({ kind: 'field', path })} />
  }
  if (value.kind === 'list') {
    return <Select size="small" mode={options.length ? 'multiple' : 'tags'} aria-label={label} className="condition-grow"
      value={value.values.map((v) => constantText(v))} options={options.map((o) => ({ value: o.value, label: o.label }))}
      placeholder={t('formula.builder.values')}
      onChange={(values: string[]) => onChange({ kind: 'list', values: type === 'integer' || type === 'decimal' ? values.map((v) => numberAst(v, type)) : values })} />
  }
  if (type === 'date' || type === 'datetime' || value.kind === 'relative') return <DateValue value={value} type={type} label={label} onChange={onChange} />
  const constant = value.kind === 'const' ? value.value : null
  if (options.length) {
    return <Select size="small" aria-label={label} className="condition-grow" value={constantText(constant) || undefined} showSearch optionFilterProp="label"
      options={options.map((o) => ({ value: o.value, label: o.label }))} onChange={(v: string) => onChange({ kind: 'const', value: v })} />
  }
  if (type === 'boolean') {
    return <Select size="small" aria-label={label} className="condition-grow" value={constant === null ? undefined : String(constant)}
      options={[{ value: 'true', label: t('formula.builder.yes') }, { value: 'false', label: t('formula.builder.no') }]}
      onChange={(v: string) => onChange({ kind: 'const', value: v === 'true' })} />
  }
  if (type === 'integer' || type === 'decimal') {
    return <InputNumber<string> size="small" aria-label={label} stringMode className="condition-grow"
      value={constant === null ? null : String(constant as never)} precision={type === 'integer' ? 0 : undefined}
      onChange={(v) => onChange({ kind: 'const', value: numberAst(v, type) })} />
  }
  return <Input size="small" aria-label={label} className="condition-grow" value={constantText(constant)}
    onChange={(e) => onChange({ kind: 'const', value: e.target.value })} />
}

/** Date presets: a fixed date, or today / now moved by a number of days (negative: before). */
function DateValue({ value, type, label, onChange }: { value: RowValue; type: string; label: string; onChange: (v: RowValue) => void }) {
  const { t } = useTranslation()
  const preset = value.kind === 'relative' ? value.base.replace('$', '') : 'date'
  const presets = ['date', 'today', 'now'].map((p) => ({ value: p, label: t(`formula.builder.date.${p}`) }))
  const constant = value.kind === 'const' && typeof value.value === 'object' && value.value !== null && !Array.isArray(value.value)
    ? Object.values(value.value)[0] : null
  return <Space.Compact size="small" className="condition-grow">
    <Select size="small" aria-label={t('formula.builder.dateKind', { label })} style={{ width: 96 }} value={preset} options={presets}
      onChange={(p: string) => onChange(p === 'date' ? { kind: 'const', value: null } : { kind: 'relative', base: p as 'today' | 'now', days: 0 })} />
    {value.kind === 'relative'
      ? <InputNumber size="small" aria-label={label} style={{ flex: 1 }} value={value.days} precision={0}
          addonAfter={t('formula.builder.days')} onChange={(d) => onChange({ ...value, days: d ?? 0 })} />
      : <DatePicker size="small" aria-label={label} showTime={type === 'datetime'} style={{ flex: 1 }}
          value={typeof constant === 'string' ? dayjs(constant) : null}
          onChange={(d) => onChange({ kind: 'const', value: d === null ? null : type === 'datetime'
            ? { datetime: d.toISOString().replace('.000Z', 'Z') } : { date: d.format('YYYY-MM-DD') } })} />}
  </Space.Compact>
}
