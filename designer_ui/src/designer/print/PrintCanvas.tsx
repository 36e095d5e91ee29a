import { BarcodeOutlined, FileImageOutlined, FontSizeOutlined, HolderOutlined, QrcodeOutlined, TableOutlined } from '@ant-design/icons'
import { DndContext, KeyboardSensor, PointerSensor, useDraggable, useDroppable, useSensor, useSensors,
  type DragEndEvent } from '@dnd-kit/core'
import { Button, Select, Space, Typography } from 'antd'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import { blockPath, IMAGE_KINDS, margin, moveBlockOps, newBlock, pageSize, rowsOf, type PrintBlock, type PrintForm,
  type PrintTemplate } from '../../core/design/printModel'
import { dropPosition } from '../../core/design/rules'
import { pickLabel } from '../../core/labels'

interface Props {
  store: DraftStore
  template: PrintTemplate
  form: PrintForm | undefined
  selected: number | null
  onSelect: (block: number | null) => void
  problems: readonly Problem[]
}

const SHEET_PX = 540 // the drawn page's width on screen

function Handle({ index, label }: { index: number; label: string }) {
  const { attributes, listeners, setNodeRef } = useDraggable({ id: `block:${String(index)}`, data: { index } })
  return <Button ref={setNodeRef} size="small" type="text" icon={<HolderOutlined />} aria-label={label} className="print-drag"
    {...attributes} {...listeners} />
}

function Drop({ before, className, children }: { before: number; className: string; children?: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: `before:${String(before)}`, data: { before } })
  return <div ref={setNodeRef} className={`${className}${isOver ? ' over' : ''}`}>{children}</div>
}

/** The page as it will print: blocks in rows (two half-width blocks side by side), dragged by their handles to
 * another place; a click chooses a block for the settings beside. */
export function PrintCanvas({ store, template, form, selected, onSelect, problems }: Props) {
  const { t, i18n } = useTranslation()
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor))
  const [width, height] = pageSize(template.page)
  const scale = SHEET_PX / width
  const fields = form?.fields ?? []
  const fieldLabel = (key: unknown) => {
    const field = fields.find((f) => f.key === key)
    return field ? pickLabel(field.label, i18n.language, field.key) : String(key ?? '')
  }
  const add = (block: PrintBlock) => {
    store.edit([{ op: 'insert', path: blockPath(template.index, template.blocks.length), value: block }])
    onSelect(template.blocks.length)
  }
  const onDragEnd = (e: DragEndEvent) => {
    const from = (e.active.data.current as { index?: number } | undefined)?.index
    const before = (e.over?.data.current as { before?: number } | undefined)?.before
    if (from === undefined || before === undefined) return
    const to = dropPosition(from, before)
    store.edit(moveBlockOps(template.index, from, to))
    onSelect(to)
  }
  const name = (block: PrintBlock, n: number) => t('print.design.blockName', { n: n + 1, kind: t(`print.kind.${block.kind}`),
    what: block.kind === 'text' ? '' : block.kind === 'code' && block.source !== 'field' ? t(`print.source.${String(block.source)}`)
      : fieldLabel(block.field) }).trim()
  const preview = (block: PrintBlock): ReactNode => {
    switch (block.kind) {
      case 'field':
        return <div className="print-field"><span className="print-field-label">{fieldLabel(block.field)}</span><span className="print-field-value" /></div>
      case 'table': {
        const columns = fields.find((f) => f.key === block.field)?.columns ?? []
        const shown = Array.isArray(block.columns) ? columns.filter((c) => (block.columns as string[]).includes(c.key)) : columns
        return <div><div className="print-caption"><TableOutlined /> {fieldLabel(block.field)}</div>
          <table className="print-table"><thead><tr>{shown.map((c) => <th key={c.key}>{pickLabel(c.label, i18n.language, c.key)}</th>)}</tr></thead>
            <tbody><tr>{shown.map((c) => <td key={c.key}>&nbsp;</td>)}</tr></tbody></table></div>
      }
      case 'text':
        return <div className="print-text"><FontSizeOutlined /> {String(block.text ?? '').replace(/<[^>]*>/g, ' ').trim() || <Typography.Text type="secondary">{t('print.design.emptyText')}</Typography.Text>}</div>
      case 'image':
        return <div className="print-image"><FileImageOutlined /> {fieldLabel(block.field)}</div>
      case 'code':
        return <div className="print-code">{block.symbology === 'code128' ? <BarcodeOutlined /> : <QrcodeOutlined />}
          <span>{block.source === 'field' ? fieldLabel(block.field) : t(`print.source.${String(block.source)}`)}</span></div>
      default:
        return null
    }
  }
  const flagged = (n: number) => problems.some((p) => p.path.startsWith(`/prints/${String(template.index)}/blocks/${String(n)}/`)
    || p.path === `/prints/${String(template.index)}/blocks/${String(n)}`)

  return <section className="print-canvas" aria-label={t('print.design.canvas')}>
    <Space wrap className="print-palette" role="toolbar" aria-label={t('print.design.palette')}>
      <Select aria-label={t('print.design.addField')} placeholder={t('print.design.addField')} value={null} style={{ width: 150 }}
        showSearch optionFilterProp="label" onChange={(key: string) => add(newBlock('field', key))}
        options={fields.filter((f) => f.kind !== 'subtable').map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />
      {fields.some((f) => f.kind === 'subtable') && <Select aria-label={t('print.design.addTable')} placeholder={t('print.design.addTable')}
        value={null} style={{ width: 150 }} onChange={(key: string) => add(newBlock('table', key))}
        options={fields.filter((f) => f.kind === 'subtable').map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />}
      {fields.some((f) => IMAGE_KINDS.has(f.kind)) && <Select aria-label={t('print.design.addImage')} placeholder={t('print.design.addImage')}
        value={null} style={{ width: 150 }} onChange={(key: string) => add(newBlock('image', key))}
        options={fields.filter((f) => IMAGE_KINDS.has(f.kind)).map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />}
      <Button icon={<FontSizeOutlined />} onClick={() => add(newBlock('text'))}>{t('print.design.addText')}</Button>
      <Button icon={<QrcodeOutlined />} onClick={() => add(newBlock('code'))}>{t('print.design.addCode')}</Button>
    </Space>
    <div className="print-sheet-wrap">
      <DndContext sensors={sensors} onDragEnd={onDragEnd}>
        <div className="print-sheet" role="document" aria-label={t('print.design.sheet')}
          style={{ width: SHEET_PX, minHeight: height * scale, padding: `${String(margin(template.page, 'top') * scale)}px ${String(margin(template.page, 'right') * scale)}px ${String(margin(template.page, 'bottom') * scale)}px ${String(margin(template.page, 'left') * scale)}px` }}
          onClick={(e) => { if (e.target === e.currentTarget) onSelect(null) }}>
          {template.blocks.length === 0 && <Typography.Paragraph type="secondary" className="print-hint">{t('print.design.hint')}</Typography.Paragraph>}
          {rowsOf(template.blocks).map((row) => <div key={row.join('-')} className="print-row">
            {row.map((n) => {
              const block = template.blocks[n]
              if (!block) return null
              const label = name(block, n)
              const half = (block.width ?? (block.kind === 'code' ? 'half' : 'full')) === 'half'
              return <Drop key={n} before={n} className={`print-block${half ? ' half' : ''}${selected === n ? ' selected' : ''}${flagged(n) ? ' flagged' : ''}`}>
                <div role="button" tabIndex={0} aria-label={label} aria-pressed={selected === n} className="print-block-body"
                  onClick={() => onSelect(n)} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') onSelect(n) }}>
                  {preview(block)}
                </div>
                <Handle index={n} label={t('print.design.drag', { name: label })} />
              </Drop>
            })}
          </div>)}
          <Drop before={template.blocks.length} className="print-end" />
        </div>
      </DndContext>
    </div>
  </section>
}
