import { Button, Result } from 'antd'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams } from 'react-router'

/** Lists, record pages, dashboards and the inbox: built in the next step. */
export function Placeholder() {
  const { t } = useTranslation()
  const { app = '' } = useParams()
  const navigate = useNavigate()
  return (
    <Result
      status="info"
      title={t('placeholder.title')}
      subTitle={t('placeholder.body')}
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
