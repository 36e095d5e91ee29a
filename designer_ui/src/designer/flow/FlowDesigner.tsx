import { App as AntApp, Result, Tabs, Typography } from 'antd'
import { useCallback, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import { addNodeOps, connectOps, connectProblem, flowAt, insertOnEdgeOps, newNodeId, pinProblems, removeEdgeOps, removeNodeOps,
  type FlowNode } from '../../core/design/flowModel'
import { formatPointer } from '../../core/design/pointer'
import { pickLabel, type Label } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { JsonPanel } from '../JsonPanel'
import { useFollowRenamed } from '../useFollowRenamed'
import { EdgeProperties } from './EdgeProperties'
import { FlowCanvas } from './FlowCanvas'
import { FlowPalette } from './FlowPalette'
import { FlowProperties } from './FlowProperties'
import type { FlowPreview, FlowValidation } from './flowApi'
import { NodeProperties, type FormField } from './NodeProperties'
import { PathPreview } from './PathPreview'
import './flow.css'

export interface FlowSelectionState {
  node: string | null
  edge: number | null
}

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  fi: number
  catalog: Catalog
  problems: readonly Problem[]
  /** The published version's flow of the same key (null: never published): its node ids stay. */
  publishedFlow: unknown
  selection: FlowSelectionState
  onSelect: (selection: FlowSelectionState) => void
}

type Obj = { key?: unknown; label?: Label; fields?: unknown; title_field?: unknown; kind?: unknown }

/** The flow designer: node palette, the canvas with automatic layout, path preview, properties and JSON. */
export function FlowDesigner({ appKey, store, doc, fi, catalog, problems, publishedFlow, selection, onSelect }: Props) {
  const { t, i18n } = useTranslation()
  const { modal, message } = AntApp.useApp()
  const [preview, setPreview] = useState<FlowPreview | null>(null)
  const [checked, setChecked] = useState<FlowValidation | null>(null)
  const flow = flowAt(doc, fi)
  const kinds = useMemo(() => new Map(catalog.flows.node_kinds.map((k) => [k.key, k])), [catalog])
  const forms = ((doc as { forms?: Obj[] }).forms ?? []).filter((f) => typeof f.key === 'string') as (Obj & { key: string })[]
  const form = forms.find((f) => f.key === flow?.form)
  const fields = useMemo(() => (Array.isArray(form?.fields) ? form.fields as Obj[] : [])
    .filter((f): f is Obj & { key: string; kind: string } => typeof f.key === 'string' && typeof f.kind === 'string')
    .map((f): FormField => ({ key: f.key, kind: f.kind, label: f.label })), [form])
  const roles = ((doc as { roles?: Obj[] }).roles ?? []).filter((r) => typeof r.key === 'string') as { key: string; label?: Label }[]
  const calendars = Object.keys(((doc as { settings?: { calendars?: object } }).settings?.calendars) ?? {})
  const allProblems = useMemo(() => [...problems, ...(checked?.errors ?? []).map((e) => ({ path: `/flows/${String(fi)}${e.path}`, message: e.message }))],
    [problems, checked, fi])
  const pinned = useMemo(() => pinProblems(doc, fi, allProblems), [doc, fi, allProblems])
  const publishedIds = useMemo(() => new Set(((publishedFlow as { nodes?: { id?: unknown }[] } | null)?.nodes ?? []).map((n) => String(n.id))),
    [publishedFlow])
  const nodeIds = useMemo(() => (flow?.nodes ?? []).map((n) => n.id), [flow])
  useFollowRenamed(nodeIds, selection.node, useCallback((id: string) => onSelect({ node: id, edge: null }), [onSelect]))

  if (!flow) return <Result status="404" title={t('designer.flow.none')} />
  const nameOf = (id: string) => pickLabel(flow.nodes.find((n) => n.id === id)?.label, i18n.language, id)
  const node = selection.node ? flow.nodes.find((n) => n.id === selection.node) ?? null : null
  const edgeIndex = selection.edge !== null && flow.edges[selection.edge] ? selection.edge : null

  /** A new node of `kindKey`, on its own or between the ends of edge `onEdge`. */
  const add = (kindKey: string, onEdge: number | null = null) => {
    const kind = kinds.get(kindKey)
    if (!kind) return
    const id = newNodeId(flow, kindKey)
    const n = id.split('_').pop() ?? ''
    const fresh: FlowNode = { id, kind: kindKey, label: { 'zh-CN': `${kind.label['zh-CN']} ${n}`, en: `${kind.label.en} ${n}` } }
    store.edit(onEdge === null ? addNodeOps(doc, fi, fresh) : insertOnEdgeOps(doc, fi, onEdge, fresh))
    onSelect({ node: id, edge: null })
  }
  const connect = (source: string, target: string) => {
    const problem = connectProblem(flow, source, target)
    if (problem) {
      void message.warning(t(`designer.flow.canvas.cannot.${problem}`))
      return
    }
    store.edit(connectOps(doc, fi, source, target))
  }
  const flowName = pickLabel(flow.label, i18n.language, flow.key)
  const deleteNode = (id: string) => {
    const removal = removeNodeOps(doc, fi, id)
    const drop = () => {
      store.remove(removal.ops, { kind: 'node', label: `${flowName} · ${nameOf(id)}`, restore: removal.restore })
      onSelect({ node: null, edge: null })
    }
    if (!publishedIds.has(id)) return drop()
    modal.confirm({
      title: t('designer.flow.node.deleteTitle', { label: nameOf(id) }),
      content: t('designer.flow.node.deletePublished', { n: removal.ops.length - 1 }),
      okText: t('designer.delete.ok'), okButtonProps: { danger: true }, cancelText: t('designer.cancel'),
      onOk: drop,
    })
  }
  const deleteEdge = (index: number) => {
    const edge = flow.edges[index]
    if (!edge) return
    const removal = removeEdgeOps(doc, fi, index)
    store.remove(removal.ops, { kind: 'edge', label: `${flowName} · ${nameOf(edge.source)} → ${nameOf(edge.target)}`, restore: removal.restore })
    onSelect({ node: null, edge: null })
  }

  const nodeIndex = node ? flow.nodes.indexOf(node) : -1
  const selectedPath = node ? formatPointer(['flows', fi, 'nodes', nodeIndex])
    : edgeIndex !== null ? formatPointer(['flows', fi, 'edges', edgeIndex]) : formatPointer(['flows', fi])
  const title = node ? t('designer.flow.props.nodeTitle', { label: nameOf(node.id) })
    : edgeIndex !== null ? t('designer.flow.props.edgeTitle') : t('designer.flow.props.flowTitle')
  const properties = node
    ? <NodeProperties key={`${node.id}-${String(nodeIndex)}`} store={store} doc={doc} fi={fi} flow={flow} node={node} kind={kinds.get(node.kind)}
      catalog={catalog} fields={fields} roles={roles} published={publishedIds.has(node.id)} problems={pinned.nodes.get(node.id) ?? []}
      onRenamed={(id) => onSelect({ node: id, edge: null })} onDelete={() => deleteNode(node.id)} />
    : edgeIndex !== null
      ? <EdgeProperties key={edgeIndex} store={store} doc={doc} fi={fi} flow={flow} index={edgeIndex} catalog={catalog}
        problems={pinned.edges.get(edgeIndex) ?? []} onDelete={() => deleteEdge(edgeIndex)} onInsert={(kind) => add(kind, edgeIndex)} />
      : <FlowProperties appKey={appKey} store={store} fi={fi} flow={flow} forms={forms} calendars={calendars}
        problems={pinned.flow} onChecked={setChecked} />

  return <div className="designer-form flow-designer" onKeyDown={(e) => {
    const target = e.target as HTMLElement
    if ((e.key === 'Delete' || e.key === 'Backspace') && target.closest('.react-flow') && !target.closest('input, textarea')) {
      if (node) deleteNode(node.id)
      else if (edgeIndex !== null) deleteEdge(edgeIndex)
    }
  }}>
    <FlowPalette catalog={catalog} onAdd={(kind) => add(kind.key)} />
    <main className="designer-canvas flow-main" aria-label={t('designer.flow.canvas.title')}>
      {typeof flow.form === 'string' && <PathPreview appKey={appKey} flowKey={flow.key} formKey={flow.form}
        titleField={typeof form?.title_field === 'string' ? form.title_field : null} result={preview} onResult={setPreview} nameOf={nameOf} />}
      <FlowCanvas flow={flow} kinds={kinds} selectedNode={node?.id ?? null} selectedEdge={edgeIndex} pinned={pinned}
        path={preview?.path ?? []} onSelectNode={(id) => onSelect({ node: id, edge: null })}
        onSelectEdge={(index) => onSelect({ node: null, edge: index })} onClear={() => onSelect({ node: null, edge: null })}
        onConnect={connect} onDropKind={add} />
    </main>
    <aside className="designer-props" aria-label={t('designer.props.title')}>
      <Typography.Text strong className="designer-pane-title">{title}</Typography.Text>
      <Tabs size="small" items={[
        { key: 'props', label: t('designer.props.tab'), children: properties },
        { key: 'json', label: t('designer.json.tab'), children: <JsonPanel key={selectedPath} store={store} doc={doc} pointer={selectedPath} /> },
      ]} />
    </aside>
  </div>
}
