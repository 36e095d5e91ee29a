import { Button, Skeleton } from 'antd'
import { lazy, Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { ApiError } from '../api/client'

// antd's Result carries its status illustrations; every page imports this component, few ever show it.
const Result = lazy(() => import('antd/es/result'))

/**
 * A failed load. A 404 (which is also what the server answers for a record outside the reader's row
 * scope) and a 403 say so in words with a way home, as a retry cannot help; anything else shows the
 * server's own message and a retry.
 */
export function ErrorState({
  error,
  onRetry,
  title,
  home = true,
}: {
  error: Error
  onRetry?: () => void
  title?: string
  /** offer the way to the signed-in start page (not on the public pages, whose visitors have no account) */
  home?: boolean
}) {
  const { t } = useTranslation()
  const status = error instanceof ApiError ? error.status : 0
  if (status === 404 || status === 403) {
    return (
      <Suspense fallback={<Skeleton active />}>
        <Result
          status={status === 404 ? '404' : '403'}
          title={title ?? t(status === 404 ? 'common.unavailableTitle' : 'common.forbiddenTitle')}
          subTitle={status === 403 && error instanceof ApiError && error.reason ? error.message : t('common.unavailable')}
          extra={
            home && (
              <Link to="/">
                <Button type="primary">{t('common.backHome')}</Button>
              </Link>
            )
          }
        />
      </Suspense>
    )
  }
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
