import { Button, Result } from 'antd'
import { useTranslation } from 'react-i18next'
import { useLocation, useNavigate, useParams } from 'react-router'
import { pickLabel } from '../core/labels'
import { useNavigation } from './useNavigation'

/** A page still to be built. Inside an app (/a/:app/...) it names the form or dashboard it stands for. */
export function Placeholder() {
  const { t, i18n } = useTranslation()
  const { app = '', form, dashboard } = useParams()
  const navigate = useNavigate()
  const inApp = useLocation().pathname.startsWith(`/a/${app}`) && app !== ''
  const nav = useNavigation(app, inApp)
  let title = t('placeholder.title')
  if (inApp && form) title = pickLabel(nav.data?.forms.find((f) => f.key === form)?.label, i18n.language, form)
  else if (inApp && dashboard) {
    title = pickLabel(nav.data?.dashboards.find((d) => d.key === dashboard)?.label, i18n.language, dashboard)
  } else if (inApp) title = t('app.inbox')
  return (
    <Result
      status="info"
      title={title}
      subTitle={`${t('placeholder.title')}: ${t('placeholder.body')}`}
      extra={
        <Button type="primary" onClick={() => navigate(inApp ? `/a/${app}` : '/')}>
          {inApp ? t('placeholder.back') : t('common.backHome')}
        </Button>
      }
    />
  )
}

export function NotFound() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('common.notFound')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('common.backHome')}
        </Button>
      }
    />
  )
}
