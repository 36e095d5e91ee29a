import { Button, Result } from 'antd'
import { useTranslation } from 'react-i18next'

/** A failed load, with the server's own message and a retry. */
export function ErrorState({ error, onRetry, title }: { error: Error; onRetry?: () => void; title?: string }) {
  const { t } = useTranslation()
  return (
    <Result
      status="error"
      title={title ?? t('common.error')}
      subTitle={error.message}
      extra={onRetry && <Button onClick={onRetry}>{t('common.retry')}</Button>}
    />
  )
}
