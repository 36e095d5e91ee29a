import { Spin } from 'antd'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Navigate, useLocation } from 'react-router'
import { ErrorState } from '../runtime/ErrorState'
import { useMe } from '../session'

/** Pages behind sign-in: without a session, to /login?next=<this page>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation()
  const me = useMe()
  const location = useLocation()
  if (me.isPending) {
    return (
      <div className="page-center">
        <Spin size="large" description={t('common.loading')} />
      </div>
    )
  }
  if (me.isError) return <ErrorState error={me.error} />
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search)
    return <Navigate to={`/login?next=${next}`} replace />
  }
  return <>{children}</>
}
