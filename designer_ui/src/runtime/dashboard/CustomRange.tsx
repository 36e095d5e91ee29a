import { DatePicker } from 'antd'
import dayjs from 'dayjs'
import type { DateRange } from '../../core/dashboard/charts'

/** Two dates picked by hand, for a dashboard's date-range filter. */
export function CustomRange({ label, range, onChange }: { label: string; range: DateRange; onChange: (range: DateRange) => void }) {
  return (
    <DatePicker.RangePicker
      aria-label={label}
      allowClear={false}
      value={[dayjs(range.from), dayjs(range.to)]}
      onChange={(dates) => {
        const [from, to] = dates ?? []
        if (from && to) onChange({ from: from.format('YYYY-MM-DD'), to: to.format('YYYY-MM-DD') })
      }}
    />
  )
}
