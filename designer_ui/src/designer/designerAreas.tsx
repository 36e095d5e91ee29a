import { PrinterOutlined, SettingOutlined, TeamOutlined, ThunderboltOutlined } from '@ant-design/icons'
import { lazy, type ComponentType, type ReactNode } from 'react'
import type { Problem, DraftStore } from '../core/design/draftStore'
import { printProblemTarget } from '../core/design/printModel'
import { roleProblemTarget } from '../core/design/rolesModel'
import { ruleProblemTarget } from '../core/design/rules'
import type { Catalog } from './designerApi'

export interface AreaProps {
  appKey: string
  store: DraftStore
  doc: unknown
  catalog: Catalog
  problems: readonly Problem[]
}

/** A designer beside the form designer, under /design/:app/<path>/…: its menu entry, its page and
 * where a problem's JSON path takes the person (relative to /design/:app/, null: not this designer's). */
export interface DesignerArea {
  path: string
  label: string
  icon: ReactNode
  Page: ComponentType<AreaProps>
  route: (doc: unknown, problemPath: string) => string | null
}

const RulesDesigner = lazy(() => import('./rules/RulesDesigner').then((m) => ({ default: m.RulesDesigner })))
const PrintDesigner = lazy(() => import('./print/PrintDesigner').then((m) => ({ default: m.PrintDesigner })))
const RolesDesigner = lazy(() => import('./roles/RolesDesigner').then((m) => ({ default: m.RolesDesigner })))
const SettingsDesigner = lazy(() => import('./settings/SettingsDesigner').then((m) => ({ default: m.SettingsDesigner })))

export const DESIGNER_AREAS: DesignerArea[] = [
  { path: 'rules', label: 'designer.rules.menu', icon: <ThunderboltOutlined />, Page: RulesDesigner,
    route: (doc, problemPath) => {
      const target = ruleProblemTarget(doc, problemPath)
      // deeper than the rule (a decision-table cell): the path goes along, for the table to select it
      return target ? `rules/${target.key}${target.rest ? `?at=${encodeURIComponent(problemPath)}` : ''}` : null
    } },
  { path: 'print', label: 'print.design.menu', icon: <PrinterOutlined />, Page: PrintDesigner,
    route: (doc, problemPath) => {
      const target = printProblemTarget(doc, problemPath)
      return target ? `print/${target.key}${target.block === null ? '' : `?block=${String(target.block)}`}` : null
    } },
  { path: 'roles', label: 'roles.menu', icon: <TeamOutlined />, Page: RolesDesigner,
    route: (doc, problemPath) => {
      const target = roleProblemTarget(problemPath)
      const key = target ? (doc as { roles?: { key?: unknown }[] }).roles?.[target.role]?.key : undefined
      return target ? (typeof key === 'string' ? `roles/${key}` : 'roles') : null
    } },
  { path: 'settings', label: 'appsettings.menu', icon: <SettingOutlined />, Page: SettingsDesigner,
    route: (_doc, problemPath) => (problemPath === '/settings' || problemPath.startsWith('/settings/') || problemPath.startsWith('/label') ? 'settings' : null) },
]

export function areaOf(pathname: string, appKey: string): DesignerArea | undefined {
  return DESIGNER_AREAS.find((a) => pathname.startsWith(`/design/${appKey}/${a.path}`))
}
