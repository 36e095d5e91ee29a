import { Form, Input, InputNumber, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import type { FlowNode } from '../../core/design/flowModel'
import type { Catalog } from '../designerApi'

type RejectRule = { to?: string; outcome?: string; choices?: string[] }

interface Props {
  idPrefix: string
  node: FlowNode
  nodes: FlowNode[]
  catalog: Catalog
  /** Set attributes of the node in one undo step (undefined removes one). */
  patch: (changes: Record<string, unknown>) => void
}

const FIXED = ['start', 'previous', 'end', 'choose']

/**
 * How an approval or task step decides — 或签 (any one), 会签 (all, N of M, a ratio), 依次审批 (one after
 * another) — and, for an approval, where a rejection sends the flow: 退回 to the initiator, the previous step, a chosen earlier node or one
 * the approver picks, or 驳回 (end the flow with an outcome).
 */
export function ApprovalEditor({ idPrefix, node, nodes, catalog, patch }: Props) {
  const { t, i18n } = useTranslation()
  const mode = (node.mode as string | undefined) ?? 'any'
  const rule = (node.on_reject ?? {}) as RejectRule
  const to = rule.to ?? 'start'
  const others = nodes.filter((n) => n.id !== node.id && n.kind !== 'end')
  const name = (n: FlowNode) => pickLabel(n.label, i18n.language, n.id)
  const set = (name: string, value: unknown) => patch({ [name]: value })
  const setRule = (next: RejectRule) => {
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined))
    set('on_reject', Object.keys(clean).length ? clean : undefined)
  }
  return <>
    <Form.Item label={t('designer.flow.approval.mode')} htmlFor={`${idPrefix}-mode`}>
      <Select id={`${idPrefix}-mode`} value={mode} style={{ width: '100%' }} showSearch={{ optionFilterProp: 'label' }}
        onChange={(m: string) => patch({ mode: m, n: m === 'n_of_m' ? node.n ?? 2 : undefined,
          percentage: m === 'percentage' ? node.percentage ?? 50 : undefined })}
        options={catalog.flows.approval_modes.map((m) => ({ value: m.key, label: pickLabel(m.label, i18n.language, m.key) }))} />
    </Form.Item>
    {mode === 'n_of_m' && <Form.Item label={t('designer.flow.approval.n')} htmlFor={`${idPrefix}-n`}>
      <InputNumber id={`${idPrefix}-n`} min={1} value={(node.n as number | undefined) ?? null} onChange={(v) => set('n', v ?? undefined)} />
    </Form.Item>}
    {mode === 'percentage' && <Form.Item label={t('designer.flow.approval.percentage')} htmlFor={`${idPrefix}-pct`}>
      <InputNumber id={`${idPrefix}-pct`} min={1} max={100} value={(node.percentage as number | undefined) ?? null}
        onChange={(v) => set('percentage', v ?? undefined)} />
    </Form.Item>}
    {node.kind === 'approval' && <>
    <Form.Item label={t('designer.flow.approval.onReject')} htmlFor={`${idPrefix}-reject`}>
      <Select id={`${idPrefix}-reject`} value={to} style={{ width: '100%' }} showSearch={{ optionFilterProp: 'label' }}
        onChange={(v: string) => setRule({ ...rule, to: v, ...(v === 'choose' ? {} : { choices: undefined }) })}
        options={[
          ...FIXED.map((k) => ({ value: k, label: t(`designer.flow.approval.reject.${k}`) })),
          ...others.filter((n) => n.kind !== 'start').map((n) => ({ value: n.id, label: t('designer.flow.approval.reject.node', { node: name(n) }) })),
        ]} />
    </Form.Item>
    {to === 'end' && <Form.Item label={t('designer.flow.approval.outcome')} htmlFor={`${idPrefix}-outcome`}>
      <Input id={`${idPrefix}-outcome`} value={rule.outcome ?? 'rejected'} onChange={(e) => setRule({ ...rule, outcome: e.target.value || undefined })} />
    </Form.Item>}
    {to === 'choose' && <Form.Item label={t('designer.flow.approval.choices')} htmlFor={`${idPrefix}-choices`}
      help={t('designer.flow.approval.choicesHelp')}>
      <Select id={`${idPrefix}-choices`} mode="multiple" value={rule.choices ?? []} style={{ width: '100%' }}
        onChange={(v: string[]) => setRule({ ...rule, choices: v })}
        options={others.map((n) => ({ value: n.id, label: name(n) }))} />
    </Form.Item>}
    </>}
  </>
}
