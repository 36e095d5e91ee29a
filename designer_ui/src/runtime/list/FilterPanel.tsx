import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Input, Radio, Select, Space, Tabs, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ExprError } from '../../core/expr'
import {
  formulaAst,
  fromAst,
  isGroup,
  operatorsFor,
  toAst,
  toFormula,
  type FieldInfo,
  type FilterGroup,
  type FilterRow,
  type OperatorKey,
} from '../../core/filters'
import { pickLabel } from '../../core/labels'
import { FilterFormula } from './FilterFormula'
import type { CatalogOps, LabelledPreset } from './useCatalogOps'
import type { ColumnInfo } from './useListColumns'

interface Props {
  columns: ColumnInfo[]
  fields: Record<string, FieldInfo>
  ops: ReadonlySet<string>
  /** the catalog's named periods for date fields */
  presets: LabelledPreset[]
  /** the functions a filter formula may call, for completion */
  functions: CatalogOps['functions']
  initial: unknown
  onApply: (ast: unknown) => void
}

type Mode = 'builder' | 'formula'

/** The filter builder and the formula box; switching between them keeps the meaning. */
export function FilterPanel({ columns, fields, ops, presets, functions, initial, onApply }: Props) {
  const { t } = useTranslation()
  const start = fromAst(initial, presets)
  const [mode, setMode] = useState<Mode>(start ? 'builder' : 'formula')
  const [group, setGroup] = useState<FilterGroup>(start ?? { combinator: 'and', items: [] })
  const [formula, setFormula] = useState(() => (start ? toFormula(start, fields, presets) : formulaText(initial)))
  const [error, setError] = useState<string | null>(null)
  const filterable = columns.filter((c) => c.filterable)

  function readFormula(): unknown {
    try {
      setError(null)
      return formulaAst(formula)
    } catch (exc) {
      setError(formulaError(exc, t))
      throw exc
    }
  }

  function switchTo(next: Mode) {
    if (next === mode) return
    if (next === 'formula') {
      setFormula(toFormula(group, fields, presets))
      setError(null)
      setMode(next)
      return
    }
    let ast: unknown
    try {
      ast = readFormula()
    } catch {
      return
    }
    const rows = fromAst(ast, presets)
    if (!rows) {
      setError(t('list.filter.notRows'))
      return
    }
    setGroup(rows)
    setMode(next)
  }

  function apply() {
    if (mode === 'builder') {
      onApply(toAst(group, fields, presets))
      return
    }
    try {
      onApply(readFormula())
    } catch {
      /* the error is shown under the box */
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Tabs
        activeKey={mode}
        onChange={(key) => switchTo(key as Mode)}
        items={[
          {
            key: 'builder',
            label: t('list.filter.builder'),
            children: (
              <GroupEditor group={group} onChange={setGroup} columns={filterable} fields={fields} ops={ops} presets={presets} depth={0} />
            ),
          },
          {
            key: 'formula',
            label: t('list.filter.formula'),
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                <label htmlFor="list-filter-formula">{t('list.filter.formulaLabel')}</label>
                <FilterFormula
                  id="list-filter-formula"
                  value={formula}
                  onChange={setFormula}
                  columns={filterable}
                  fields={fields}
                  functions={functions}
                  placeholder={t('list.filter.formulaExample')}
                />
              </Space>
            ),
          },
        ]}
      />
      {error && <Alert type="error" showIcon message={error} role="alert" />}
      <Space>
        <Button type="primary" onClick={apply}>
          {t('list.filter.apply')}
        </Button>
        <Button onClick={() => onApply(null)}>{t('list.filter.clear')}</Button>
      </Space>
    </Space>
  )
}

function formulaText(ast: unknown): string {
  return ast === null || ast === undefined ? '' : JSON.stringify(ast)
}

function formulaError(exc: unknown, t: (key: string, vars?: Record<string, unknown>) => string): string {
  if (exc instanceof ExprError) {
    return exc.issues
      .map((i) => t('list.filter.errorAt', { line: i.line ?? 1, column: i.column ?? 1, message: i.message }))
      .join('\n')
  }
  return exc instanceof Error ? exc.message : String(exc)
}

interface GroupProps {
  group: FilterGroup
  onChange: (group: FilterGroup) => void
  columns: ColumnInfo[]
  fields: Record<string, FieldInfo>
  ops: ReadonlySet<string>
  presets: LabelledPreset[]
  depth: number
}

function GroupEditor({ group, onChange, columns, fields, ops, presets, depth }: GroupProps) {
  const { t } = useTranslation()
  const setItem = (index: number, item: FilterRow | FilterGroup | null) => {
    const items = [...group.items]
    if (item === null) items.splice(index, 1)
    else items[index] = item
    onChange({ ...group, items })
  }
  const first = columns[0]?.key ?? ''
  const newRow = (): FilterRow => ({ field: first, operator: 'eq', value: '' })
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Radio.Group
        aria-label={t('list.filter.combinator')}
        value={group.combinator}
        onChange={(e) => onChange({ ...group, combinator: e.target.value as FilterGroup['combinator'] })}
        optionType="button"
        size="small"
        options={[
          { value: 'and', label: t('list.filter.and') },
          { value: 'or', label: t('list.filter.or') },
        ]}
      />
      {group.items.map((item, index) =>
        isGroup(item) ? (
          <Card key={index} size="small" extra={<RemoveButton onClick={() => setItem(index, null)} />}>
            <GroupEditor
              group={item}
              onChange={(g) => setItem(index, g)}
              columns={columns}
              fields={fields}
              ops={ops}
              presets={presets}
              depth={depth + 1}
            />
          </Card>
        ) : (
          <RowEditor
            key={index}
            index={index}
            row={item}
            columns={columns}
            fields={fields}
            ops={ops}
            presets={presets}
            onChange={(r) => setItem(index, r)}
          />
        ),
      )}
      {group.items.length === 0 && <Typography.Text type="secondary">{t('list.filter.none')}</Typography.Text>}
      <Space wrap>
        <Button size="small" icon={<PlusOutlined aria-hidden />} onClick={() => onChange({ ...group, items: [...group.items, newRow()] })}>
          {t('list.filter.addRow')}
        </Button>
        {depth === 0 && (
          <Button
            size="small"
            icon={<PlusOutlined aria-hidden />}
            onClick={() =>
              onChange({ ...group, items: [...group.items, { combinator: group.combinator === 'and' ? 'or' : 'and', items: [newRow()] }] })
            }
          >
            {t('list.filter.addGroup')}
          </Button>
        )}
      </Space>
    </Space>
  )
}

function RemoveButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation()
  return <Button size="small" type="text" aria-label={t('list.filter.remove')} icon={<DeleteOutlined aria-hidden />} onClick={onClick} />
}

interface RowProps {
  index: number
  row: FilterRow
  columns: ColumnInfo[]
  fields: Record<string, FieldInfo>
  ops: ReadonlySet<string>
  presets: LabelledPreset[]
  onChange: (row: FilterRow | null) => void
}

function RowEditor({ index, row, columns, fields, ops, presets, onChange }: RowProps) {
  const { t, i18n } = useTranslation()
  const column = columns.find((c) => c.key === row.field)
  const info = fields[row.field]
  const operators: OperatorKey[] = info ? operatorsFor(info, ops) : []
  const needsValue = row.operator !== 'empty' && row.operator !== 'notEmpty'
  const n = index + 1
  return (
    <Space wrap align="start" role="group" aria-label={t('list.filter.row', { n })}>
      <Select
        aria-label={t('list.filter.field', { n })}
        style={{ width: 160 }}
        value={row.field || undefined}
        showSearch
        optionFilterProp="label"
        options={columns.map((c) => ({ value: c.key, label: pickLabel(c.label, i18n.language, c.key) }))}
        onChange={(field: string) => {
          const next = fields[field] ? operatorsFor(fields[field], ops) : []
          onChange({ field, operator: next.includes(row.operator) ? row.operator : (next[0] ?? 'eq'), value: '' })
        }}
      />
      <Select
        aria-label={t('list.filter.operator', { n })}
        style={{ width: 130 }}
        showSearch
        optionFilterProp="label"
        value={row.operator}
        options={operators.map((op) => ({ value: op, label: t(`list.op.${op}`) }))}
        onChange={(operator: OperatorKey) =>
          onChange({ ...row, operator, value: (operator === 'period') === (row.operator === 'period') ? row.value : '' })
        }
      />
      {needsValue &&
        (row.operator === 'period' ? (
          <Select
            aria-label={t('list.filter.period', { n })}
            style={{ width: 160 }}
            showSearch
            optionFilterProp="label"
            value={typeof row.value === 'string' && row.value ? row.value : undefined}
            options={presets.map((p) => ({ value: p.key, label: pickLabel(p.label, i18n.language, p.key) }))}
            onChange={(value: string) => onChange({ ...row, value })}
          />
        ) : column?.options ? (
          <Select
            aria-label={t('list.filter.value', { n })}
            style={{ width: 160 }}
            showSearch
            optionFilterProp="label"
            value={typeof row.value === 'string' && row.value ? row.value : undefined}
            options={column.options.map((o) => ({ value: o.value, label: pickLabel(o.label, i18n.language, o.value) }))}
            onChange={(value: string) => onChange({ ...row, value })}
          />
        ) : (
          <Input
            aria-label={t('list.filter.value', { n })}
            style={{ width: 160 }}
            value={row.value === null || row.value === undefined ? '' : String(row.value)}
            placeholder={info && (info.valueType === 'date' || info.valueType === 'datetime') ? t('list.filter.datePlaceholder') : undefined}
            onChange={(e) => onChange({ ...row, value: e.target.value })}
          />
        ))}
      <RemoveButton onClick={() => onChange(null)} />
    </Space>
  )
}
