import { Result } from 'antd'
import { useTranslation } from 'react-i18next'
import { Route, Routes } from 'react-router'
import { IntakePage } from './IntakePage'
import { PublicFrame } from './PublicFrame'
import { StatusPage } from './StatusPage'
import { SurveyPage } from './SurveyPage'
import './public.css'

function NoSuchPage() {
  const { t } = useTranslation()
  return (
    <PublicFrame title={t('public.notFoundTitle')}>
      <Result status="404" subTitle={t('public.noPage')} />
    </PublicFrame>
  )
}

/** /p/:org/:app/* — the pages customers reach without signing in. */
export function PublicRoutes() {
  return (
    <Routes>
      <Route path="forms/:form" element={<IntakePage />} />
      <Route path="status" element={<StatusPage />} />
      <Route path="survey/:token" element={<SurveyPage />} />
      <Route path="*" element={<NoSuchPage />} />
    </Routes>
  )
}
