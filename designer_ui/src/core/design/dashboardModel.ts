/**
 * The dashboard designer's grid: widgets at (x, y) spanning w × h cells of a `columns`-wide grid, as
 * `dajian/engines/report/model.py::Widget` keeps them. A move or resize snaps to cells, stays inside the
 * grid, and pushes the widgets it would overlap down; the ops set only the coordinates that changed.
 *
 *   placeWidget([{key: 'a', x: 0, y: 0, w: 6, h: 4}, {key: 'b', x: 6, y: 0, w: 6, h: 4}], 'b', {x: 0, y: 0}, 12)
 *   → b at (0, 0), a pushed to (0, 4)
 */
import type { Label } from '../labels'
import type { Op } from './ops'
import { getAt } from './pointer'

export interface Box {
  key: string
  x: number
  y: number
  w: number
  h: number
}

export interface WidgetLike {
  key: string
  report: string
  title?: Label
  x?: number
  y?: number
  w?: number
  h?: number
  params?: Record<string, unknown>
  chart?: Record<string, unknown> | null
}

export interface GlobalFilterLike {
  key: string
  type: string
  label?: Label
  default?: unknown
  targets?: Record<string, string>
}

export interface DashboardLike {
  key: string
  label?: Label
  columns?: number
  filters?: GlobalFilterLike[]
  widgets?: WidgetLike[]
}

// the engine's defaults for a widget that leaves a coordinate out
const DEFAULTS = { x: 0, y: 0, w: 6, h: 4 }
const MAX_H = 100

export function dashboardsOf(doc: unknown): DashboardLike[] {
  const list = getAt(doc, ['dashboards'])
  return Array.isArray(list) ? (list as DashboardLike[]) : []
}

export function boxesOf(dashboard: DashboardLike | undefined): Box[] {
  return (dashboard?.widgets ?? []).map((w) => ({ key: w.key, x: w.x ?? DEFAULTS.x, y: w.y ?? DEFAULTS.y,
    w: w.w ?? DEFAULTS.w, h: w.h ?? DEFAULTS.h }))
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h

/** A pixel drag as whole cells (half a cell or more counts). */
export function cellsOf(pixels: number, cell: number): number {
  return cell > 0 ? Math.round(pixels / cell) : 0
}

function clampBox(box: Box, columns: number): Box {
  const w = Math.max(1, Math.min(box.w, columns))
  const h = Math.max(1, Math.min(box.h, MAX_H))
  return { ...box, w, h, x: Math.max(0, Math.min(box.x, columns - w)), y: Math.max(0, box.y) }
}

/**
 * `key` put at `to` (position and/or size), clamped into the grid; every widget it then overlaps moves
 * down below it, and those they overlap in turn, in reading order.
 */
export function placeWidget(boxes: readonly Box[], key: string, to: Partial<Omit<Box, 'key'>>, columns: number): Box[] {
  const current = boxes.find((b) => b.key === key)
  if (!current) return [...boxes]
  const moved = clampBox({ ...current, ...to }, columns)
  const placed: Box[] = [moved]
  const others = boxes.filter((b) => b.key !== key).sort((a, b) => a.y - b.y || a.x - b.x)
  for (const other of others) {
    let box = other
    for (;;) {
      const hit = placed.find((p) => overlaps(p, box))
      if (!hit) break
      box = { ...box, y: hit.y + hit.h }
    }
    placed.push(box)
  }
  const byKey = new Map(placed.map((b) => [b.key, b]))
  return boxes.map((b) => byKey.get(b.key) ?? b)
}

/** The ops that give the dashboard's widgets `next` positions: only coordinates that changed are written. */
export function layoutOps(doc: unknown, di: number, next: readonly Box[]): Op[] {
  const dashboard = dashboardsOf(doc)[di]
  if (!dashboard) return []
  const before = new Map(boxesOf(dashboard).map((b) => [b.key, b]))
  const ops: Op[] = []
  ;(dashboard.widgets ?? []).forEach((widget, wi) => {
    const now = next.find((b) => b.key === widget.key)
    const was = before.get(widget.key)
    if (!now || !was) return
    for (const k of ['x', 'y', 'w', 'h'] as const) {
      if (now[k] !== was[k]) ops.push({ op: 'set', path: ['dashboards', String(di), 'widgets', String(wi), k], value: now[k] })
    }
  })
  return ops
}

/** The first free row below every widget: where a new one goes. */
export function bottomOf(boxes: readonly Box[]): number {
  return boxes.reduce((m, b) => Math.max(m, b.y + b.h), 0)
}

export function addWidgetOps(doc: unknown, di: number, widget: WidgetLike): Op[] {
  const dashboard = dashboardsOf(doc)[di]
  if (!dashboard) return []
  return Array.isArray(dashboard.widgets)
    ? [{ op: 'insert', path: ['dashboards', String(di), 'widgets', '-'], value: widget }]
    : [{ op: 'set', path: ['dashboards', String(di), 'widgets'], value: [widget] }]
}

/** Removing a widget also unwires it from every dashboard filter. */
export function removeWidgetOps(doc: unknown, di: number, key: string): { ops: Op[]; restore: Op[] } {
  const dashboard = dashboardsOf(doc)[di]
  const wi = (dashboard?.widgets ?? []).findIndex((w) => w.key === key)
  if (!dashboard || wi < 0) return { ops: [], restore: [] }
  const ops: Op[] = [{ op: 'remove', path: ['dashboards', String(di), 'widgets', String(wi)] }]
  const restore: Op[] = [{ op: 'insert', path: ['dashboards', String(di), 'widgets', String(wi)], value: dashboard.widgets?.[wi], clamp: true }]
  ;(dashboard.filters ?? []).forEach((f, fi) => {
    if (f.targets && key in f.targets) {
      const path = ['dashboards', String(di), 'filters', String(fi), 'targets', key]
      ops.push({ op: 'remove', path })
      restore.push({ op: 'set', path, value: f.targets[key] })
    }
  })
  return { ops, restore }
}

/** Wire dashboard filter `fi` to widget `widget`'s parameter `param` (null: unwire). */
export function wireFilterOps(doc: unknown, di: number, fi: number, widget: string, param: string | null): Op[] {
  const filter = dashboardsOf(doc)[di]?.filters?.[fi]
  if (!filter) return []
  const base = ['dashboards', String(di), 'filters', String(fi), 'targets']
  if (param === null) return filter.targets && widget in filter.targets ? [{ op: 'remove', path: [...base, widget] }] : []
  if (filter.targets?.[widget] === param) return []
  return filter.targets ? [{ op: 'set', path: [...base, widget], value: param }] : [{ op: 'set', path: base, value: { [widget]: param } }]
}

/** The parameters of a report a filter of `type` can drive (the same type). */
export function paramsFor(report: { params?: { key: string; type: string }[] } | undefined, type: string): string[] {
  return (report?.params ?? []).filter((p) => p.type === type).map((p) => p.key)
}
