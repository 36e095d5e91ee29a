import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, DownOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons'
import { Button, Input, Space, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../core/labels'
import { addNode, duplicateValues, MAX_DEPTH, moveNode, patchNode, removeNode, type OptionNode } from '../core/design/optionTree'
import './optionTree.css'

interface Props {
  tree: OptionNode[]
  onChange: (tree: OptionNode[], coalesce?: string) => void
  /** names this tree in the controls' labels when a page shows several */
  name?: string
}

/** An option tree for cascade selects: each node's value and bilingual label, children up to three levels, moved
 * and removed with buttons a keyboard reaches. Levels below the first open on demand (a tree may be large). */
export function OptionTreeEditor({ tree, onChange, name = '' }: Props) {
  const { t, i18n } = useTranslation()
  const [open, setOpen] = useState<Set<string>>(new Set())
  const repeated = new Set(duplicateValues(tree).map((p) => p.join('.')))
  const toggle = (key: string) => setOpen((was) => {
    const next = new Set(was)
    if (next.has(key)) next.delete(key)
    else next.add(key)
    return next
  })
  const add = (parent: number[] | null) => {
    onChange(addNode(tree, parent, { [i18n.language]: t('designer.tree.newNode') }))
    if (parent) setOpen((was) => new Set(was).add(parent.join('.')))
  }

  const rows = (nodes: readonly OptionNode[], prefix: number[], trail: string): React.ReactNode => nodes.map((node, i) => {
    const path = [...prefix, i]
    const key = path.join('.')
    const title = `${trail}${pickLabel(node.label, i18n.language, node.value)}`
    const children = node.children ?? []
    const expanded = open.has(key)
    return <li key={key}>
      <div className="option-tree-row">
        <Button size="small" type="text" disabled={children.length === 0} aria-expanded={expanded}
          icon={expanded ? <DownOutlined /> : <RightOutlined />}
          aria-label={t(expanded ? 'designer.tree.collapse' : 'designer.tree.expand', { name: title })} onClick={() => toggle(key)} />
        <Input size="small" style={{ width: 110 }} value={node.value} status={repeated.has(key) ? 'error' : undefined}
          aria-label={t('designer.tree.value', { name: title })}
          onChange={(e) => onChange(patchNode(tree, path, { value: e.target.value }), `${name}/${key}/value`)} />
        <Input size="small" style={{ width: 140 }} value={node.label['zh-CN'] ?? ''} aria-label={t('designer.tree.labelZh', { name: title })}
          onChange={(e) => onChange(patchNode(tree, path, { label: { ...node.label, 'zh-CN': e.target.value } }), `${name}/${key}/zh`)} />
        <Input size="small" style={{ width: 140 }} value={node.label.en ?? ''} aria-label={t('designer.tree.labelEn', { name: title })}
          onChange={(e) => onChange(patchNode(tree, path, { label: { ...node.label, en: e.target.value } }), `${name}/${key}/en`)} />
        <Space size={0}>
          <Button size="small" type="text" icon={<PlusOutlined />} disabled={path.length >= MAX_DEPTH}
            aria-label={t('designer.tree.addChild', { name: title })} onClick={() => add(path)} />
          <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={i === 0}
            aria-label={t('designer.tree.up', { name: title })} onClick={() => onChange(moveNode(tree, path, -1))} />
          <Button size="small" type="text" icon={<ArrowDownOutlined />} disabled={i === nodes.length - 1}
            aria-label={t('designer.tree.down', { name: title })} onClick={() => onChange(moveNode(tree, path, 1))} />
          <Button size="small" type="text" danger icon={<DeleteOutlined />}
            aria-label={t('designer.tree.remove', { name: title })} onClick={() => onChange(removeNode(tree, path))} />
        </Space>
        {children.length > 0 && <Typography.Text type="secondary">{t('designer.tree.children', { n: children.length })}</Typography.Text>}
      </div>
      {expanded && children.length > 0 && <ul className="option-tree-level">{rows(children, path, `${title} / `)}</ul>}
    </li>
  })

  return <div className="option-tree">
    <ul className="option-tree-level option-tree-roots" aria-label={t('designer.tree.title', { name })}>{rows(tree, [], '')}</ul>
    {repeated.size > 0 && <Typography.Text type="danger">{t('designer.tree.repeated')}</Typography.Text>}
    <Button size="small" icon={<PlusOutlined />} onClick={() => add(null)}>{t('designer.tree.addRoot')}</Button>
  </div>
}
