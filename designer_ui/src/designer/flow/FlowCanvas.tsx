import { Background, Controls, MarkerType, ReactFlow, type Connection, type Edge, type NodeChange } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { layoutFlow, layoutKey, type Box } from '../../core/design/flowLayout'
import type { FlowLike, PinnedProblems } from '../../core/design/flowModel'
import { toFormula } from '../../core/expr'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { FlowNodeCard, type FlowCanvasNode } from './FlowNodeCard'
import { KIND_MIME } from './FlowPalette'

type NodeKindEntry = Catalog['flows']['node_kinds'][number]

interface Props {
  flow: FlowLike
  kinds: ReadonlyMap<string, NodeKindEntry>
  selectedNode: string | null
  selectedEdge: number | null
  pinned: PinnedProblems
  /** The previewed path's node ids, in visiting order (empty: no preview). */
  path: readonly string[]
  onSelectNode: (id: string) => void
  onSelectEdge: (index: number) => void
  onClear: () => void
  onConnect: (source: string, target: string) => void
  onDropKind: (kind: string) => void
}

const NODE_TYPES = { flowNode: FlowNodeCard }
const MAX_GUARD = 26

const guardText = (condition: unknown): string => {
  try {
    const text = toFormula(condition)
    return text.length > MAX_GUARD ? `${text.slice(0, MAX_GUARD - 1)}…` : text
  } catch {
    return '…'
  }
}

/** An edge is on the previewed path when the walk visited its target after its source. */
function pathPairs(path: readonly string[]): (source: string, target: string) => boolean {
  const first = new Map<string, number>()
  const last = new Map<string, number>()
  path.forEach((id, i) => {
    if (!first.has(id)) first.set(id, i)
    last.set(id, i)
  })
  return (source, target) => {
    const s = first.get(source)
    const t = last.get(target)
    return s !== undefined && t !== undefined && t > s
  }
}

/**
 * The flow on an @xyflow/react canvas, laid out automatically (positions are not part of the definition):
 * nodes and edges select, handles connect, palette kinds drop in; problems and the previewed path are marked.
 * Dragging a node moves it on this canvas only, so a drag sends nothing to the server.
 */
export function FlowCanvas(props: Props) {
  const { flow, kinds, pinned, path } = props
  const { t, i18n } = useTranslation()
  const key = layoutKey(flow.nodes, flow.edges)
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the layout depends on the structure only, which `key` names
  const boxes = useMemo(() => layoutFlow(flow.nodes, flow.edges), [key])
  const [moved, setMoved] = useState<{ key: string; at: Record<string, { x: number; y: number }> }>({ key, at: {} })
  const offsets = useMemo(() => (moved.key === key ? moved.at : {}), [moved, key])
  const visited = useMemo(() => new Set(path), [path])
  const onPath = useMemo(() => pathPairs(path), [path])
  const names = useMemo(() => new Map(flow.nodes.map((n) => [n.id, pickLabel(n.label, i18n.language, n.id)])), [flow.nodes, i18n.language])

  const nodes = useMemo((): FlowCanvasNode[] => {
    const seen = new Set<string>()
    return flow.nodes.flatMap((n) => {
      const box: Box | undefined = boxes.get(n.id)
      if (seen.has(n.id) || !box) return []
      seen.add(n.id)
      const kind = kinds.get(n.kind)
      const name = names.get(n.id) ?? n.id
      const kindName = kind ? pickLabel(kind.label, i18n.language, n.kind) : n.kind
      return [{
        id: n.id, type: 'flowNode' as const, position: offsets[n.id] ?? { x: box.x, y: box.y }, width: box.width, height: box.height,
        selected: props.selectedNode === n.id, ariaRole: 'button',
        ariaLabel: t('designer.flow.canvas.node', { name, kind: kindName }),
        data: { name, kindName, kind: n.kind, problems: pinned.nodes.get(n.id) ?? [], onPath: visited.has(n.id),
          canIn: (kind?.incoming[1] ?? 1) !== 0, canOut: (kind?.outgoing[1] ?? 1) !== 0 },
      }]
    })
  }, [flow.nodes, boxes, offsets, kinds, names, i18n.language, props.selectedNode, pinned, visited, t])

  const edges = useMemo((): Edge[] => flow.edges.flatMap((e, i) => {
    if (!boxes.has(e.source) || !boxes.has(e.target)) return []
    const problems = pinned.edges.get(i) ?? []
    const lit = path.length > 0 && onPath(e.source, e.target)
    const label = e.default === true ? t('designer.flow.canvas.defaultBranch')
      : e.condition !== undefined && e.condition !== null ? guardText(e.condition) : pickLabel(e.label, i18n.language)
    const classes = ['flow-edge', problems.length > 0 && 'flagged', lit && 'on-path'].filter(Boolean).join(' ')
    return [{
      id: `e${String(i)}`, source: e.source, target: e.target, type: 'smoothstep', label: label || undefined,
      selected: props.selectedEdge === i, className: classes, ariaRole: 'button', interactionWidth: 16,
      ariaLabel: t('designer.flow.canvas.edge', { source: names.get(e.source) ?? e.source, target: names.get(e.target) ?? e.target }),
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      labelStyle: problems.length > 0 ? { fill: '#cf1322' } : undefined,
      data: { index: i },
    }]
  }), [flow.edges, boxes, pinned, path, onPath, props.selectedEdge, names, i18n.language, t])

  const onNodesChange = (changes: NodeChange<FlowCanvasNode>[]) => {
    const next: Record<string, { x: number; y: number }> = {}
    for (const change of changes) {
      if (change.type === 'position' && change.position) next[change.id] = change.position
    }
    if (Object.keys(next).length > 0) setMoved({ key, at: { ...offsets, ...next } })
  }

  return <div className="flow-canvas" onDragOver={(e) => {
    if (e.dataTransfer.types.includes(KIND_MIME)) {
      e.preventDefault()
      e.dataTransfer.dropEffect = 'copy'
    }
  }} onDrop={(e) => {
    const kind = e.dataTransfer.getData(KIND_MIME)
    if (kind) {
      e.preventDefault()
      props.onDropKind(kind)
    }
  }}>
    <ReactFlow nodes={nodes} edges={edges} nodeTypes={NODE_TYPES} onNodesChange={onNodesChange}
      onNodeClick={(_, node) => props.onSelectNode(node.id)}
      onEdgeClick={(_, edge) => props.onSelectEdge(Number((edge.data as { index: number }).index))}
      onPaneClick={props.onClear}
      onConnect={(c: Connection) => props.onConnect(c.source, c.target)}
      deleteKeyCode={null} fitView fitViewOptions={{ padding: 0.15, maxZoom: 1 }} minZoom={0.05} maxZoom={2}
      onlyRenderVisibleElements={flow.nodes.length > 80} nodesFocusable edgesFocusable
      ariaLabelConfig={{
        'controls.ariaLabel': t('designer.flow.canvas.controls'), 'controls.zoomIn.ariaLabel': t('designer.flow.canvas.zoomIn'),
        'controls.zoomOut.ariaLabel': t('designer.flow.canvas.zoomOut'), 'controls.fitView.ariaLabel': t('designer.flow.canvas.fitView'),
        'controls.interactive.ariaLabel': t('designer.flow.canvas.interactive'),
        'node.a11yDescription.default': t('designer.flow.canvas.nodeHelp'), 'edge.a11yDescription.default': t('designer.flow.canvas.edgeHelp'),
      }}>
      <Background gap={16} size={1} />
      <Controls showInteractive={false} />
    </ReactFlow>
  </div>
}
