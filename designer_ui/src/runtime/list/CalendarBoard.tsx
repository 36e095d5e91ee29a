import { Badge, Calendar } from 'antd'
import type { RecordItem } from './useRecordsPage'

interface Props {
  dateField: string
  titleOf: (record: RecordItem) => string
  records: RecordItem[]
  onOpen: (record: RecordItem) => void
}

/** The records on the days of a date (or date-time) field. */
export function CalendarBoard({ dateField, titleOf, records, onOpen }: Props) {
  const byDay = new Map<string, RecordItem[]>()
  for (const record of records) {
    const value = record[dateField]
    if (typeof value !== 'string') continue
    const day = value.length > 10 ? new Date(value).toLocaleDateString('sv-SE') : value
    byDay.set(day, [...(byDay.get(day) ?? []), record])
  }
  return (
    <Calendar
      cellRender={(date, info) => {
        if (info.type !== 'date') return info.originNode
        const items = byDay.get(date.format('YYYY-MM-DD')) ?? []
        return (
          <ul className="list-calendar-day">
            {items.map((r) => (
              <li key={r.id}>
                <Badge status="processing" />
                <a onClick={() => onOpen(r)}>{titleOf(r)}</a>
              </li>
            ))}
          </ul>
        )
      }}
    />
  )
}
