import { Rate, Tag } from 'antd'
import dayjs from 'dayjs'
import { useTranslation } from 'react-i18next'
import { displayText } from '../core/form/display'
import type { DisplayProps } from './types'

/** Text, numbers, dates and the other one-line kinds as read-only text. */
export function PlainDisplay(p: DisplayProps) {
  const { t } = useTranslation()
  if (p.field.kind === 'boolean' || typeof p.value === 'boolean') return <span>{p.value === true ? t('fields.yes') : p.value === false ? t('fields.no') : ''}</span>
  if (p.field.kind === 'datetime' && typeof p.value === 'string') return <span>{dayjs(p.value).format('YYYY-MM-DD HH:mm')}</span>
  if (p.field.kind === 'color' && typeof p.value === 'string') return <Tag color={p.value}>{p.value}</Tag>
  if (p.field.kind === 'long_text' || p.field.kind === 'code') {
    return <span style={{ whiteSpace: 'pre-wrap' }}>{displayText(p.field, p.value)}</span>
  }
  return <span>{displayText(p.field, p.value)}</span>
}

export function RatingDisplay(p: DisplayProps) {
  const count = typeof p.field.config?.max === 'number' ? p.field.config.max : 5
  return <Rate disabled count={count} value={typeof p.value === 'number' ? p.value : 0} />
}
