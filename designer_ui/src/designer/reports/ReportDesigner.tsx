import { DndContext, DragOverlay, KeyboardSensor, PointerSensor, pointerWithin, rectIntersection, useSensor, useSensors,
  type CollisionDetection, type DragEndEvent } from '@dnd-kit/core'
import { Button, Tabs, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import { addDimensionOps, addMeasureOps, aggregatesFor, defaultAggregate, moveItemOps, newMeasure, previewKey, removeItemOps,
  reportSelection, reportsOf, sourceFields, type KindInfo, type SourceField } from '../../core/design/reportModel'
import { pickLabel, type Label } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { JsonPanel } from '../JsonPanel'
import { ReportFields, type SourceDrag } from './ReportFields'
import { ReportItemProperties } from './ReportItemProperties'
import { ReportPreview } from './ReportPreview'
import { ReportSettings } from './ReportSettings'
import { ReportZones, type ItemRef, type ZoneTarget } from './ReportZones'

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  ri: number
  catalog: Catalog
  problems: readonly Problem[]
  /** A JSON path to select first (a problem link). */
  at: string | null
}

// a drop over an item means "before it"; only past the last item does the zone's end take it
const collisions: CollisionDetection = (args) => {
  const hits = pointerWithin(args)
  const onItem = hits.filter((h) => String(h.id).startsWith('before:'))
  if (onItem.length > 0) return onItem
  return hits.length > 0 ? hits : rectIntersection(args)
}

const STANDARD = ['created_at', 'updated_at', 'created_by', 'owner_id', 'dept_id'] as const

/** The report designer: source fields dragged into rows / columns / values, settings, and a live preview on real data. */
export function ReportDesigner({ appKey, store, doc, ri, catalog, problems, at }: Props) {
  const { t, i18n } = useTranslation()
  const report = reportsOf(doc)[ri]
  const [dragging, setDragging] = useState<string | null>(null)
  const [selected, setSelected] = useState<ItemRef | null>(() => {
    const sel = at ? reportSelection(at) : null
    return sel?.zone && sel.index !== null ? { zone: sel.zone, index: sel.index } : null
  })
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor))
  const kinds = useMemo(() => new Map<string, KindInfo>(catalog.field_kinds.map((k) => [k.key, k])), [catalog])
  const standardLabels = useMemo(() => Object.fromEntries(STANDARD.map((k) => [k, {
    'zh-CN': t(`designer.reports.standard.${k}`, { lng: 'zh-CN' }), en: t(`designer.reports.standard.${k}`, { lng: 'en' }) }])), [t])
  const fields = useMemo(() => (report ? sourceFields(doc, report, kinds, standardLabels) : []), [doc, report, kinds, standardLabels])
  const byPath = useMemo(() => new Map(fields.map((f) => [f.path, f])), [fields])
  const flagged = useMemo(() => new Set(problems.flatMap((p) => {
    const sel = reportSelection(p.path)
    return sel && sel.report === ri && sel.zone && sel.index !== null ? [`${sel.zone}:${String(sel.index)}`] : []
  })), [problems, ri])
  const reportText = useMemo(() => previewKey(report), [report])
  if (!report) return null

  const aggLabel = (agg: string) => pickLabel(catalog.reports.aggregates.find((a) => a.key === agg)?.label, i18n.language, agg)
  const bucketLabel = (b: string) => pickLabel(catalog.reports.date_buckets.find((x) => x.key === b)?.label, i18n.language, b)
  const bilingual = (make: (lng: string) => string): Label => ({ 'zh-CN': make('zh-CN'), en: make('en') })
  const fieldText = (f: SourceField, lng: string) => pickLabel(f.label, lng, f.path)

  const addMeasure = (field: SourceField | null, index: number) => {
    const available = aggregatesFor(catalog.reports.aggregates, field).map((a) => a.key)
    const agg = defaultAggregate(field, available)
    const aggText = (lng: string) => pickLabel(catalog.reports.aggregates.find((a) => a.key === agg)?.label, lng, agg)
    const label = bilingual((lng) => field ? `${aggText(lng)}（${fieldText(field, lng)}）` : aggText(lng))
    store.edit(addMeasureOps(doc, ri, newMeasure(report, field, agg, label), index, field))
    setSelected({ zone: 'measures', index })
  }
  const drop = (source: SourceField | null, target: ZoneTarget) => {
    if (target.zone === 'measures' || !source) addMeasure(source, target.zone === 'measures' ? target.index : (report.measures ?? []).length)
    else if (source.groupable) {
      store.edit(addDimensionOps(doc, ri, target.zone, source, target.index))
      setSelected({ zone: target.zone, index: target.index })
    } else addMeasure(source, (report.measures ?? []).length)
  }
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    const target = (e.over?.data.current as { target?: ZoneTarget } | undefined)?.target
    if (!target) return
    const data = e.active.data.current as (Partial<SourceDrag> & { item?: ItemRef }) | undefined
    if (data?.item) {
      const ops = moveItemOps(doc, ri, data.item, target)
      if (ops.length > 0) {
        store.edit(ops)
        setSelected(null)
      }
    } else if (data && 'source' in data) drop(data.source ?? null, target)
  }
  const quickAdd = (field: SourceField | null) => {
    if (field?.groupable) drop(field, { zone: 'dimensions', index: (report.dimensions ?? []).length })
    else addMeasure(field, (report.measures ?? []).length)
  }
  const remove = (item: ItemRef) => {
    store.edit(removeItemOps(doc, ri, item.zone, item.index))
    setSelected(null)
  }

  const draggedLabel = (() => {
    if (!dragging) return null
    if (dragging.startsWith('src:')) {
      const f = byPath.get(dragging.slice(4))
      return f ? fieldText(f, i18n.language) : t('designer.reports.countRecords')
    }
    return t('designer.reports.moving')
  })()
  const selectedValid = selected && report[selected.zone]?.[selected.index] !== undefined ? selected : null
  const pointer = selectedValid ? `/reports/${String(ri)}/${selectedValid.zone}/${String(selectedValid.index)}` : `/reports/${String(ri)}`
  const title = selectedValid ? t(`designer.reports.propsOf.${selectedValid.zone}`) : t('designer.reports.settings')

  return <DndContext sensors={sensors} collisionDetection={collisions} onDragStart={(e) => setDragging(String(e.active.id))}
    onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
    <div className="report-designer">
      <ReportFields store={store} doc={doc} ri={ri} report={report} fields={fields} onQuickAdd={quickAdd} />
      <main className="report-canvas" aria-label={t('designer.reports.canvas')}>
        <Typography.Title level={5} style={{ marginTop: 0 }}>{pickLabel(report.label, i18n.language, report.key)}</Typography.Title>
        <ReportZones report={report} fields={byPath} selected={selectedValid} flagged={flagged} aggregateLabel={aggLabel}
          bucketLabel={bucketLabel} onSelect={setSelected} onRemove={remove} />
        <ReportPreview appKey={appKey} reportKey={report.key} title={report.label} reportText={reportText} dragging={dragging !== null} />
      </main>
      <aside className="designer-props" aria-label={t('designer.props.title')}>
        <div className="report-props-head">
          <Typography.Text strong className="designer-pane-title">{title}</Typography.Text>
          {selectedValid && <Button type="link" size="small" onClick={() => setSelected(null)}>{t('designer.reports.backToSettings')}</Button>}
        </div>
        <Tabs size="small" items={[
          { key: 'props', label: t('designer.props.tab'), children: selectedValid
            ? <ReportItemProperties key={pointer} store={store} doc={doc} ri={ri} report={report} item={selectedValid} fields={byPath}
              catalog={catalog} onRemove={() => remove(selectedValid)} />
            : <ReportSettings store={store} doc={doc} ri={ri} report={report} catalog={catalog} /> },
          { key: 'json', label: t('designer.json.tab'), children: <JsonPanel key={pointer} store={store} doc={doc} pointer={pointer} /> },
        ]} />
      </aside>
    </div>
    <DragOverlay dropAnimation={null}>
      {draggedLabel ? <div className="designer-drag-overlay">{draggedLabel}</div> : null}
    </DragOverlay>
  </DndContext>
}
