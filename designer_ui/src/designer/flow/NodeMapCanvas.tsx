import { Background, Controls, MarkerType, ReactFlow, type Edge } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { Button, Space, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { layoutFlow } from '../../core/design/flowLayout'
import type { FlowLike } from '../../core/design/flowModel'
import { arrivals, sendTo, unmapped, type NodeMap, type RunningFlow } from '../../core/design/instanceMap'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { FlowNodeCard, type FlowCanvasNode } from './FlowNodeCard'

type NodeKindEntry = Catalog['flows']['node_kinds'][number]

interface Props {
  /** the draft's flow: where the instances go */
  flow: FlowLike
  kinds: ReadonlyMap<string, NodeKindEntry>
  running: RunningFlow
  map: NodeMap
  onChange: (map: NodeMap) => void
}

const NODE_TYPES = { flowNode: FlowNodeCard }

/**
 * The node map edited on the draft's canvas: choose a node the running instances stand on (above the canvas),
 * then click the draft's node they should move to; the nodes that receive instances are marked and say how many.
 * The same map is also editable from the table below it, from the keyboard.
 */
export function NodeMapCanvas({ flow, kinds, running, map, onChange }: Props) {
  const { t, i18n } = useTranslation()
  const missing = unmapped(running, map)
  const [chosen, setChosen] = useState<string | null>(missing[0] ?? running.nodes[0]?.node ?? null)
  const boxes = useMemo(() => layoutFlow(flow.nodes, flow.edges), [flow.nodes, flow.edges])
  const names = useMemo(() => new Map(flow.nodes.map((n) => [n.id, pickLabel(n.label, i18n.language, n.id)])), [flow.nodes, i18n.language])
  const into = arrivals(running, map)

  const nodes: FlowCanvasNode[] = flow.nodes.flatMap((n) => {
    const box = boxes.get(n.id)
    if (!box) return []
    const kind = kinds.get(n.kind)
    const name = names.get(n.id) ?? n.id
    const here = into.get(n.id) ?? []
    const count = here.reduce((sum, r) => sum + r.running, 0)
    const label = here.length > 0
      ? t('designer.publish.mapTargetWith', { name, n: count, nodes: here.map((r) => r.node).join('、') })
      : t('designer.publish.mapTarget', { name })
    return [{
      id: n.id, type: 'flowNode' as const, position: { x: box.x, y: box.y }, width: box.width, height: box.height,
      ariaRole: 'button', ariaLabel: label, selectable: false, draggable: false, className: here.length > 0 ? 'on-path' : undefined,
      data: { name: here.length > 0 ? `${name} ← ${String(count)}` : name, kindName: kind ? pickLabel(kind.label, i18n.language, n.kind) : n.kind,
        kind: n.kind, problems: [], onPath: here.length > 0, canIn: false, canOut: false },
    }]
  })
  const edges: Edge[] = flow.edges.filter((e) => boxes.has(e.source) && boxes.has(e.target)).map((e, i) => ({
    id: `m${String(i)}`, source: e.source, target: e.target, type: 'smoothstep', focusable: false,
    markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
  }))

  const send = (target: string) => {
    if (!chosen) return
    const next = sendTo(running, map, chosen, target)
    onChange(next.map)
    setChosen(next.next ?? chosen)
  }

  return <div className="node-map">
    <Typography.Text type="secondary">{t('designer.publish.mapHelp')}</Typography.Text>
    <Space wrap size={4} style={{ margin: '6px 0' }} role="group" aria-label={t('designer.publish.mapFrom')}>
      {running.nodes.map((n) => {
        const target = map[n.node]
        const to = target && running.new_nodes.includes(target) ? names.get(target) ?? target : t('designer.publish.mapNowhere')
        return <Button key={n.node} size="small" type={chosen === n.node ? 'primary' : 'default'} danger={missing.includes(n.node)}
          aria-pressed={chosen === n.node} onClick={() => setChosen(n.node)}>
          {t('designer.publish.mapChip', { node: n.node, n: n.running, to })}
        </Button>
      })}
    </Space>
    <div className="node-map-canvas" aria-label={t('designer.publish.mapCanvas')} role="group">
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={NODE_TYPES} fitView fitViewOptions={{ minZoom: 0.55, maxZoom: 1 }}
        minZoom={0.2} maxZoom={1.2}
        nodesConnectable={false} nodesDraggable={false} elementsSelectable={false} nodesFocusable
        onNodeClick={(_, node) => send(node.id)}
        onNodesChange={() => undefined}>
        <Background gap={16} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  </div>
}
