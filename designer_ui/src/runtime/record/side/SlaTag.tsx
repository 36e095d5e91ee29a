import { Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { minutesLeft, slaTone, TONE_COLOURS } from '../../../core/tasks/sla'

/** The SLA state as a coloured tag with the due time: green on time, gold near breach, red breached. */
export function SlaTag({ state, dueAt }: { state: string | null | undefined; dueAt: string | null | undefined }) {
  const { t, i18n } = useTranslation()
  const now = new Date()
  const tone = slaTone(state, dueAt, now)
  if (tone === 'none') return null
  const left = minutesLeft(dueAt, now)
  const due = dueAt ? new Date(dueAt).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'short' }) : ''
  const label = t(`side.sla.${tone}`)
  const detail = left === null ? '' : left < 0 ? t('side.sla.overdueBy', { time: span(-left) }) : t('side.sla.dueIn', { time: span(left) })
  return (
    <Tag color={TONE_COLOURS[tone]} aria-label={`${t('side.sla.title')}: ${label}, ${due}`} title={due}>
      {label}
      {detail && ` · ${detail}`}
    </Tag>
  )
}

function span(minutes: number): string {
  if (minutes < 60) return `${minutes}m`
  if (minutes < 60 * 48) return `${Math.floor(minutes / 60)}h${minutes % 60 ? ` ${minutes % 60}m` : ''}`
  return `${Math.floor(minutes / 1440)}d`
}
