import { Form, Select, Switch } from 'antd'
import { useTranslation } from 'react-i18next'
import type { OptionNode } from '../core/design/optionTree'
import { getAt } from '../core/design/pointer'
import { OptionTreeEditor } from './OptionTreeEditor'

interface CascadeConfig {
  tree?: OptionNode[]
  tree_key?: string
  leaf_only?: boolean
  [other: string]: unknown
}

interface Props {
  doc: unknown
  field: { key: string, config?: unknown }
  fieldPath: string[]
  onConfig: (config: CascadeConfig, coalesce?: string) => void
}

const INLINE = ''

/** A cascade select's options: one of the app's option trees (edited in app settings) or a tree of its own,
 * edited here; and whether only a last-level choice completes the answer. */
export function CascadeSource({ doc, field, fieldPath, onConfig }: Props) {
  const { t, i18n } = useTranslation()
  const config = (typeof field.config === 'object' && field.config !== null ? field.config : {}) as CascadeConfig
  const appTrees = Object.keys((getAt(doc, ['trees']) ?? {}) as Record<string, unknown>)
  const source = config.tree_key ?? INLINE
  const id = `prop-${field.key}-tree-source`
  const choose = (next: string) => {
    const rest = Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'tree' && k !== 'tree_key'))
    onConfig(next === INLINE ? { ...rest, tree: config.tree ?? [{ value: 'option_1', label: { [i18n.language]: t('designer.tree.newNode') } }] } : { ...rest, tree_key: next })
  }
  return <>
    <Form.Item label={t('designer.tree.source')} htmlFor={id}>
      <Select id={id} value={source} onChange={choose} showSearch optionFilterProp="label" options={[
        ...appTrees.map((key) => ({ value: key, label: t('designer.tree.appTree', { key }) })),
        { value: INLINE, label: t('designer.tree.inline') },
      ]} />
    </Form.Item>
    {source === INLINE && <OptionTreeEditor name={field.key} tree={config.tree ?? []}
      onChange={(tree, coalesce) => onConfig({ ...config, tree }, coalesce ? `${fieldPath.join('/')}/${coalesce}` : undefined)} />}
    <Form.Item label={t('designer.tree.leafOnly')} htmlFor={`prop-${field.key}-leaf-only`}>
      <Switch id={`prop-${field.key}-leaf-only`} checked={config.leaf_only !== false}
        onChange={(v) => onConfig({ ...config, leaf_only: v })} />
    </Form.Item>
  </>
}
