import { Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { MyWork } from './MyWork'

/** The app home's "my work" section; a card opens that list in the inbox. Shown only to people
 * with tasks in the app (others see nothing). */
export function AgentHome({ appKey, hasTasks }: { appKey: string; hasTasks: boolean }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  if (!hasTasks) return null
  return (
    <>
      <Typography.Title level={4} className="section-title">
        {t('inbox.work.title')}
      </Typography.Title>
      <MyWork appKey={appKey} onPick={(bucket) => navigate(`/a/${appKey}/inbox?tab=work&bucket=${bucket}`)} />
    </>
  )
}
