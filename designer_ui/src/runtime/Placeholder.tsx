import { Button, Result } from 'antd'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams } from 'react-router'
import { pickLabel } from '../core/labels'
import { useNavigation } from './useNavigation'

/** Lists, record pages, dashboards and the inbox: built in the next step. Names the page it stands for. */
export function Placeholder() {
  const { t, i18n } = useTranslation()
  const { app = '', form, dashboard } = useParams()
  const navigate = useNavigate()
  const nav = useNavigation(app)
  const label = form
    ? pickLabel(nav.data?.forms.find((f) => f.key === form)?.label, i18n.language, form)
    : dashboard
      ? pickLabel(nav.data?.dashboards.find((d) => d.key === dashboard)?.label, i18n.language, dashboard)
      : t('app.inbox')
  return (
    <Result
      status="info"
      title={label}
      subTitle={`${t('placeholder.title')}: ${t('placeholder.body')}`}
      extra={
        <Button type="primary" onClick={() => navigate(`/a/${app}`)}>
          {t('placeholder.back')}
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
