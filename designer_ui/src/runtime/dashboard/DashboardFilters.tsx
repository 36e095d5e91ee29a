import { Select, Space, Spin } from 'antd'
import { lazy, Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import { isDateRange, type DashboardFilter } from '../../core/dashboard/charts'
import { pickLabel } from '../../core/labels'
import { useCatalogOps } from '../list/useCatalogOps'

const CUSTOM = 'custom'
// the date picker (and dayjs) load only when someone picks a custom range
const CustomRange = lazy(async () => ({ default: (await import('./CustomRange')).CustomRange }))

function today(): string {
  const now = new Date()
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
}

/** The dashboard's filters: a date range is a preset (this month …) or two dates picked by hand. */
export function DashboardFilters({
  filters,
  onChange,
}: {
  filters: DashboardFilter[]
  onChange: (key: string, value: unknown) => void
}) {
  const { t, i18n } = useTranslation()
  const presets = useCatalogOps().data?.presets ?? []  // the report engine's presets, from the server's catalog
  return (
    <Space wrap className="dashboard-filters">
      {filters
        .filter((filter) => filter.type === 'date_range')
        .map((filter) => {
          const label = pickLabel(filter.label, i18n.language, filter.key)
          const custom = isDateRange(filter.value)
          const range = isDateRange(filter.value) ? filter.value : null
          return (
            <Space key={filter.key} wrap>
              <Select
                aria-label={label}
                prefix={`${label}:`}
                style={{ minWidth: 200 }}
                showSearch={{ optionFilterProp: 'label' }}
                value={custom ? CUSTOM : String(filter.value ?? '')}
                onChange={(value: string) =>
                  onChange(
                    filter.key,
                    value === CUSTOM
                      ? { from: `${today().slice(0, 8)}01`, to: today() }
                      : value,
                  )
                }
                options={[
                  ...presets.map((preset) => ({ value: preset.key, label: pickLabel(preset.label, i18n.language, preset.key) })),
                  { value: CUSTOM, label: t('dashboard.presets.custom') },
                ]}
              />
              {range && (
                <Suspense fallback={<Spin size="small" />}>
                  <CustomRange label={t('dashboard.customRange')} range={range} onChange={(value) => onChange(filter.key, value)} />
                </Suspense>
              )}
            </Space>
          )
        })}
    </Space>
  )
}
