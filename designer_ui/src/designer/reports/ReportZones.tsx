import { CloseOutlined } from '@ant-design/icons'
import { useDraggable, useDroppable } from '@dnd-kit/core'
import { Button, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { ZONES, type DimensionDef, type MeasureDef, type ReportDefLike, type SourceField, type Zone } from '../../core/design/reportModel'
import { pickLabel } from '../../core/labels'

export interface ItemRef {
  zone: Zone
  index: number
}

/** What a drop lands on: a zone, before the item at `index` (or at its end). */
export interface ZoneTarget {
  zone: Zone
  index: number
}

interface Props {
  report: ReportDefLike
  fields: ReadonlyMap<string, SourceField>
  selected: ItemRef | null
  flagged: ReadonlySet<string>
  aggregateLabel: (agg: string) => string
  bucketLabel: (bucket: string) => string
  onSelect: (item: ItemRef) => void
  onRemove: (item: ItemRef) => void
}

function ItemChip({ item, text, props }: { item: ItemRef; text: string; props: Props }) {
  const { t } = useTranslation()
  const id = `${item.zone}:${String(item.index)}`
  const { attributes, listeners, setNodeRef: setDragRef, isDragging } = useDraggable({ id: `item:${id}`, data: { item } })
  const { setNodeRef: setDropRef, isOver } = useDroppable({ id: `before:${id}`, data: { target: item satisfies ZoneTarget } })
  const selected = props.selected?.zone === item.zone && props.selected.index === item.index
  const classes = ['report-item', item.zone === 'measures' ? 'measure' : 'dimension', selected && 'selected', isDragging && 'dragging',
    isOver && 'over', props.flagged.has(id) && 'flagged'].filter(Boolean).join(' ')
  return <div ref={(node) => { setDragRef(node); setDropRef(node) }} className={classes} {...attributes} {...listeners}
    aria-pressed={selected} aria-label={t(`designer.reports.item.${item.zone}`, { name: text })} onClick={() => props.onSelect(item)}>
    <span className="report-item-text">{text}</span>
    <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t('designer.reports.remove', { name: text })}
      onPointerDown={(e) => e.stopPropagation()} onClick={(e) => { e.stopPropagation(); props.onRemove(item) }} />
  </div>
}

function ZoneBox({ zone, props }: { zone: Zone; props: Props }) {
  const { t, i18n } = useTranslation()
  const list = (props.report[zone] ?? []) as (DimensionDef | MeasureDef)[]
  const { setNodeRef, isOver } = useDroppable({ id: `zone:${zone}`, data: { target: { zone, index: list.length } satisfies ZoneTarget } })
  const fieldName = (path: string | null | undefined) => {
    if (!path) return ''
    const f = props.fields.get(path)
    return f ? pickLabel(f.label, i18n.language, path) : path
  }
  const textOf = (item: DimensionDef | MeasureDef): string => {
    if (zone !== 'measures') {
      const d = item as DimensionDef
      const name = pickLabel(d.label, i18n.language, fieldName(d.field))
      return d.granularity ? `${name}（${props.bucketLabel(d.granularity)}）` : name
    }
    const m = item as MeasureDef
    const own = pickLabel(m.label, i18n.language, '')
    if (own) return own
    if (m.ratio) return m.ratio.join(' / ')
    return m.field ? `${props.aggregateLabel(m.agg ?? '')}（${fieldName(m.field)}）` : props.aggregateLabel(m.agg ?? m.key)
  }
  return <section className={`report-zone${isOver ? ' over' : ''}`} aria-label={t(`designer.reports.zone.${zone}`)}>
    <Typography.Text strong className="report-zone-title">{t(`designer.reports.zone.${zone}`)}</Typography.Text>
    <div ref={setNodeRef} className="report-zone-body">
      {list.map((item, index) => <ItemChip key={`${String(index)}:${zone === 'measures' ? (item as MeasureDef).key : (item as DimensionDef).field}`}
        item={{ zone, index }} text={textOf(item)} props={props} />)}
      <span className="report-zone-hint">{t('designer.reports.dropHere')}</span>
    </div>
  </section>
}

/** Rows, columns and values: each a drop target; the items in them reorder and move by drag. */
export function ReportZones(props: Props) {
  return <div className="report-zones">{ZONES.map((zone) => <ZoneBox key={zone} zone={zone} props={props} />)}</div>
}
