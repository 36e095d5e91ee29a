import { ExclamationCircleFilled } from '@ant-design/icons'
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react'
import { Tooltip } from 'antd'
import { memo } from 'react'
import { useTranslation } from 'react-i18next'

export interface FlowNodeData extends Record<string, unknown> {
  name: string
  kindName: string
  kind: string
  problems: string[]
  onPath: boolean
  canIn: boolean
  canOut: boolean
}

export type FlowCanvasNode = Node<FlowNodeData, 'flowNode'>

/** One node on the canvas: its kind and name, its problems pinned on it, and handles to connect it. */
function Card({ data, selected }: NodeProps<FlowCanvasNode>) {
  const { t } = useTranslation()
  const classes = ['flow-node', `flow-node-${data.kind}`, selected && 'selected', data.problems.length > 0 && 'flagged',
    data.onPath && 'on-path'].filter(Boolean).join(' ')
  return <div className={classes}>
    {data.canIn && <Handle type="target" position={Position.Top} aria-label={t('designer.flow.canvas.handleIn', { node: data.name })} />}
    <div className="flow-node-kind">{data.kindName}</div>
    <div className="flow-node-name">{data.name}</div>
    {data.problems.length > 0 && <Tooltip title={data.problems.join('\n')}>
      <span className="flow-node-problem" role="img" aria-label={t('designer.flow.canvas.problems', { n: data.problems.length })}>
        <ExclamationCircleFilled /> {data.problems.length}</span>
    </Tooltip>}
    {data.canOut && <Handle type="source" position={Position.Bottom} aria-label={t('designer.flow.canvas.handleOut', { node: data.name })} />}
  </div>
}

export const FlowNodeCard = memo(Card)
