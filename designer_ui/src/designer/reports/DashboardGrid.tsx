import { useDraggable, useDndMonitor } from '@dnd-kit/core'
import { Tag, Typography } from 'antd'
import { useRef, useState, type CSSProperties } from 'react'
import { useTranslation } from 'react-i18next'
import { cellsOf, placeWidget, type Box } from '../../core/design/dashboardModel'

/** Pixels of one grid row (the runtime draws a widget h rows of 64 px; the designer shows it at half scale). */
export const GRID_ROW = 32
const GAP = 8

export interface WidgetCard {
  key: string
  title: string
  subtitle: string
  chart: string
}

interface Props {
  columns: number
  boxes: Box[]
  cards: Map<string, WidgetCard>
  selected: string | null
  flagged: ReadonlySet<string>
  onSelect: (key: string) => void
  /** The whole new layout, once a drag is dropped (never during it). */
  onLayout: (next: Box[]) => void
}

const area = (b: Box): CSSProperties => ({ gridColumn: `${String(b.x + 1)} / span ${String(b.w)}`, gridRow: `${String(b.y + 1)} / span ${String(b.h)}` })

function GridWidget({ box, card, props }: { box: Box; card: WidgetCard; props: Props }) {
  const { t } = useTranslation()
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: `widget:${box.key}`, data: { move: box.key } })
  const handle = useDraggable({ id: `resize:${box.key}`, data: { resize: box.key } })
  const { setNodeRef: setHandleRef, attributes: handleAttributes, listeners: handleListeners } = handle
  const selected = props.selected === box.key
  const nudge = (dx: number, dy: number, grow: boolean) => props.onLayout(placeWidget(props.boxes, box.key,
    grow ? { w: box.w + dx, h: box.h + dy } : { x: box.x + dx, y: box.y + dy }, props.columns))
  const classes = ['dashboard-cell', selected && 'selected', isDragging && 'dragging', props.flagged.has(box.key) && 'flagged']
    .filter(Boolean).join(' ')
  return <div ref={setNodeRef} className={classes} style={{ ...area(box), ...(transform
      ? { transform: `translate(${String(transform.x)}px, ${String(transform.y)}px)`, zIndex: 2 } : {}) }} {...attributes} {...listeners}
    role="button" aria-pressed={selected}
    aria-label={t('designer.reports.widget', { title: card.title, x: box.x, y: box.y, w: box.w, h: box.h })}
    onClick={() => props.onSelect(box.key)}
    onKeyDown={(e) => {
      const step: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }
      const d = step[e.key]
      if (d) {
        e.preventDefault()
        nudge(d[0], d[1], e.shiftKey)
      } else if (e.key === 'Enter' || e.key === ' ') props.onSelect(box.key)
    }}>
    <Typography.Text strong ellipsis className="dashboard-cell-title">{card.title}</Typography.Text>
    <Typography.Text type="secondary" ellipsis style={{ fontSize: 12 }}>{card.subtitle}</Typography.Text>
    <Tag bordered={false} style={{ alignSelf: 'flex-start' }}>{card.chart}</Tag>
    <span className="dashboard-cell-size">{`${String(box.w)} × ${String(box.h)}`}</span>
    <span ref={setHandleRef} {...handleAttributes} {...handleListeners} className="dashboard-resize" role="button"
      aria-label={t('designer.reports.resize', { title: card.title })} onClick={(e) => e.stopPropagation()} />
  </div>
}

/**
 * The dashboard's widgets on its grid: dragged to move, dragged by the corner to resize, snapped to cells,
 * with the drop position shown while dragging; arrow keys move (Shift+arrows resize) the focused widget.
 */
export function DashboardGrid(props: Props) {
  const { t } = useTranslation()
  const grid = useRef<HTMLDivElement>(null)
  const [ghost, setGhost] = useState<Box | null>(null)
  const layoutFor = (data: { move?: string; resize?: string } | undefined, dx: number, dy: number): Box[] | null => {
    const node = grid.current
    const key = data?.move ?? data?.resize
    const box = props.boxes.find((b) => b.key === key)
    if (!node || !box || !key) return null
    const cell = (node.clientWidth + GAP) / props.columns
    const cx = cellsOf(dx, cell)
    const cy = cellsOf(dy, GRID_ROW + GAP)
    const to = data?.move ? { x: box.x + cx, y: box.y + cy } : { w: box.w + cx, h: box.h + cy }
    return placeWidget(props.boxes, key, to, props.columns)
  }
  useDndMonitor({
    onDragMove: (e) => {
      const data = e.active.data.current as { move?: string; resize?: string } | undefined
      const next = layoutFor(data, e.delta.x, e.delta.y)
      setGhost(next?.find((b) => b.key === (data?.move ?? data?.resize)) ?? null)
    },
    onDragEnd: (e) => {
      setGhost(null)
      const next = layoutFor(e.active.data.current as { move?: string; resize?: string } | undefined, e.delta.x, e.delta.y)
      if (next) props.onLayout(next)
    },
    onDragCancel: () => setGhost(null),
  })
  const rows = props.boxes.reduce((m, b) => Math.max(m, b.y + b.h), 0) + 4
  return <div ref={grid} className="dashboard-grid" role="group" aria-label={t('designer.reports.grid')}
    style={{ gridTemplateColumns: `repeat(${String(props.columns)}, minmax(0, 1fr))`,
      gridTemplateRows: `repeat(${String(rows)}, ${String(GRID_ROW)}px)`, gap: GAP }}>
    {props.boxes.map((box) => {
      const card = props.cards.get(box.key)
      return card ? <GridWidget key={box.key} box={box} card={card} props={props} /> : null
    })}
    {ghost && <div className="dashboard-ghost" style={area(ghost)} aria-hidden />}
  </div>
}
