import { Form, Switch } from 'antd'
import { useTranslation } from 'react-i18next'
import { allowKeysFor, isAllowed, switchAllow } from '../../core/design/nodeAllow'
import type { FlowNode } from '../../core/design/flowModel'

interface Props {
  idPrefix: string
  node: FlowNode
  /** The node's next `allow` block (undefined removes it: every action allowed). */
  onChange: (allow: Record<string, boolean> | undefined) => void
}

/** What the assignee of this step may do besides approving — 驳回, 退回, 转交, 前加签 / 后加签, 抄送 … —
 * one switch each; the runtime shows only the buttons switched on. */
export function AllowEditor({ idPrefix, node, onChange }: Props) {
  const { t } = useTranslation()
  return <div className="flow-allow">
    {allowKeysFor(node.kind).map((key) => {
      const id = `${idPrefix}-${key}`
      return <Form.Item key={key} label={t(`designer.flow.allow.${key}`)} htmlFor={id} layout="horizontal"
        tooltip={t(`designer.flow.allow.help.${key}`)} style={{ marginBottom: 4 }}>
        <Switch id={id} size="small" checked={isAllowed(node, key)} onChange={(on) => onChange(switchAllow(node, key, on))} />
      </Form.Item>
    })}
  </div>
}
