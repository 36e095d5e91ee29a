import { DeleteOutlined, PlusOutlined, WarningTwoTone } from '@ant-design/icons'
import { Alert, Button, Card, Form, Input, Select, Space, Table, Tabs, Tooltip } from 'antd'
import type { ColumnsType } from 'antd/es/table'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { addColumnOps, asTable, cellAt, cellText, inputScope, insertRowOps, outputText, parseCell, parseOutput, removeRowOps, renameColumnOps,
  setCellOps, tableMarks, type Column, type TableDef } from '../../core/design/decisionTable'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import { uniqueKey } from '../../core/design/keys'
import { getAt } from '../../core/design/pointer'
import { setKeyOps, type RuleElement } from '../../core/design/rules'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { JsonPanel } from '../JsonPanel'
import { CellInput } from './CellInput'
import { ConditionCell } from './ConditionCell'
import { ColumnSettings } from './ColumnSettings'
import { TableDryRun } from './TableDryRun'
import type { RuleScope } from './useRuleScope'

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  element: RuleElement
  catalog: Catalog
  scope: RuleScope
  problems: readonly Problem[]
  /** A JSON path from a problem link: the cell it names is selected. */
  at?: string | null
}

type Row = TableDef['rows'][number] & { index: number }

/** A decision table as a grid: condition columns, result columns, one row per case; the engine's overlap and gap
 * findings sit on the cells and rows they concern; a dry run on a real record lights the rows that match. */
export function DecisionTableEditor({ appKey, store, doc, element, catalog, scope, problems, at = null }: Props) {
  const { t, i18n } = useTranslation()
  const path = ['rules', String(element.index)]
  const raw = getAt(doc, path)
  const table = asTable(raw)
  const marks = table ? tableMarks(problems, element.index, table) : null
  const [hits, setHits] = useState<{ rows: number[]; winner: number | null } | null>(null)
  const picked = cellAt(at, element.index)
  const inputs = table ? inputScope(table, i18n.language) : []
  if (!table || !marks) return <JsonPanel store={store} doc={doc} pointer={`/${path.join('/')}`} />
  const label = (raw as { label?: Record<string, string> }).label ?? {}
  const set = (key: string, value: unknown) => store.edit(setKeyOps(doc, path, key, value), { coalesce: `${path.join('/')}/${key}` })
  const colName = (c: Column) => pickLabel(c.label, i18n.language, c.key)
  const rowName = (r: number) => t('designer.rules.table.row', { n: r + 1 })
  const setColumn = (part: 'inputs' | 'outputs', n: number) => (key: string, value: unknown) =>
    store.edit(setKeyOps(doc, [...path, part, String(n)], key, value))
  const header = (c: Column, part: 'inputs' | 'outputs', n: number) => <Space size={2} className="dt-head">
    <span>{colName(c)}</span>
    <ColumnSettings name={colName(c)} column={c} part={part} onRename={(key) => store.edit(renameColumnOps(table, element.index, part, n, key))}
      onSet={setColumn(part, n)} />
  </Space>
  const addColumn = (part: 'inputs' | 'outputs') => {
    const prefix = part === 'inputs' ? 'input' : 'output'
    const key = uniqueKey(prefix, new Set(table[part].map((c) => c.key)), { numbered: true })
    const word = `designer.rules.table.new.${part}`
    store.edit(addColumnOps(table, element.index, part, key, { 'zh-CN': t(word, { lng: 'zh-CN' }), en: t(word, { lng: 'en' }) }))
  }

  const columns: ColumnsType<Row> = [
    { key: '#', title: '#', width: 44, fixed: 'left', render: (_, row) => {
      const found = marks.rows.get(row.index)
      return <Space size={2}>
        <span>{row.index + 1}</span>
        {found && <Tooltip title={<ul className="dt-problems">{found.map((p) => <li key={p}>{p}</li>)}</ul>}>
          <WarningTwoTone twoToneColor="#faad14" aria-label={t('designer.rules.table.rowProblems', { row: rowName(row.index), list: found.join('; ') })} />
        </Tooltip>}
      </Space>
    } },
    { key: 'when', title: t('designer.rules.table.conditions'), className: 'dt-group-when', children: table.inputs.map((c, n) => ({
      key: `when:${c.key}`, title: header(c, 'inputs', n), className: 'dt-when', width: 118,
      render: (_: unknown, row: Row) => <ConditionCell id={`dt-${String(element.index)}-${String(row.index)}-${c.key}`} inputs={inputs}
        label={t('designer.rules.table.whenCell', { row: rowName(row.index), column: colName(c) })}
        placeholder={t('designer.rules.table.any')} text={cellText(row.when?.[c.key])} problems={marks.cells.get(`when/${String(row.index)}/${c.key}`)}
        selected={picked === `when/${String(row.index)}/${c.key}`}
        onCommit={(text) => store.edit(setCellOps(table, element.index, row.index, 'when', c.key, parseCell(text, c.type)))} />,
    })) },
    { key: 'then', title: t('designer.rules.table.results'), className: 'dt-group-then', children: table.outputs.map((c, n) => ({
      key: `then:${c.key}`, title: header(c, 'outputs', n), className: 'dt-then', width: 128,
      render: (_: unknown, row: Row) => <CellInput label={t('designer.rules.table.thenCell', { row: rowName(row.index), column: colName(c) })}
        text={outputText(row.then?.[c.key])} problems={marks.cells.get(`then/${String(row.index)}/${c.key}`)}
        selected={picked === `then/${String(row.index)}/${c.key}`}
        onCommit={(text) => store.edit(setCellOps(table, element.index, row.index, 'then', c.key, parseOutput(text, c.type)))} />,
    })) },
    { key: 'note', title: t('designer.rules.table.note'), width: 120, render: (_, row) =>
      <CellInput label={t('designer.rules.table.noteCell', { row: rowName(row.index) })} text={row.note ?? ''} problems={undefined}
        onCommit={(text) => store.edit(setKeyOps(doc, [...path, 'rows', String(row.index)], 'note', text.trim() ? text : undefined))} /> },
    { key: 'ops', width: 60, fixed: 'right', render: (_, row) => <Space size={0}>
      <Button size="small" type="text" icon={<PlusOutlined />} aria-label={t('designer.rules.table.insertBelow', { row: rowName(row.index) })}
        onClick={() => store.edit(insertRowOps(element.index, row.index + 1))} />
      <Button size="small" type="text" danger icon={<DeleteOutlined />} disabled={table.rows.length <= 1}
        aria-label={t('designer.rules.table.removeRow', { row: rowName(row.index) })}
        onClick={() => {
          const { ops, restore } = removeRowOps(table, element.index, row.index)
          store.remove(ops, { kind: 'row', label: `${pickLabel(label, i18n.language, element.key)} · ${rowName(row.index)}`, restore })
        }} />
    </Space> },
  ]

  const grid = <Space direction="vertical" style={{ width: '100%' }}>
    <Form layout="inline" size="small" component="div">
      <Form.Item label={t('designer.rules.labelZh')} htmlFor="table-label-zh">
        <Input id="table-label-zh" value={label['zh-CN'] ?? ''} onChange={(e) => set('label', { ...label, 'zh-CN': e.target.value })} />
      </Form.Item>
      <Form.Item label={t('designer.rules.labelEn')} htmlFor="table-label-en">
        <Input id="table-label-en" value={label.en ?? ''} onChange={(e) => set('label', { ...label, en: e.target.value })} />
      </Form.Item>
      <Form.Item label={t('designer.rules.table.hitPolicy')} htmlFor="table-hit-policy">
        <Select id="table-hit-policy" style={{ width: 200 }} showSearch={{ optionFilterProp: 'label' }} value={table.hit_policy ?? 'first'}
          options={catalog.rules.hit_policies.map((h) => ({ value: h.key, label: pickLabel(h.label, i18n.language, h.key) }))}
          onChange={(v: string) => set('hit_policy', v)} />
      </Form.Item>
      {table.hit_policy === 'collect' && <Form.Item label={t('designer.rules.table.aggregate')} htmlFor="table-aggregate">
        <Select id="table-aggregate" allowClear style={{ width: 110 }} value={table.aggregate}
          options={['sum', 'count', 'min', 'max'].map((a) => ({ value: a, label: t(`designer.rules.table.aggregates.${a}`) }))}
          onChange={(v: string | undefined) => set('aggregate', v)} />
      </Form.Item>}
    </Form>
    {marks.table.length > 0 && <Alert type="warning" showIcon role="alert" message={t('designer.rules.table.tableProblems')}
      description={<ul className="designer-json-problems">{marks.table.map((m) => <li key={m}>{m}</li>)}</ul>} />}
    {marks.cells.size > 0 && <Alert type="warning" showIcon message={t('designer.rules.table.cellProblems', { n: marks.cells.size })} />}
    <Space>
      <Button size="small" icon={<PlusOutlined />} onClick={() => addColumn('inputs')}>{t('designer.rules.table.addInput')}</Button>
      <Button size="small" icon={<PlusOutlined />} onClick={() => addColumn('outputs')}>{t('designer.rules.table.addOutput')}</Button>
      <Button size="small" icon={<PlusOutlined />} onClick={() => store.edit(insertRowOps(element.index, table.rows.length))}>
        {t('designer.rules.table.addRow')}</Button>
    </Space>
    <Table<Row> className="dt-grid" size="small" bordered pagination={false} scroll={{ x: 'max-content' }} rowKey="index"
      aria-label={t('designer.rules.table.grid', { name: pickLabel(label, i18n.language, element.key) })}
      dataSource={table.rows.map((r, index) => ({ ...r, index }))} columns={columns}
      rowClassName={(row) => (hits?.winner === row.index ? 'dt-row-winner' : hits?.rows.includes(row.index) ? 'dt-row-hit' : '')} />
    <Card size="small" title={t('designer.rules.tab.dryRun')}>
      <TableDryRun appKey={appKey} store={store} doc={doc} table={table} scope={scope} onHits={setHits} />
    </Card>
  </Space>

  return <Tabs className="rules-tabs" items={[
    { key: 'grid', label: t('designer.rules.tab.table'), children: grid },
    { key: 'json', label: t('designer.json.tab'), children: <JsonPanel key={element.index} store={store} doc={doc} pointer={`/${path.join('/')}`} /> },
  ]} />
}
