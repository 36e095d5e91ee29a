import { DeleteOutlined } from '@ant-design/icons'
import { Alert, Button, Collapse, Form, Input, Select, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { connectOps, NODE_ID_PATTERN, renameNodeOps, type FlowLike, type FlowNode } from '../../core/design/flowModel'
import type { Op } from '../../core/design/ops'
import { pickLabel, type Label } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { AllowEditor } from './AllowEditor'
import { ApprovalEditor } from './ApprovalEditor'
import { AssigneeEditor, type AssigneeSpec, type DecisionTableRef } from './AssigneeEditor'
import { DurationEditor } from './DurationEditor'
import { FieldAccessEditor, type FieldAccess } from './FieldAccessEditor'
import { SlaEditor, type SlaSpec } from './SlaEditor'

const RECORD_FIELDS = ['working_minutes', 'done_at'] as const

export interface FormField { key: string; kind: string; label?: Label }
type NodeKindEntry = Catalog['flows']['node_kinds'][number]

interface Props {
  store: DraftStore
  doc: unknown
  fi: number
  flow: FlowLike
  node: FlowNode
  kind: NodeKindEntry | undefined
  catalog: Catalog
  fields: FormField[]
  roles: { key: string; label?: Label }[]
  /** The node is in the published version: instances may stand on it, so its id stays. */
  published: boolean
  problems: string[]
  onRenamed: (id: string) => void
  onDelete: () => void
}

/** The app's decision tables (in the draft's rules) with their outputs, for a decision-table assignee. */
function decisionTables(doc: unknown): DecisionTableRef[] {
  const rules = (doc as { rules?: unknown } | null)?.rules
  return (Array.isArray(rules) ? rules : [])
    .filter((r): r is Record<string, unknown> => Boolean(r) && typeof r === 'object' && (r as { kind?: unknown }).kind === 'decision_table')
    .map((r) => ({ key: String(r.key), label: r.label as Label | undefined,
      outputs: (Array.isArray(r.outputs) ? r.outputs as { key?: unknown }[] : []).map((o) => String(o.key)) }))
}

/** A node's properties, from what its kind reads (the catalog's `settings`); each edit is one undo step per property. */
export function NodeProperties({ store, doc, fi, flow, node, kind, catalog, fields, roles, published, problems, onRenamed, onDelete }: Props) {
  const { t, i18n } = useTranslation()
  const index = flow.nodes.findIndex((n) => n.id === node.id)
  const base = ['flows', String(fi), 'nodes', String(index)]
  const reads = new Set(kind?.settings ?? [])
  const id = (name: string) => `node-${node.id}-${name}`
  const label = (node.label ?? {}) as Record<string, string>
  const userFields = fields.filter((f) => f.kind === 'user')
  const tables = decisionTables(doc)

  const patch = (changes: Record<string, unknown>) => {
    const ops: Op[] = Object.entries(changes).flatMap(([name, value]): Op[] => value === undefined
      ? (name in node ? [{ op: 'remove', path: [...base, name] }] : [])
      : [{ op: 'set', path: [...base, name], value }])
    store.edit(ops, { coalesce: `${base.join('/')}/${Object.keys(changes).join(',')}` })
  }
  const set = (name: string, value: unknown) => patch({ [name]: value })
  const setLabel = (lang: string, text: string) => {
    const next = { ...label, [lang]: text }
    if (!text) delete next[lang]
    set('label', Object.keys(next).length ? next : undefined)
  }
  const idProblem = NODE_ID_PATTERN.test(node.id) ? null : t('designer.flow.node.idInvalid')
  const outgoing = flow.edges.filter((e) => e.source === node.id).map((e) => e.target)
  const name = (n: FlowNode) => pickLabel(n.label, i18n.language, n.id)

  const sections = [
    reads.has('assignee') && { key: 'assignee', label: t('designer.flow.node.assignee'), children: <>
      <Form.Item label={t('designer.flow.assignee.strategy')} htmlFor={id('assignee')}>
        <AssigneeEditor id={id('assignee')} value={node.assignee as AssigneeSpec | undefined} catalog={catalog} roles={roles}
          userFields={userFields} tables={tables} onChange={(a) => set('assignee', a)} />
      </Form.Item>
      {reads.has('mode') && <ApprovalEditor idPrefix={id('approval')} node={node} nodes={flow.nodes}
        catalog={catalog} patch={patch} />}
      {reads.has('cc') && <Form.Item label={t('designer.flow.node.cc')} htmlFor={id('cc')}>
        <AssigneeEditor id={id('cc')} allowClear value={(node.cc as AssigneeSpec[] | undefined)?.[0]} catalog={catalog} roles={roles}
          userFields={userFields} tables={tables}
          onChange={(a) => set('cc', a ? [a, ...((node.cc as AssigneeSpec[] | undefined) ?? []).slice(1)] : undefined)} />
      </Form.Item>}
    </> },
    reads.has('allow') && { key: 'allow', label: t('designer.flow.node.allow'), children:
      <AllowEditor idPrefix={id('allow')} node={node} onChange={(a) => set('allow', a)} /> },
    reads.has('sla') && { key: 'sla', label: t('designer.flow.node.sla'), children:
      <SlaEditor idPrefix={id('sla')} value={node.sla as SlaSpec | undefined} catalog={catalog} roles={roles} userFields={userFields}
        onChange={(s) => set('sla', s)} /> },
    reads.has('fields') && { key: 'fields', label: t('designer.flow.node.fields'), children:
      <FieldAccessEditor value={node.fields as FieldAccess | undefined} fields={fields} onChange={(f) => set('fields', f)} /> },
    reads.has('record_fields') && { key: 'record_fields', label: t('designer.flow.node.recordFields'), children: <>
      {RECORD_FIELDS.map((attr) => {
        const current = (node.record_fields as Record<string, string> | undefined) ?? {}
        return <Form.Item key={attr} label={t(`designer.flow.node.record.${attr}`)} htmlFor={id(`rf-${attr}`)}>
          <Select id={id(`rf-${attr}`)} allowClear value={current[attr]} style={{ width: '100%' }}
            onChange={(v?: string) => {
              const next = { ...current }
              if (v) next[attr] = v
              else delete next[attr]
              set('record_fields', Object.keys(next).length ? next : undefined)
            }}
            options={fields.map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />
        </Form.Item>
      })}
    </> },
  ].filter((s): s is { key: string; label: string; children: React.JSX.Element } => Boolean(s))

  return <Form layout="vertical" size="small" component="div">
    {problems.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 8 }}
      message={<ul className="flow-problem-list">{problems.map((p) => <li key={p}>{p}</li>)}</ul>} />}
    <Tag>{kind ? pickLabel(kind.label, i18n.language, node.kind) : node.kind}</Tag>
    <Form.Item label={t('designer.flow.node.labelZh')} htmlFor={id('label-zh')} style={{ marginTop: 8 }}>
      <Input id={id('label-zh')} value={label['zh-CN'] ?? ''} onChange={(e) => setLabel('zh-CN', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.flow.node.labelEn')} htmlFor={id('label-en')}>
      <Input id={id('label-en')} value={label.en ?? ''} onChange={(e) => setLabel('en', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.flow.node.id')} htmlFor={id('id')} validateStatus={idProblem ? 'error' : undefined}
      help={idProblem ?? (published ? t('designer.flow.node.idFrozen') : t('designer.flow.node.idHelp'))}>
      <Input id={id('id')} value={node.id} disabled={published} style={{ fontFamily: 'monospace' }}
        onChange={(e) => {
          const next = e.target.value
          if (!next || flow.nodes.some((n) => n.id === next)) return
          store.edit(renameNodeOps(doc, fi, node.id, next), { coalesce: `${base.join('/')}/id` })
          onRenamed(next)
        }} />
    </Form.Item>
    {reads.has('outcome') && <Form.Item label={t('designer.flow.node.outcome')} htmlFor={id('outcome')}>
      <Input id={id('outcome')} value={(node.outcome as string | undefined) ?? ''} onChange={(e) => set('outcome', e.target.value || undefined)} />
    </Form.Item>}
    {reads.has('duration') && <Form.Item label={t('designer.flow.node.duration')} htmlFor={id('duration')}>
      <DurationEditor id={id('duration')} value={node.duration as Record<string, unknown> | undefined} onChange={(d) => set('duration', d)} />
    </Form.Item>}
    {reads.has('flow') && <Form.Item label={t('designer.flow.node.subflow')} htmlFor={id('subflow')}>
      <Input id={id('subflow')} value={(node.flow as string | undefined) ?? ''} onChange={(e) => set('flow', e.target.value || undefined)} />
    </Form.Item>}
    {reads.has('actions') && <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
      {t('designer.flow.node.actions', { n: Array.isArray(node.actions) ? node.actions.length : 0 })}</Typography.Paragraph>}
    {(kind?.outgoing[1] ?? 1) !== 0 && <Form.Item label={t('designer.flow.node.connect')} htmlFor={id('connect')}
      help={outgoing.length ? t('designer.flow.node.next', { list: outgoing.map((o) => name(flow.nodes.find((n) => n.id === o) ?? { id: o, kind: '' })).join('、') }) : undefined}>
      <Select id={id('connect')} value={null} placeholder={t('designer.flow.node.connectPick')} showSearch={{ optionFilterProp: 'label' }}
        style={{ width: '100%' }} onChange={(target: string) => store.edit(connectOps(doc, fi, node.id, target))}
        options={flow.nodes.filter((n) => n.id !== node.id && n.kind !== 'start' && !outgoing.includes(n.id))
          .map((n) => ({ value: n.id, label: name(n) }))} />
    </Form.Item>}
    {sections.length > 0 && <Collapse size="small" defaultActiveKey={sections.map((s) => s.key)} items={sections} />}
    <Button danger icon={<DeleteOutlined />} style={{ marginTop: 12 }} onClick={onDelete}>{t('designer.flow.node.delete')}</Button>
  </Form>
}
