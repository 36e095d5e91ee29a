import { DndContext, KeyboardSensor, PointerSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core'
import { Card, Empty, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import type { ColumnInfo } from './useListColumns'
import type { RecordItem } from './useRecordsPage'

interface Props {
  group: ColumnInfo
  titleOf: (record: RecordItem) => string
  records: RecordItem[]
  onMove: (record: RecordItem, value: string | null) => void
  onOpen: (record: RecordItem) => void
}

const NONE = '__none__'

/** Cards in one column per option of a single-select field; dropping a card on a column sets the field. */
export function KanbanBoard({ group, titleOf, records, onMove, onOpen }: Props) {
  const { t, i18n } = useTranslation()
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor))
  const lanes = [
    ...(group.options ?? []).map((o) => ({ value: o.value, label: pickLabel(o.label, i18n.language, o.value), color: o.color })),
    { value: NONE, label: t('list.kanban.none'), color: null },
  ]
  const onDragEnd = (event: DragEndEvent) => {
    const record = records.find((r) => String(r.id) === String(event.active.id))
    const lane = event.over?.id
    if (!record || lane === undefined) return
    const value = lane === NONE ? null : String(lane)
    if ((record[group.key] ?? null) !== value) onMove(record, value)
  }
  return (
    <DndContext sensors={sensors} onDragEnd={onDragEnd}>
      <div className="list-kanban">
        {lanes.map((lane) => (
          <Lane key={lane.value} id={lane.value} label={lane.label} color={lane.color ?? undefined}>
            {records
              .filter((r) => (r[group.key] ?? NONE) === lane.value)
              .map((r) => (
                <KanbanCard key={r.id} record={r} title={titleOf(r)} onOpen={onOpen} />
              ))}
          </Lane>
        ))}
      </div>
    </DndContext>
  )
}

function Lane({ id, label, color, children }: { id: string; label: string; color?: string; children: React.ReactNode[] }) {
  const { setNodeRef, isOver } = useDroppable({ id })
  return (
    <section ref={setNodeRef} aria-label={label} className={`list-kanban-lane${isOver ? ' is-over' : ''}`}>
      <Typography.Title level={5}>
        <Tag color={color}>{label}</Tag> <Typography.Text type="secondary">{children.length}</Typography.Text>
      </Typography.Title>
      {children.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={null} /> : children}
    </section>
  )
}

function KanbanCard({ record, title, onOpen }: { record: RecordItem; title: string; onOpen: (r: RecordItem) => void }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: String(record.id) })
  const style = transform ? { transform: `translate(${transform.x}px, ${transform.y}px)`, zIndex: 10 } : undefined
  return (
    <div ref={setNodeRef} style={style} {...listeners} {...attributes} aria-label={title} className="list-kanban-card">
      <Card size="small" hoverable style={{ opacity: isDragging ? 0.7 : 1 }} onDoubleClick={() => onOpen(record)}>
        <Typography.Link onClick={() => onOpen(record)}>{title}</Typography.Link>
      </Card>
    </div>
  )
}
