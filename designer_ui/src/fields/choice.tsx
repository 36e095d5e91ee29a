import { Cascader, Select, Tag } from 'antd'
import { pickLabel } from '../core/labels'
import type { OptionNode } from '../core/form/types'
import type { DisplayProps, EditProps } from './types'

/** An option's label with a dot in its colour: readable whatever the colour (a pale one included). */
export function OptionTag({ label, color }: { label: string; color?: string | null }) {
  return <Tag variant="outlined" style={{ marginInlineEnd: 4 }}>
    {color && <span aria-hidden style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 4,
      background: color, marginInlineEnd: 6 }} />}
    {label}
  </Tag>
}

function options(p: EditProps) {
  return (p.field.options ?? []).map((o) => ({
    value: o.value, text: pickLabel(o.label, p.ctx.locale, o.value),
    label: <OptionTag label={pickLabel(o.label, p.ctx.locale, o.value)} color={o.color} />,
  }))
}

export function SelectEdit(p: EditProps) {
  const multiple = p.field.kind === 'multi_select'
  return <Select id={p.id} style={{ width: '100%' }} allowClear showSearch={{ optionFilterProp: 'text' }}
    mode={multiple ? 'multiple' : undefined} disabled={p.disabled} status={p.invalid ? 'error' : undefined}
    options={options(p)} value={multiple ? (p.value as string[]) : (p.value === '' ? undefined : (p.value as string))}
    onChange={(v: unknown) => p.onChange(v ?? (multiple ? [] : ''))} />
}

export function TagsEdit(p: EditProps) {
  return <Select id={p.id} style={{ width: '100%' }} mode="tags" disabled={p.disabled} value={p.value as string[]}
    onChange={(v: string[]) => p.onChange(v)} open={false} />
}

interface CascadeOption { value: string; label: string; children?: CascadeOption[] }

export function treeOptions(nodes: readonly OptionNode[], locale: string): CascadeOption[] {
  return nodes.map((n) => ({
    value: n.value, label: pickLabel(n.label, locale, n.value),
    ...(n.children && n.children.length > 0 ? { children: treeOptions(n.children, locale) } : {}),
  }))
}

/** The field's option tree: the server sends it inline, an app-level tree already substituted. */
export function treeOf(p: { field: EditProps['field'] }): OptionNode[] {
  const tree = p.field.config?.tree
  return Array.isArray(tree) ? (tree as OptionNode[]) : []
}

/** A path's labels in the tree: ["product", "screen"] → "产品 / 屏幕". */
export function pathLabel(nodes: readonly OptionNode[], path: readonly string[], locale: string): string {
  const labels: string[] = []
  let level: readonly OptionNode[] = nodes
  for (const value of path) {
    const node = level.find((n) => n.value === value)
    labels.push(node ? pickLabel(node.label, locale, value) : value)
    level = node?.children ?? []
  }
  return labels.join(' / ')
}

export function CascadeEdit(p: EditProps) {
  const leafOnly = p.field.config?.leaf_only === true
  return <Cascader id={p.id} style={{ width: '100%' }} disabled={p.disabled} status={p.invalid ? 'error' : undefined}
    options={treeOptions(treeOf(p), p.ctx.locale)} changeOnSelect={!leafOnly} showSearch
    value={(p.value as string[]).length > 0 ? (p.value as string[]) : undefined}
    onChange={(v) => p.onChange((v as string[] | undefined) ?? [])} />
}

export function ChoiceDisplay(p: DisplayProps) {
  const values = Array.isArray(p.value) ? (p.value as string[]) : p.value ? [String(p.value)] : []
  if (p.field.kind === 'cascade_select') return <span>{pathLabel(treeOf(p), values, p.ctx.locale)}</span>
  return <span>{values.map((v) => {
    const o = (p.field.options ?? []).find((x) => x.value === v)
    return <OptionTag key={v} label={o ? pickLabel(o.label, p.ctx.locale, v) : v} color={o?.color} />
  })}</span>
}
