import { useLocation } from 'react-router'

export type AnalyticsKind = 'reports' | 'dashboards'

export interface AnalyticsRoute {
  kind: AnalyticsKind
  /** The report's or dashboard's key (null: the list). */
  key: string | null
  /** A JSON path to select on arrival (a problem link). */
  at: string | null
}

/** Which report or dashboard `/design/:app/reports/:key` (or `/dashboards/:key`) opens; null elsewhere. */
export function analyticsRouteOf(pathname: string, search: string): AnalyticsRoute | null {
  const m = /^\/design\/[^/]+\/(reports|dashboards)(?:\/([^/]+))?\/?$/.exec(pathname)
  if (!m) return null
  return { kind: m[1] as AnalyticsKind, key: m[2] ? decodeURIComponent(m[2]) : null, at: new URLSearchParams(search).get('at') }
}

export function useAnalyticsRoute(): AnalyticsRoute | null {
  const { pathname, search } = useLocation()
  return analyticsRouteOf(pathname, search)
}

/** The designer page a problem under /reports or /dashboards opens, selecting what it names. */
export function analyticsLink(appKey: string, doc: unknown, pointer: string): string | null {
  const m = /^\/(reports|dashboards)\/(\d+)/.exec(pointer)
  if (!m) return null
  const list = (doc as Record<string, { key?: unknown }[] | undefined>)[m[1] ?? '']
  const key = list?.[Number(m[2])]?.key
  if (typeof key !== 'string') return null
  return `/design/${appKey}/${m[1] ?? ''}/${encodeURIComponent(key)}?at=${encodeURIComponent(pointer)}`
}
