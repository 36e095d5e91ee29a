import { useTranslation } from 'react-i18next'
import { reasonOf } from '../../core/design/rules'

/** The engine's reason (why a rule fired or not) in the page's language; an unknown one as the server wrote it. */
export function useReason(): (text: string) => string {
  const { t } = useTranslation()
  return (text) => {
    const { key, params } = reasonOf(text)
    if (key === null) return text
    const event = params.event ? t(`designer.rules.event.${params.event}`, params.event) : ''
    return t(`designer.rules.reason.${key}`, { ...params, event })
  }
}
