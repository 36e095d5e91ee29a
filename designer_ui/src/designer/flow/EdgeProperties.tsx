import { DeleteOutlined } from '@ant-design/icons'
import { Alert, Button, Form, Input, Select, Switch, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { astToJson, setDefaultEdgeOps, setEdgeEndOps, type FlowLike } from '../../core/design/flowModel'
import { parseFormula } from '../../core/expr'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { ExpressionInput } from '../ExpressionInput'

interface Props {
  store: DraftStore
  doc: unknown
  fi: number
  flow: FlowLike
  index: number
  catalog: Catalog
  problems: string[]
  onDelete: () => void
  /** Put a new node of this kind between the edge's ends. */
  onInsert: (kind: string) => void
}

/**
 * An edge: its ends, and on edges leaving an exclusive or inclusive gateway a guard (formula text, stored as
 * the expression AST once it parses) or the default branch.
 */
export function EdgeProperties({ store, doc, fi, flow, index, catalog, problems, onDelete, onInsert }: Props) {
  const { t, i18n } = useTranslation()
  const edge = flow.edges[index]
  if (!edge) return <Typography.Text type="secondary">{t('designer.flow.edge.gone')}</Typography.Text>
  const base = ['flows', String(fi), 'edges', String(index)]
  const source = flow.nodes.find((n) => n.id === edge.source)
  const kind = catalog.flows.node_kinds.find((k) => k.key === source?.kind)
  const guarded = kind?.gateway === 'split' && kind.family !== 'parallel'
  const options = flow.nodes.map((n) => ({ value: n.id, label: pickLabel(n.label, i18n.language, n.id) }))
  const label = (edge.label ?? {}) as Record<string, string>
  const id = (name: string) => `edge-${String(index)}-${name}`
  const setGuard = (text: string | null) => {
    if (text === null) {
      if ('condition' in edge) store.edit([{ op: 'remove', path: [...base, 'condition'] }], { coalesce: `${base.join('/')}/condition` })
      return
    }
    let ast: unknown
    try {
      ast = astToJson(parseFormula(text))
    } catch {
      return // the input shows the parser's error; the draft keeps the last guard that parsed
    }
    store.edit([{ op: 'set', path: [...base, 'condition'], value: ast }], { coalesce: `${base.join('/')}/condition` })
  }
  const setLabel = (lang: string, text: string) => {
    const next = { ...label, [lang]: text }
    if (!text) delete next[lang]
    store.edit(Object.keys(next).length ? [{ op: 'set', path: [...base, 'label'], value: next }]
      : 'label' in edge ? [{ op: 'remove', path: [...base, 'label'] }] : [], { coalesce: `${base.join('/')}/label/${lang}` })
  }
  return <Form layout="vertical" size="small" component="div">
    {problems.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 8 }}
      message={<ul className="flow-problem-list">{problems.map((p) => <li key={p}>{p}</li>)}</ul>} />}
    <Form.Item label={t('designer.flow.edge.source')} htmlFor={id('source')}>
      <Select id={id('source')} value={edge.source} options={options} showSearch={{ optionFilterProp: 'label' }}
        onChange={(v: string) => store.edit(setEdgeEndOps(doc, fi, index, 'source', v))} />
    </Form.Item>
    <Form.Item label={t('designer.flow.edge.target')} htmlFor={id('target')}>
      <Select id={id('target')} value={edge.target} options={options} showSearch={{ optionFilterProp: 'label' }}
        onChange={(v: string) => store.edit(setEdgeEndOps(doc, fi, index, 'target', v))} />
    </Form.Item>
    <Form.Item label={t('designer.flow.edge.guard')} htmlFor={id('guard')}
      help={guarded ? t('designer.flow.edge.guardHelp') : t('designer.flow.edge.noGuard')}>
      <ExpressionInput key={`${String(index)}-${edge.source}`} id={id('guard')} condition value={edge.condition} onChange={setGuard} />
    </Form.Item>
    <Form.Item label={t('designer.flow.edge.default')} htmlFor={id('default')} help={t('designer.flow.edge.defaultHelp')}>
      <Switch id={id('default')} checked={edge.default === true} onChange={(on) => store.edit(setDefaultEdgeOps(doc, fi, index, on))} />
    </Form.Item>
    <Form.Item label={t('designer.flow.edge.labelZh')} htmlFor={id('label-zh')}>
      <Input id={id('label-zh')} value={label['zh-CN'] ?? ''} onChange={(e) => setLabel('zh-CN', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.flow.edge.labelEn')} htmlFor={id('label-en')}>
      <Input id={id('label-en')} value={label.en ?? ''} onChange={(e) => setLabel('en', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.flow.edge.insert')} htmlFor={id('insert')} help={t('designer.flow.edge.insertHelp')}>
      <Select id={id('insert')} value={null} placeholder={t('designer.flow.edge.insertPick')} showSearch={{ optionFilterProp: 'label' }}
        onChange={(kind: string) => onInsert(kind)}
        options={catalog.flows.node_kinds.filter((k) => k.incoming[1] !== 0 && k.outgoing[1] !== 0)
          .map((k) => ({ value: k.key, label: pickLabel(k.label, i18n.language, k.key) }))} />
    </Form.Item>
    <Button danger icon={<DeleteOutlined />} onClick={onDelete}>{t('designer.flow.edge.delete')}</Button>
  </Form>
}
