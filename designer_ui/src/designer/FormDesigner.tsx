import { DndContext, DragOverlay, KeyboardSensor, PointerSensor, pointerWithin, rectIntersection, useSensor, useSensors,
  type CollisionDetection, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core'
import { App as AntApp, Segmented, Spin, Tabs, Typography } from 'antd'
import { lazy, Suspense, useCallback, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../core/design/draftStore'
import { addFieldOps, addRowFieldOps, addSectionOps, canvasOf, fieldPlace, fieldsOf, formAt, moveFieldOps, newField,
  removeFieldOps, removeRowFieldOps, rowFieldName, splitFieldName, type DropTarget, type FieldLike } from '../core/design/formModel'
import { fieldPath } from '../core/design/selection'
import type { ValueTypes } from '../core/form/logic'
import type { FormDef } from '../core/form/types'
import { pickLabel } from '../core/labels'
import { Canvas } from './Canvas'
import { countValues, type Catalog, type FieldKindEntry } from './designerApi'
import { FormProperties } from './FormProperties'
import { Palette } from './Palette'
import { SectionProperties } from './SectionProperties'
import { useFollowRenamed } from './useFollowRenamed'

// Opening a form draws the palette and the canvas first: a field's properties (and the formula editor behind
// them), the JSON view (and its schema checker) and the live preview (the runtime's widgets) load when shown.
const FieldProperties = lazy(async () => ({ default: (await import('./FieldProperties')).FieldProperties }))
const JsonPanel = lazy(async () => ({ default: (await import('./JsonPanel')).JsonPanel }))
const Preview = lazy(async () => ({ default: (await import('./Preview')).Preview }))

export interface FormSelection {
  field: string | null
  section: number | null
}

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  fi: number
  catalog: Catalog
  /** The published version's form of the same key (null: never published). */
  publishedForm: unknown
  selection: FormSelection
  onSelect: (selection: FormSelection) => void
  flagged: ReadonlySet<string>
}

// A drop on a sub-table's row zone adds a row field; over a field it means "before it"; only between fields does
// the section's end take the drop.
const collisions: CollisionDetection = (args) => {
  const hits = pointerWithin(args)
  const onRows = hits.filter((h) => String(h.id).startsWith('rows:'))
  if (onRows.length > 0) return onRows
  const onField = hits.filter((h) => String(h.id).startsWith('before:'))
  if (onField.length > 0) return onField
  return hits.length > 0 ? hits : rectIntersection(args)
}

/** The form designer: palette, canvas of sections (drag and drop), live preview, properties and JSON. */
export function FormDesigner({ appKey, store, doc, fi, catalog, publishedForm, selection, onSelect, flagged }: Props) {
  const { t, i18n } = useTranslation()
  const { modal, message } = AntApp.useApp()
  const [mode, setMode] = useState<'canvas' | 'preview'>('canvas')
  const [dragging, setDragging] = useState<string | null>(null)
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }), useSensor(KeyboardSensor))
  const form = formAt(doc, fi)
  const formKey = String((form as { key?: unknown } | undefined)?.key ?? '')
  const fields = useMemo(() => fieldsOf(form), [form])
  const byKey = useMemo(() => new Map(fields.map((f) => [f.key, f])), [fields])
  const keys = useMemo(() => fields.map((f) => f.key), [fields])
  useFollowRenamed(keys, selection.field, useCallback((key: string) => onSelect({ field: key, section: null }), [onSelect]))
  const tabs = useMemo(() => canvasOf(form), [form])
  const kinds = useMemo(() => new Map(catalog.field_kinds.map((k) => [k.key, k])), [catalog])
  const published = useMemo(() => new Map(fieldsOf(publishedForm).map((f) => [f.key, f])), [publishedForm])
  const valueTypes: ValueTypes = useMemo(() => Object.fromEntries(catalog.field_kinds.map((k) => [k.key, k.value_type])), [catalog])
  const selected = selection.field ? fieldPlace(doc, fi, selection.field)?.field ?? null : null

  const add = (kind: FieldKindEntry, target: DropTarget) => {
    const field = newField(kind.key, { 'zh-CN': kind.label['zh-CN'], en: kind.label.en }, form)
    store.edit(addFieldOps(doc, fi, field, target))
    onSelect({ field: field.key, section: null })
  }
  const addAtEnd = (kind: FieldKindEntry) => {
    const sections = tabs.flatMap((tab) => tab.sections)
    const last = sections.find((s) => s.index !== null && s.index === selection.section) ?? sections[sections.length - 1]
    if (last) add(kind, { section: last.key, index: last.fields.length })
  }

  const onDragStart = (e: DragStartEvent) => setDragging(String(e.active.id))
  const addRow = (kind: FieldKindEntry, parent: string) => {
    const field = newField(kind.key, { 'zh-CN': kind.label['zh-CN'], en: kind.label.en }, byKey.get(parent))
    const ops = addRowFieldOps(doc, fi, parent, field)
    if (ops.length === 0) {
      void message.warning(t('designer.canvas.notInRows', { kind: pickLabel(kind.label, i18n.language) }))
      return
    }
    store.edit(ops)
    onSelect({ field: rowFieldName(parent, field.key), section: null })
  }

  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    const rows = (e.over?.data.current as { rows?: string } | undefined)?.rows
    const dropped = (e.active.data.current as { kind?: FieldKindEntry } | undefined)?.kind
    if (rows !== undefined) {
      if (dropped) addRow(dropped, rows)
      return
    }
    const target = (e.over?.data.current as { target?: DropTarget } | undefined)?.target
    if (!target) return
    const data = e.active.data.current as { kind?: FieldKindEntry; field?: string } | undefined
    if (data?.kind) add(data.kind, target)
    else if (data?.field) {
      const ops = moveFieldOps(doc, fi, data.field, target)
      if (ops.length > 0) store.edit(ops)
    }
  }

  const removeRow = (name: string) => {
    const place = fieldPlace(doc, fi, name)
    const parent = byKey.get(splitFieldName(name).parent ?? '')
    if (!place || !parent) return
    const { ops, restore } = removeRowFieldOps(doc, fi, name)
    store.remove(ops, { kind: 'field', restore, label: [form as { label?: Record<string, string> }, parent, place.field]
      .map((x) => pickLabel(x.label, i18n.language, (x as { key?: string }).key ?? formKey)).join(' · ') })
    if (selection.field === name) onSelect({ field: null, section: null })
  }

  const remove = async (key: string) => {
    if (splitFieldName(key).parent !== null) {
      removeRow(key)
      return
    }
    const field = byKey.get(key)
    if (!field) return
    const name = pickLabel(field.label, i18n.language, key)
    const { ops, restore } = removeFieldOps(doc, fi, key)
    const drop = () => {
      store.remove(ops, { kind: 'field', label: `${pickLabel((form as { label?: Record<string, string> }).label, i18n.language, formKey)} · ${name}`, restore })
      if (selection.field === key) onSelect({ field: null, section: null })
    }
    if (!published.has(key)) {
      drop()
      return
    }
    let rows: number
    try {
      rows = await countValues(appKey, formKey, key)
    } catch {
      rows = -1
    }
    modal.confirm({
      title: t('designer.delete.title', { label: name }),
      content: rows < 0 ? t('designer.delete.unknown') : rows === 0 ? t('designer.delete.noData') : t('designer.delete.withData', { n: rows }),
      okText: t('designer.delete.ok'), okButtonProps: { danger: true }, cancelText: t('designer.cancel'),
      onOk: () => {
        drop()
        void message.info(t('designer.delete.done', { label: name }))
      },
    })
  }

  function publishedField(name: string): FieldLike | null {
    const { parent, key } = splitFieldName(name)
    if (parent === null) return published.get(key) ?? null
    return fieldsOf(published.get(parent)).find((f) => f.key === key) ?? null
  }

  const draggedLabel = (() => {
    if (!dragging) return null
    if (dragging.startsWith('kind:')) {
      const kind = kinds.get(dragging.slice(5))
      return kind ? pickLabel(kind.label, i18n.language) : null
    }
    const field = byKey.get(dragging.slice(6))
    return field ? pickLabel(field.label, i18n.language, field.key) : null
  })()

  const selectedPath = selected && selection.field ? fieldPath(doc, fi, selection.field)
    : selection.section !== null ? `/forms/${String(fi)}/layout/${String(selection.section)}` : `/forms/${String(fi)}`
  const properties = selected
    ? <FieldProperties key={selectedPath} store={store} doc={doc} fi={fi} name={selection.field ?? selected.key} field={selected}
        kinds={catalog.field_kinds} published={publishedField(selection.field ?? selected.key)}
        onKeyChange={(key) => onSelect({ field: key, section: null })} />
    : selection.section !== null
      ? <SectionProperties store={store} doc={doc} fi={fi} index={selection.section} onDeleted={() => onSelect({ field: null, section: null })} />
      : <FormProperties store={store} doc={doc} fi={fi} />
  const title = selected ? t('designer.props.fieldTitle', { label: pickLabel(selected.label, i18n.language, selected.key) })
    : selection.section !== null ? t('designer.props.sectionTitle') : t('designer.props.formTitle')

  return <DndContext sensors={sensors} collisionDetection={collisions} onDragStart={onDragStart} onDragEnd={onDragEnd}
    onDragCancel={() => setDragging(null)}>
    <div className="designer-form">
      <Palette catalog={catalog} onAdd={addAtEnd} />
      <main className="designer-canvas" aria-label={t('designer.canvas.title')}>
        <Segmented value={mode} onChange={(v) => setMode(v as 'canvas' | 'preview')} style={{ marginBottom: 12 }}
          options={[{ value: 'canvas', label: t('designer.canvas.design') }, { value: 'preview', label: t('designer.preview.title') }]} />
        {mode === 'canvas'
          ? <Canvas tabs={tabs} fields={byKey} kinds={kinds} selectedField={selection.field} selectedSection={selection.section}
              flagged={flagged} onSelectField={(key) => onSelect({ field: key, section: null })}
              onSelectSection={(index) => onSelect({ field: null, section: index })}
              onDelete={(key) => void remove(key)}
              onAddSection={(tab) => store.edit(addSectionOps(doc, fi, tab, {
                [i18n.language]: t('designer.canvas.newSection') }))} />
          : <Suspense fallback={<Spin />}><Preview appKey={appKey} form={form as FormDef} valueTypes={valueTypes} published={publishedForm != null} /></Suspense>}
      </main>
      <aside className="designer-props" aria-label={t('designer.props.title')}>
        <Typography.Text strong className="designer-pane-title">{title}</Typography.Text>
        <Suspense fallback={<Spin />}><Tabs size="small" items={[
          { key: 'props', label: t('designer.props.tab'), children: properties },
          { key: 'json', label: t('designer.json.tab'), children: selectedPath
            ? <JsonPanel key={selectedPath} store={store} doc={doc} pointer={selectedPath} /> : null },
        ]} /></Suspense>
        {selected === null && selection.field !== null && <Typography.Text type="secondary">{t('designer.props.gone')}</Typography.Text>}
      </aside>
    </div>
    <DragOverlay dropAnimation={null}>
      {draggedLabel ? <div className="designer-drag-overlay">{draggedLabel}</div> : null}
    </DragOverlay>
  </DndContext>
}

export type { FieldLike }
