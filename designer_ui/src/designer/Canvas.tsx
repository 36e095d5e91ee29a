import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { useDraggable, useDroppable } from '@dnd-kit/core'
import { Button, Empty, Tabs, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { fieldsOf, REST, rowFieldName, type CanvasSection, type CanvasTab, type FieldLike } from '../core/design/formModel'
import { pickLabel } from '../core/labels'
import type { FieldKindEntry } from './designerApi'

interface Props {
  tabs: CanvasTab[]
  fields: Map<string, FieldLike>
  kinds: Map<string, FieldKindEntry>
  selectedField: string | null
  selectedSection: number | null
  /** Fields with a problem, marked on the canvas. */
  flagged: ReadonlySet<string>
  onSelectField: (key: string) => void
  onSelectSection: (index: number) => void
  onDelete: (key: string) => void
  onAddSection: (tab: string) => void
}

// A sub-table's row fields on its card, and a drop zone for more (a palette kind dropped there becomes a row field).
function RowFields({ parent, props }: { parent: FieldLike; props: Props }) {
  const { t, i18n } = useTranslation()
  const { setNodeRef, isOver } = useDroppable({ id: `rows:${parent.key}`, data: { rows: parent.key } })
  const parentName = pickLabel(parent.label, i18n.language, parent.key)
  return <div className="designer-rows" role="group" aria-label={t('designer.canvas.rows', { label: parentName })}
    onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
    {fieldsOf(parent).map((row) => {
      const name = rowFieldName(parent.key, row.key)
      const label = pickLabel(row.label, i18n.language, row.key)
      const kind = props.kinds.get(row.kind)
      const selected = props.selectedField === name
      return <div key={row.key} role="button" tabIndex={0} aria-pressed={selected}
        className={['designer-row-field', selected && 'selected', props.flagged.has(name) && 'flagged'].filter(Boolean).join(' ')}
        aria-label={t('designer.canvas.field', { label, kind: kind ? pickLabel(kind.label, i18n.language) : row.kind })}
        onClick={(e) => { e.stopPropagation(); props.onSelectField(name) }}
        onKeyDown={(e) => { if (e.key === 'Enter') { e.stopPropagation(); props.onSelectField(name) } }}>
        <span className="designer-field-label">{row.required === true && <span className="designer-required">*</span>}{label}</span>
        <span className="designer-field-kind">{kind ? pickLabel(kind.label, i18n.language) : row.kind}</span>
        <button type="button" className="designer-field-delete" aria-label={t('designer.canvas.delete', { label })}
          onClick={(e) => { e.stopPropagation(); props.onDelete(name) }}><DeleteOutlined /></button>
      </div>
    })}
    <div ref={setNodeRef} className={`designer-rows-drop${isOver ? ' over' : ''}`}>{t('designer.canvas.dropRows')}</div>
  </div>
}

// A card per field, of plain elements: a form of 150 fields draws 150 of them on opening.
function FieldCard({ field, section, index, props }: { field: FieldLike; section: string; index: number; props: Props }) {
  const { t, i18n } = useTranslation()
  const { attributes, listeners, setNodeRef: setDragRef, isDragging } = useDraggable({ id: `field:${field.key}`,
    data: { field: field.key } })
  const { setNodeRef: setDropRef, isOver } = useDroppable({ id: `before:${field.key}`, data: { target: { section, index } } })
  const name = pickLabel(field.label, i18n.language, field.key)
  const kind = props.kinds.get(field.kind)
  const selected = props.selectedField === field.key
  const classes = ['designer-field', selected && 'selected', isDragging && 'dragging', isOver && 'over',
    props.flagged.has(field.key) && 'flagged',
    field.kind === 'subtable' && 'wide'].filter(Boolean).join(' ')
  return <div ref={(node) => { setDragRef(node); setDropRef(node) }} className={classes}
    {...attributes} {...listeners} aria-pressed={selected}
    aria-label={t('designer.canvas.field', { label: name, kind: kind ? pickLabel(kind.label, i18n.language) : field.kind })}
    onClick={() => props.onSelectField(field.key)}>
    <div className="designer-field-head">
      <span className="designer-field-label">{field.required === true && <span className="designer-required">*</span>}{name}</span>
      <button type="button" className="designer-field-delete" aria-label={t('designer.canvas.delete', { label: name })}
        onPointerDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}
        onClick={(e) => { e.stopPropagation(); props.onDelete(field.key) }}><DeleteOutlined /></button>
    </div>
    <div className="designer-field-meta">
      <span className="designer-field-kind">{kind ? pickLabel(kind.label, i18n.language) : field.kind}</span>
      <span className="designer-field-key">{field.key}</span>
    </div>
    {field.kind === 'subtable' && <RowFields parent={field} props={props} />}
  </div>
}

function SectionBox({ section, props }: { section: CanvasSection; props: Props }) {
  const { t, i18n } = useTranslation()
  const { setNodeRef, isOver } = useDroppable({ id: `section:${section.key}`,
    data: { target: { section: section.key, index: section.fields.length } } })
  const title = section.key === REST
    ? t('designer.canvas.unplaced')
    : pickLabel(section.label, i18n.language, section.key)
  const selected = section.index !== null && props.selectedSection === section.index
  return <section className={`designer-section${selected ? ' selected' : ''}${isOver ? ' over' : ''}`} aria-label={title}>
    <div className="designer-section-head">
      {section.index === null ? <Typography.Text strong>{title}</Typography.Text>
        : <Button type="link" size="small" className="designer-section-title" aria-pressed={selected}
          onClick={() => section.index !== null && props.onSelectSection(section.index)}>{title}</Button>}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.canvas.columns', { n: section.columns })}</Typography.Text>
    </div>
    <div ref={setNodeRef} className="designer-section-body"
      style={{ gridTemplateColumns: `repeat(${String(Math.max(1, section.columns))}, minmax(0, 1fr))` }}>
      {section.fields.map((key, i) => {
        const field = props.fields.get(key)
        return field ? <FieldCard key={key} field={field} section={section.key} index={i} props={props} /> : null
      })}
      <div className="designer-drop-hint">{t('designer.canvas.dropHere')}</div>
    </div>
  </section>
}

function TabBody({ tab, props }: { tab: CanvasTab; props: Props }) {
  const { t } = useTranslation()
  return <div>
    {tab.sections.map((s) => <SectionBox key={s.key} section={s} props={props} />)}
    <Button icon={<PlusOutlined />} type="dashed" block onClick={() => props.onAddSection(tab.key)}>
      {t('designer.canvas.addSection')}
    </Button>
  </div>
}

/** The form's tabs, sections in their columns and fields; every field and section end is a drop target. */
export function Canvas(props: Props) {
  const { t, i18n } = useTranslation()
  if (props.tabs.length === 0) return <Empty description={t('designer.canvas.empty')} />
  const first = props.tabs[0]
  if (props.tabs.length === 1 && first && first.key === '') return <TabBody tab={first} props={props} />
  return <Tabs items={props.tabs.map((tab) => ({
    key: tab.key || '_none', label: pickLabel(tab.label, i18n.language, tab.key || t('designer.canvas.noTab')),
    children: <TabBody tab={tab} props={props} />, forceRender: true,
  }))} />
}
