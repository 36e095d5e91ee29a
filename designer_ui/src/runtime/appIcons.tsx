import {
  AppstoreOutlined, AuditOutlined, BankOutlined, BookOutlined, CalendarOutlined, CarOutlined, CustomerServiceOutlined,
  ExperimentOutlined, FileTextOutlined, HomeOutlined, MedicineBoxOutlined, RocketOutlined, SafetyOutlined,
  ShoppingOutlined, TeamOutlined, ToolOutlined,
} from '@ant-design/icons'
import type { ComponentType } from 'react'
import type { components } from '../api/schema'

export type AppIcon = components['schemas']['AppIcon']

/** How each of the catalog's app icons (app_icons) is drawn; a name the table lacks falls back to the first. */
export const APP_ICON_COMPONENTS: Record<string, ComponentType> = {
  appstore: AppstoreOutlined,
  customer_service: CustomerServiceOutlined,
  tool: ToolOutlined,
  shopping: ShoppingOutlined,
  team: TeamOutlined,
  file_text: FileTextOutlined,
  calendar: CalendarOutlined,
  car: CarOutlined,
  home: HomeOutlined,
  medicine_box: MedicineBoxOutlined,
  safety: SafetyOutlined,
  bank: BankOutlined,
  book: BookOutlined,
  rocket: RocketOutlined,
  experiment: ExperimentOutlined,
  audit: AuditOutlined,
}

const DEFAULT_COLOR = '#1677ff'

/** The app's icon as a rounded tile: white glyph on its colour (the default tile when it has none). */
export function AppIconTile({ icon, size = 40 }: { icon?: AppIcon | null; size?: number }) {
  const Glyph = APP_ICON_COMPONENTS[icon?.name ?? 'appstore'] ?? AppstoreOutlined
  return (
    <span className="app-icon-tile" aria-hidden
      style={{ width: size, height: size, fontSize: size * 0.5, background: icon?.color ?? DEFAULT_COLOR }}>
      <Glyph />
    </span>
  )
}
