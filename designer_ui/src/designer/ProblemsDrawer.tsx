import { Button, Drawer, Empty, List, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Problem } from '../core/design/draftStore'
import { flowAt, flowSelectionOf } from '../core/design/flowModel'
import { selectionOf } from '../core/design/selection'
import { pickLabel } from '../core/labels'
import { getAt, parsePointer } from '../core/design/pointer'
import { useFocusOutside } from './useFocusOutside'

interface Props {
  open: boolean
  onClose: () => void
  problems: readonly Problem[]
  doc: unknown
  onPick: (problem: Problem) => void
}

/** What a JSON path names, in words: "客诉工单 › 投诉主题" for /forms/4/fields/0/label. */
export function describePath(doc: unknown, pointer: string, locale: string): string {
  const inFlow = flowSelectionOf(doc, pointer)
  const flow = inFlow ? flowAt(doc, inFlow.flow) : undefined
  if (inFlow && flow) {
    const name = (id: string) => pickLabel(flow.nodes.find((n) => n.id === id)?.label, locale, id)
    const edge = inFlow.edge !== null ? flow.edges[inFlow.edge] : undefined
    const part = inFlow.node !== null ? name(inFlow.node) : edge ? `${name(edge.source)} → ${name(edge.target)}` : null
    return [pickLabel(flow.label, locale, flow.key), ...(part ? [part] : [])].join(' › ')
  }
  const sel = selectionOf(doc, pointer)
  const names: string[] = []
  const parts = parsePointer(sel.path)
  for (let depth = 2; depth <= parts.length; depth += 2) {
    const node = getAt(doc, parts.slice(0, depth)) as { key?: unknown; id?: unknown; label?: Record<string, string> } | undefined
    const fallback = String(node?.key ?? node?.id ?? parts[depth - 1] ?? '')
    names.push(pickLabel(node?.label, locale, fallback))
  }
  return names.join(' › ') || '/'
}

const PANEL = 'designer-problems-drawer'

/** The server's problems with the draft; each one selects the element its path names. */
export function ProblemsDrawer({ open, onClose, problems, doc, onPick }: Props) {
  const { t, i18n } = useTranslation()
  // a link focuses the element it names: closing the drawer leaves the person there, not on the toolbar
  const focus = useFocusOutside(open, PANEL)
  return <Drawer title={t('designer.problems.title', { n: problems.length })} open={open} onClose={onClose} mask={false}
    width={420} placement="right" rootClassName={PANEL} focusable={{ focusTriggerAfterClose: !focus.returnsFocus }}
    afterOpenChange={(visible) => { if (!visible) focus.restore() }}>
    {problems.length === 0 ? <Empty description={t('designer.problems.none')} />
      : <List size="small" dataSource={[...problems]} renderItem={(p) => <List.Item>
        <div>
          <Button type="link" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
            onClick={() => onPick(p)}>{describePath(doc, p.path, i18n.language)}</Button>
          <div><Typography.Text>{p.message}</Typography.Text></div>
          <Typography.Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 11 }}>{p.path}</Typography.Text>
        </div>
      </List.Item>} />}
  </Drawer>
}
