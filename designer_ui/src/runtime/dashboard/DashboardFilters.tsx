import { DatePicker, Select, Space } from 'antd'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import { DATE_PRESETS, isDateRange, type DashboardFilter } from '../../core/dashboard/charts'
import { pickLabel } from '../../core/labels'

const CUSTOM = 'custom'

/** The dashboard's filters: a date range is a preset (this month …) or two dates picked by hand. */
export function DashboardFilters({
  filters,
  onChange,
}: {
  filters: DashboardFilter[]
  onChange: (key: string, value: unknown) => void
}) {
  const { t, i18n } = useTranslation()
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
                      ? { from: dayjs().startOf('month').format('YYYY-MM-DD'), to: dayjs().format('YYYY-MM-DD') }
                      : value,
                  )
                }
                options={[
                  ...DATE_PRESETS.map((preset) => ({ value: preset, label: t(`dashboard.presets.${preset}`) })),
                  { value: CUSTOM, label: t('dashboard.presets.custom') },
                ]}
              />
              {range && (
                <DatePicker.RangePicker
                  aria-label={t('dashboard.customRange')}
                  allowClear={false}
                  value={[dayjs(range.from), dayjs(range.to)]}
                  onChange={(dates) => {
                    const [from, to] = dates ?? []
                    if (from && to) onChange(filter.key, { from: from.format('YYYY-MM-DD'), to: to.format('YYYY-MM-DD') })
                  }}
                />
              )}
            </Space>
          )
        })}
    </Space>
  )
}
