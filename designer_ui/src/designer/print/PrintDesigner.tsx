import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Empty, Select, Typography } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { uniqueKey } from '../../core/design/keys'
import { addPrintOps, formFieldsOf, newPrint, printsOf } from '../../core/design/printModel'
import { pickLabel } from '../../core/labels'
import type { AreaProps } from '../designerAreas'
import { PrintCanvas } from './PrintCanvas'
import { PrintProperties } from './PrintProperties'
import './print.css'

/** /design/:app/print[/:template] — the print templates of the draft: the list, the page with its blocks, and the
 * settings of the page or of the block chosen on it (?block=N). */
export function PrintDesigner({ appKey, store, doc, problems }: AreaProps) {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const { template: selectedKey } = useParams()
  const [search, setSearch] = useSearchParams()
  const templates = useMemo(() => printsOf(doc), [doc])
  const forms = useMemo(() => formFieldsOf(doc), [doc])
  const selected = templates.find((p) => p.key === selectedKey)
  const blockParam = search.get('block')
  const block = blockParam !== null && selected && Number(blockParam) < selected.blocks.length ? Number(blockParam) : null
  const choose = (n: number | null) => setSearch(n === null ? {} : { block: String(n) }, { replace: true })
  const open = (key: string) => void navigate(`/design/${appKey}/print/${key}`)
  const flagged = (index: number) => problems.some((p) => p.path === `/prints/${String(index)}` || p.path.startsWith(`/prints/${String(index)}/`))

  const add = (form: string) => {
    const key = uniqueKey('print', new Set(templates.map((p) => p.key)), { numbered: true })
    const formLabel = forms.find((f) => f.key === form)?.label
    const label = { 'zh-CN': t('print.design.newTemplate', { lng: 'zh-CN', form: pickLabel(formLabel, 'zh-CN', form) }),
      en: t('print.design.newTemplate', { lng: 'en', form: pickLabel(formLabel, 'en', form) }) }
    store.edit(addPrintOps(doc, newPrint(key, label, form)))
    open(key)
  }
  const remove = (index: number) => {
    const path = ['prints', String(index)]
    const template = templates[index]
    if (!template) return
    store.remove([{ op: 'remove', path }], { kind: 'print', label: pickLabel(template.label, i18n.language, template.key),
      restore: [{ op: 'insert', path, value: (doc as { prints: unknown[] }).prints[index], clamp: true }] })
    if (template.key === selectedKey) void navigate(`/design/${appKey}/print`)
  }

  return <div className="print-designer">
    <nav className="print-list" aria-label={t('print.design.list')}>
      <Typography.Text strong className="print-list-title">{t('print.design.list')}</Typography.Text>
      <ul>
        {templates.map((p) => <li key={p.index} className={`print-item${p.key === selectedKey ? ' selected' : ''}${flagged(p.index) ? ' flagged' : ''}`}>
          <Link to={`/design/${appKey}/print/${p.key}`} className="print-item-open" aria-current={p.key === selectedKey ? 'page' : undefined}>
            <span className="print-item-name">{pickLabel(p.label, i18n.language, p.key)}</span>
            <Typography.Text type="secondary" className="print-item-form">
              {pickLabel(forms.find((f) => f.key === p.form)?.label, i18n.language, p.form)}</Typography.Text>
          </Link>
          <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => remove(p.index)}
            aria-label={t('print.design.remove', { name: pickLabel(p.label, i18n.language, p.key) })} />
        </li>)}
      </ul>
      <Select aria-label={t('print.design.add')} placeholder={<><PlusOutlined /> {t('print.design.add')}</>} value={null}
        style={{ width: '100%' }} showSearch optionFilterProp="label" onChange={(form: string) => add(form)}
        options={forms.map((f) => ({ value: f.key, label: t('print.design.addFor', { form: pickLabel(f.label, i18n.language, f.key) }) }))} />
    </nav>
    {selected ? <>
      <PrintCanvas key={selected.key} store={store} template={selected} form={forms.find((f) => f.key === selected.form)}
        selected={block} onSelect={choose} problems={problems} />
      <PrintProperties store={store} template={selected} forms={forms} block={block} onSelect={choose} problems={problems} />
    </> : <Empty className="print-empty" description={templates.length ? t('print.design.pick') : t('print.design.none')} />}
  </div>
}
