import { Background, Controls, MarkerType, ReactFlow, type Connection, type Edge, type EdgeChange, type NodeChange, type ReactFlowInstance } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { useEffect, useMemo, useRef, useState } from 'react'
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
  /** A palette kind dropped on the canvas, or on edge `onEdge` (the node goes between its ends). */
  onDropKind: (kind: string, onEdge: number | null) => void
}

const NODE_TYPES = { flowNode: FlowNodeCard }
/** The first view shows the top of the flow at a readable size, not the whole flow shrunk to fit. */
const FIRST_VIEW_NODES = 6
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
        selected: props.selectedNode === n.id, ariaRole: 'button', className: visited.has(n.id) ? 'on-path' : undefined,
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

  const instance = useRef<ReactFlowInstance<FlowCanvasNode, Edge> | null>(null)
  const pane = useRef<HTMLDivElement | null>(null)
  // a node selected elsewhere (a problem link, the properties) is brought into view when it is off screen
  useEffect(() => {
    const rf = instance.current
    const box = props.selectedNode ? boxes.get(props.selectedNode) : undefined
    if (!rf || !box || !pane.current || !props.selectedNode) return
    const at = offsets[props.selectedNode] ?? box
    const { x, y, zoom } = rf.getViewport()
    const left = at.x * zoom + x
    const top = at.y * zoom + y
    const { clientWidth: width, clientHeight: height } = pane.current
    if (left < 0 || top < 0 || left + box.width * zoom > width || top + box.height * zoom > height) {
      void rf.setCenter(at.x + box.width / 2, at.y + box.height / 2, { zoom: Math.max(zoom, 0.75) })
    }
  }, [props.selectedNode, boxes, offsets])

  const onNodesChange = (changes: NodeChange<FlowCanvasNode>[]) => {
    const next: Record<string, { x: number; y: number }> = {}
    for (const change of changes) {
      if (change.type === 'position' && change.position) next[change.id] = change.position
      // Enter or Space on a focused node selects it, as a click does
      if (change.type === 'select' && change.selected && change.id !== props.selectedNode) props.onSelectNode(change.id)
    }
    if (Object.keys(next).length > 0) setMoved({ key, at: { ...offsets, ...next } })
  }

  const onEdgesChange = (changes: EdgeChange[]) => {
    for (const change of changes) {
      if (change.type === 'select' && change.selected) {
        const index = Number(change.id.slice(1))
        if (index !== props.selectedEdge) props.onSelectEdge(index)
      }
    }
  }

  return <div className="flow-canvas" ref={pane} onDragOver={(e) => {
    if (e.dataTransfer.types.includes(KIND_MIME)) {
      e.preventDefault()
      e.dataTransfer.dropEffect = 'copy'
    }
  }} onDrop={(e) => {
    const kind = e.dataTransfer.getData(KIND_MIME)
    if (kind) {
      e.preventDefault()
      const edge = (e.target as Element).closest('.react-flow__edge')?.getAttribute('data-id')
      props.onDropKind(kind, edge ? Number(edge.slice(1)) : null)
    }
  }}>
    <ReactFlow nodes={nodes} edges={edges} nodeTypes={NODE_TYPES} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
      onNodeClick={(_, node) => props.onSelectNode(node.id)}
      onEdgeClick={(_, edge) => props.onSelectEdge(Number((edge.data as { index: number }).index))}
      onPaneClick={props.onClear}
      onConnect={(c: Connection) => props.onConnect(c.source, c.target)}
      onInit={(rf) => {
        instance.current = rf
        const top = [...boxes.entries()].sort((a, b) => a[1].y - b[1].y).slice(0, FIRST_VIEW_NODES).map(([id]) => ({ id }))
        void rf.fitView({ nodes: top, padding: 0.1, minZoom: 0.7, maxZoom: 1 })
      }}
      deleteKeyCode={null} minZoom={0.05} maxZoom={2}
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
