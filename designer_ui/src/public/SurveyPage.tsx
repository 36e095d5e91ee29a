import { Alert, Button, Form, Result, Skeleton, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import { pickLabel } from '../core/labels'
import { PublicFields } from './PublicFields'
import { PublicFrame } from './PublicFrame'
import { showOnFields } from './problem'
import { useSurvey } from './useSurvey'

/** The reason a link does not open, in the customer's words. */
function linkProblem(error: Error, t: (key: string) => string): { title: string; text: string } {
  const status = error instanceof ApiError ? error.status : 0
  if (status === 409) return { title: t('public.surveyAnsweredTitle'), text: t('public.surveyAnswered') }
  if (status === 410) return { title: t('public.surveyExpiredTitle'), text: t('public.surveyExpired') }
  if (status === 404) return { title: t('public.surveyInvalidTitle'), text: t('public.surveyInvalid') }
  return { title: t('public.sendFailed'), text: error.message }
}

/** /p/:org/:app/survey/:token — the customer rates how their case was handled, once. */
export function SurveyPage() {
  const { org = '', app = '', token = '' } = useParams()
  const { t, i18n } = useTranslation()
  const survey = useSurvey(org, app, token)
  const [form] = Form.useForm<Record<string, unknown>>()
  const values = Form.useWatch([], form) ?? {}
  const [done, setDone] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [sending, setSending] = useState(false)

  if (survey.isPending) return <PublicFrame title={t('public.surveyTitle')}><Skeleton active /></PublicFrame>
  if (survey.isError || done) {
    const shown = done ? { title: t('public.thanksTitle'), text: t('public.thanks') } : linkProblem(survey.error as Error, t)
    return (
      <PublicFrame title={t('public.surveyTitle')}>
        <Result status={done ? 'success' : survey.error instanceof ApiError && survey.error.status === 409 ? 'info' : 'warning'} title={shown.title} subTitle={shown.text} />
      </PublicFrame>
    )
  }
  const def = survey.data

  const submit = async (filled: Record<string, unknown>) => {
    setSending(true)
    setError(null)
    try {
      const body = Object.fromEntries(Object.entries(filled).filter(([, v]) => v !== undefined && v !== '' && v !== null))
      unwrap(await api.POST('/api/v1/public/{org_key}/{app_key}/surveys/{token}', { params: { path: { org_key: org, app_key: app, token } }, body }))
      setDone(true)
    } catch (caught) {
      const failed = caught instanceof ApiError ? caught : new ApiError(0, { detail: t('public.offline') })
      showOnFields(form, failed, def.fields.map((f) => f.key))
      setError(failed)
    } finally {
      setSending(false)
    }
  }

  return (
    <PublicFrame title={pickLabel(def.label, i18n.language, t('public.surveyTitle'))}>
      {def.about && <Typography.Paragraph type="secondary">{t('public.surveyAbout', { about: def.about })}</Typography.Paragraph>}
      {error && (
        <Alert type="error" showIcon role="alert" title={linkProblem(error, t).title} description={linkProblem(error, t).text} style={{ marginBottom: 16 }} />
      )}
      <Form form={form} layout="vertical" size="large" onFinish={submit} scrollToFirstError>
        <PublicFields fields={def.fields} values={values} />
        <Button type="primary" htmlType="submit" block loading={sending}>
          {t('public.sendSurvey')}
        </Button>
      </Form>
    </PublicFrame>
  )
}
