import { Button, Skeleton } from 'antd'
import { lazy, Suspense } from 'react'
import { useTranslation } from 'react-i18next'

// antd's Result carries its status illustrations; every page imports this component, few ever show it.
const Result = lazy(() => import('antd/es/result'))

/** A failed load, with the server's own message and a retry. */
export function ErrorState({ error, onRetry, title }: { error: Error; onRetry?: () => void; title?: string }) {
  const { t } = useTranslation()
  return (
    <Suspense fallback={<Skeleton active />}>
      <Result
        status="error"
        title={title ?? t('common.error')}
        subTitle={error.message}
        extra={onRetry && <Button onClick={onRetry}>{t('common.retry')}</Button>}
      />
    </Suspense>
  )
}
