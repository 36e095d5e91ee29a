import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons'
import { Alert, Button, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import type { Op } from '../../core/design/ops'
import { blockPath, IMAGE_KINDS, margin, MARGINS, moveBlockOps, type PrintBlock, type PrintForm,
  type PrintTemplate } from '../../core/design/printModel'
import { pickLabel } from '../../core/labels'

interface Props {
  store: DraftStore
  template: PrintTemplate
  forms: PrintForm[]
  block: number | null
  onSelect: (block: number | null) => void
  problems: readonly Problem[]
}

/** The settings beside the page: the template's (name, form, paper, margins) or the chosen block's. */
export function PrintProperties({ store, template, forms, block, onSelect, problems }: Props) {
  const { t, i18n } = useTranslation()
  const base = ['prints', String(template.index)]
  const set = (path: string[], value: unknown, coalesce?: string) =>
    store.edit([{ op: 'set', path: [...base, ...path], value }], { coalesce: coalesce ?? null })
  const at = block === null ? `/prints/${String(template.index)}` : `/prints/${String(template.index)}/blocks/${String(block)}`
  const mine = problems.filter((p) => p.path === at || p.path.startsWith(`${at}/`))
    .filter((p) => block !== null || !p.path.startsWith(`${at}/blocks/`))
  const shown = <>{mine.map((p) => <Alert key={`${p.path}:${p.message}`} type="error" showIcon message={p.message} style={{ marginBottom: 8 }} />)}</>

  if (block === null) {
    const label = template.label ?? {}
    return <aside className="print-props" aria-label={t('print.design.settings')}>
      <Typography.Title level={5}>{t('print.design.templateSettings')}</Typography.Title>
      {shown}
      <Form layout="vertical" size="small">
        <Form.Item htmlFor="print-nameZh" label={t('print.design.nameZh')}>
          <Input id="print-nameZh" value={label['zh-CN'] ?? ''} onChange={(e) => set(['label'], { ...label, 'zh-CN': e.target.value }, `${at}/label`)} />
        </Form.Item>
        <Form.Item htmlFor="print-nameEn" label={t('print.design.nameEn')}>
          <Input id="print-nameEn" value={label.en ?? ''} onChange={(e) => set(['label'], { ...label, en: e.target.value }, `${at}/label`)} />
        </Form.Item>
        <Form.Item htmlFor="print-form" label={t('print.design.form')}>
          <Select id="print-form" value={template.form} onChange={(form: string) => set(['form'], form)}
            options={forms.map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />
        </Form.Item>
        <Form.Item htmlFor="print-size" label={t('print.design.size')}>
          <Select id="print-size" showSearch optionFilterProp="label" value={template.page.size ?? 'A4'} onChange={(size: string) => set(['page'], { ...template.page, size })}
            options={['A4', 'A5', 'letter'].map((s) => ({ value: s, label: t(`print.size.${s}`) }))} />
        </Form.Item>
        <Form.Item label={t('print.design.orientation')}>
          <Radio.Group value={template.page.orientation ?? 'portrait'} optionType="button"
            onChange={(e) => set(['page'], { ...template.page, orientation: e.target.value as string })}
            options={[{ value: 'portrait', label: t('print.design.portrait') }, { value: 'landscape', label: t('print.design.landscape') }]} />
        </Form.Item>
        <Space wrap size={8}>
          {MARGINS.map((side) => <Form.Item key={side} htmlFor={`print-margin-${side}`} label={t(`print.design.margin.${side}`)} style={{ marginBottom: 8 }}>
            <InputNumber id={`print-margin-${side}`} min={0} max={60} addonAfter="mm" style={{ width: 110 }} value={margin(template.page, side)}
              onChange={(v) => set(['page'], { ...template.page, margins: { ...template.page.margins, [side]: v ?? 0 } }, `${at}/margins/${side}`)} />
          </Form.Item>)}
        </Space>
      </Form>
    </aside>
  }

  const current = template.blocks[block] as PrintBlock
  const path = blockPath(template.index, block).slice(2)
  const setBlock = (key: string, value: unknown, coalesce?: string) => set([...path, key], value, coalesce)
  const dropKey = (key: string) => store.edit([{ op: 'remove', path: [...base, ...path, key] }] as Op[])
  const fields = forms.find((f) => f.key === template.form)?.fields ?? []
  const options = (keep: (kind: string) => boolean) => fields.filter((f) => keep(f.kind))
    .map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))
  const remove = () => {
    const full = blockPath(template.index, block)
    store.remove([{ op: 'remove', path: full }], { kind: 'print block', label: t(`print.kind.${current.kind}`),
      restore: [{ op: 'insert', path: full, value: current, clamp: true }] })
    onSelect(null)
  }
  const move = (to: number) => {
    store.edit(moveBlockOps(template.index, block, to))
    onSelect(to)
  }
  const columns = fields.find((f) => f.key === current.field)?.columns ?? []
  const caption = (current.caption ?? {}) as Record<string, string>

  return <aside className="print-props" aria-label={t('print.design.settings')}>
    <Space style={{ width: '100%', justifyContent: 'space-between' }}>
      <Typography.Title level={5} style={{ margin: 0 }}>{t('print.design.blockSettings', { kind: t(`print.kind.${current.kind}`) })}</Typography.Title>
      <Space size={0}>
        <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={block === 0} aria-label={t('print.design.up')} onClick={() => move(block - 1)} />
        <Button size="small" type="text" icon={<ArrowDownOutlined />} disabled={block === template.blocks.length - 1}
          aria-label={t('print.design.down')} onClick={() => move(block + 1)} />
        <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('print.design.removeBlock')} onClick={remove} />
      </Space>
    </Space>
    <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onSelect(null)}>{t('print.design.backToPage')}</Button>
    {shown}
    <Form layout="vertical" size="small">
      {current.kind === 'field' && <Form.Item htmlFor="print-field" label={t('print.design.field')}>
        <Select id="print-field" value={current.field as string} onChange={(v: string) => setBlock('field', v)} showSearch optionFilterProp="label"
          options={options((k) => k !== 'subtable')} />
      </Form.Item>}
      {current.kind === 'table' && <>
        <Form.Item htmlFor="print-subtable" label={t('print.design.subtable')}>
          <Select id="print-subtable" value={current.field as string} onChange={(v: string) => setBlock('field', v)} options={options((k) => k === 'subtable')} />
        </Form.Item>
        <Form.Item htmlFor="print-columns" label={t('print.design.columns')} help={t('print.design.columnsHelp')}>
          <Select id="print-columns" mode="multiple" value={(current.columns as string[] | undefined) ?? []}
            onChange={(v: string[]) => (v.length ? setBlock('columns', v) : dropKey('columns'))}
            options={columns.map((c) => ({ value: c.key, label: pickLabel(c.label, i18n.language, c.key) }))} />
        </Form.Item>
      </>}
      {current.kind === 'image' && <Form.Item htmlFor="print-imageField" label={t('print.design.imageField')}>
        <Select id="print-imageField" value={current.field as string} onChange={(v: string) => setBlock('field', v)} options={options((k) => IMAGE_KINDS.has(k))} />
      </Form.Item>}
      {current.kind === 'text' && <Form.Item htmlFor="print-text" label={t('print.design.text')} help={t('print.design.textHelp', { open: '{{', close: '}}', interpolation: { escapeValue: false } })}>
        <Input.TextArea id="print-text" rows={6} value={String(current.text ?? '')} onChange={(e) => setBlock('text', e.target.value, `${at}/text`)} />
        <Space wrap size={4} style={{ marginTop: 4 }}>
          {fields.filter((f) => f.kind !== 'subtable').slice(0, 30).map((f) => <Button key={f.key} size="small"
            onClick={() => setBlock('text', `${String(current.text ?? '')}{{ record.${f.key} }}`)}>
            {t('print.design.insert', { field: pickLabel(f.label, i18n.language, f.key) })}</Button>)}
        </Space>
      </Form.Item>}
      {current.kind === 'code' && <>
        <Form.Item label={t('print.design.symbology')}>
          <Radio.Group value={current.symbology ?? 'qr'} optionType="button" onChange={(e) => setBlock('symbology', e.target.value)}
            options={[{ value: 'qr', label: t('print.design.qr') }, { value: 'code128', label: t('print.design.barcode') }]} />
        </Form.Item>
        <Form.Item htmlFor="print-source" label={t('print.design.source')}>
          <Select id="print-source" value={String(current.source ?? 'record_link')} onChange={(v: string) => store.edit([
            { op: 'set', path: [...base, ...path, 'source'], value: v },
            ...(v === 'field' ? [{ op: 'set' as const, path: [...base, ...path, 'field'], value: fields[0]?.key ?? '' }]
              : current.field !== undefined ? [{ op: 'remove' as const, path: [...base, ...path, 'field'] }] : []),
          ])} options={['record_link', 'status_link', 'field'].map((s) => ({ value: s, label: t(`print.source.${s}`) }))} />
        </Form.Item>
        {current.source === 'field' && <Form.Item htmlFor="print-codeField" label={t('print.design.field')}>
          <Select id="print-codeField" value={current.field as string} onChange={(v: string) => setBlock('field', v)} showSearch optionFilterProp="label"
            options={options((k) => k !== 'subtable')} />
        </Form.Item>}
        <Form.Item htmlFor="print-codeSize" label={t('print.design.codeSize')}>
          <InputNumber id="print-codeSize" min={10} max={120} addonAfter="mm" value={Number(current.size_mm ?? 30)}
            onChange={(v) => setBlock('size_mm', v ?? 30, `${at}/size_mm`)} />
        </Form.Item>
        <Form.Item htmlFor="print-caption" label={t('print.design.caption')}>
          <Input id="print-caption" value={caption['zh-CN'] ?? ''} onChange={(e) => (e.target.value || caption.en
            ? setBlock('caption', { ...caption, 'zh-CN': e.target.value }, `${at}/caption`) : dropKey('caption'))} />
        </Form.Item>
      </>}
      {current.kind !== 'table' && <Form.Item label={t('print.design.width')}>
        <Radio.Group value={current.width ?? (current.kind === 'code' ? 'half' : 'full')} optionType="button"
          onChange={(e) => setBlock('width', e.target.value)}
          options={[{ value: 'full', label: t('print.design.full') }, { value: 'half', label: t('print.design.half') }]} />
      </Form.Item>}
    </Form>
  </aside>
}
