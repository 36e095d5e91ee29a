import { Button, Input, InputNumber, Space, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { dayState, monthGrid, parsePeriods, toggleDayOps, WEEKDAYS, type Calendar } from '../../core/design/calendarModel'
import type { DraftStore } from '../../core/design/draftStore'

interface Props {
  store: DraftStore
  calendar: Calendar
  path: readonly string[]
}

/** One business calendar: working periods per weekday, and a year of days where a click cycles a day
 * through working day → holiday → make-up day. */
export function CalendarEditor({ store, calendar, path }: Props) {
  const { t, i18n } = useTranslation()
  const [year, setYear] = useState(() => new Date().getFullYear())
  return <div>
    <Typography.Title level={5}>{t('appsettings.week')}</Typography.Title>
    <div className="settings-week">
      {WEEKDAYS.map((day) => <WeekdayPeriods key={`${path.join('/')}-${day}`} day={day} periods={calendar.week?.[day] ?? []}
        onChange={(periods) => store.edit([{ op: 'set', path: [...path, 'week'],
          value: { ...(calendar.week ?? {}), [day]: periods } }], { coalesce: `week-${path.join('/')}-${day}` })} />)}
    </div>
    <Space style={{ marginTop: 16 }} wrap>
      <Typography.Title level={5} style={{ margin: 0 }}>{t('appsettings.year')}</Typography.Title>
      <Button size="small" aria-label={t('appsettings.prevYear')} onClick={() => setYear(year - 1)}>‹</Button>
      <InputNumber size="small" value={year} min={1970} max={2100} aria-label={t('appsettings.yearLabel')}
        onChange={(v) => v && setYear(v)} />
      <Button size="small" aria-label={t('appsettings.nextYear')} onClick={() => setYear(year + 1)}>›</Button>
      <span className="settings-legend">
        {(['workday', 'rest', 'holiday', 'makeup'] as const).map((s) => <span key={s} className={`settings-day ${s}`}>{t(`appsettings.state.${s}`)}</span>)}
      </span>
    </Space>
    <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>{t('appsettings.yearHint')}</Typography.Paragraph>
    <div className="settings-year">
      {Array.from({ length: 12 }, (_, i) => i + 1).map((month) => <table key={month} className="settings-month">
        <caption>{new Date(Date.UTC(year, month - 1, 1)).toLocaleString(i18n.language, { month: 'long', timeZone: 'UTC' })}</caption>
        <thead><tr>{WEEKDAYS.map((d) => <th key={d}>{t(`appsettings.weekdayShort.${d}`)}</th>)}</tr></thead>
        <tbody>{monthGrid(year, month).map((week, wi) => <tr key={wi}>{week.map((iso, di) => <td key={di}>
          {iso && <DayButton iso={iso} state={dayState(calendar, iso)}
            onToggle={() => store.edit(toggleDayOps(calendar, path, iso))} />}</td>)}</tr>)}</tbody>
      </table>)}
    </div>
  </div>
}

function DayButton({ iso, state, onToggle }: { iso: string; state: ReturnType<typeof dayState>; onToggle: () => void }) {
  const { t } = useTranslation()
  return <button type="button" className={`settings-day ${state}`} onClick={onToggle}
    aria-label={t('appsettings.dayLabel', { date: iso, state: t(`appsettings.state.${state}`) })}>{Number(iso.slice(8))}</button>
}

function WeekdayPeriods({ day, periods, onChange }: { day: string; periods: string[]; onChange: (p: string[]) => void }) {
  const { t } = useTranslation()
  const [text, setText] = useState(periods.join(', '))
  const bad = parsePeriods(text) === null
  return <Space style={{ marginBottom: 4 }}>
    <span style={{ display: 'inline-block', width: 48 }}>{t(`appsettings.weekday.${day}`)}</span>
    <Input size="small" style={{ width: 260 }} value={text} status={bad ? 'error' : undefined} placeholder={t('appsettings.rest')}
      aria-label={t('appsettings.periodsOf', { day: t(`appsettings.weekday.${day}`) })}
      onChange={(e) => {
        setText(e.target.value)
        const parsed = parsePeriods(e.target.value)
        if (parsed) onChange(parsed)
      }} />
    {bad && <Typography.Text type="danger">{t('appsettings.badPeriods')}</Typography.Text>}
  </Space>
}
