import { Alert, Button, Form, Input, Result, Skeleton, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { PublicFields } from './PublicFields'
import { PublicFrame } from './PublicFrame'
import { ServerProblem } from './ServerProblem'
import { showOnFields } from './problem'
import { usePublicForm } from './usePublicForm'

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`
}

/** /p/:org/:app/forms/:form — a customer files without signing in and gets the ticket number. */
export function IntakePage() {
  const { org = '', app = '', form: formKey = '' } = useParams()
  const { t, i18n } = useTranslation()
  const definition = usePublicForm(org, app, formKey)
  const [form] = Form.useForm<Record<string, unknown>>()
  const values = Form.useWatch([], form) ?? {}
  // one key per filled-in form: a retry after a lost answer files nothing twice
  const [attemptKey, setAttemptKey] = useState(newKey)
  const [serial, setSerial] = useState<string | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [sending, setSending] = useState(false)

  if (definition.isPending) return <PublicFrame title={t('public.intakeTitle')}><Skeleton active /></PublicFrame>
  if (definition.isError) return <PublicFrame title={t('public.intakeTitle')}><ErrorState error={definition.error} home={false} /></PublicFrame>
  const def = definition.data
  const title = pickLabel(def.label, i18n.language, formKey)
  const base = `/api/v1/public/${encodeURIComponent(org)}/${encodeURIComponent(app)}/forms/${encodeURIComponent(formKey)}`
  const uploadUrl = (field: string) => `${base}/fields/${encodeURIComponent(field)}/files`

  const submit = async (filled: Record<string, unknown>) => {
    setSending(true)
    setError(null)
    try {
      const body = Object.fromEntries(Object.entries(filled).filter(([, v]) => v !== undefined && v !== '' && v !== null))
      const made = unwrap(
        await api.POST('/api/v1/public/{org_key}/{app_key}/forms/{form_key}', {
          params: { path: { org_key: org, app_key: app, form_key: formKey } },
          headers: { 'Idempotency-Key': attemptKey },
          body,
        }),
      )
      setSerial(made.serial === null || made.serial === undefined ? '' : String(made.serial))
    } catch (caught) {
      const failed = caught instanceof ApiError ? caught : new ApiError(0, { detail: t('public.offline') })
      showOnFields(form, failed, def.fields.map((f) => f.key))
      setError(failed)
    } finally {
      setSending(false)
    }
  }

  if (serial !== null) {
    return (
      <PublicFrame title={title}>
        <Result
          status="success"
          title={t('public.filedTitle')}
          subTitle={serial ? t('public.filedNumber', { serial }) : t('public.filedNoNumber')}
          extra={[
            def.status_lookup && (
              <Link key="status" to={`../../status?serial=${encodeURIComponent(serial)}&form=${formKey}`} relative="path">
                <Button type="primary">{t('public.followStatus')}</Button>
              </Link>
            ),
            <Button key="again" onClick={() => { form.resetFields(); setSerial(null); setAttemptKey(newKey()) }}>
              {t('public.fileAnother')}
            </Button>,
          ]}
        />
        {serial && (
          <Typography.Paragraph className="public-serial" copyable={{ text: serial }}>
            {serial}
          </Typography.Paragraph>
        )}
      </PublicFrame>
    )
  }

  return (
    <PublicFrame title={title}>
      <Typography.Paragraph type="secondary">{t('public.intakeIntro')}</Typography.Paragraph>
      {error && (
        <Alert
          type={error.status === 429 ? 'warning' : 'error'}
          showIcon
          role="alert"
          title={error.status === 429 ? t('public.tooManyTitle') : t('public.sendFailed')}
          description={error.status === 429 ? t('public.tooMany') : <ServerProblem error={error} shown={def.fields.map((f) => f.key)} />}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form form={form} layout="vertical" onFinish={submit} size="large" scrollToFirstError>
        <PublicFields fields={def.fields} values={values} channel={def.channel} uploadUrl={uploadUrl} />
        {/* the honeypot: hidden from people and screen readers, filled only by bots */}
        <div className="public-honeypot" aria-hidden="true">
          <Form.Item name={def.honeypot}>
            <Input tabIndex={-1} autoComplete="off" />
          </Form.Item>
        </div>
        <Button type="primary" htmlType="submit" block loading={sending}>
          {t('public.submit')}
        </Button>
      </Form>
      {def.status_lookup && (
        <Typography.Paragraph className="public-footer">
          <Link to={`../../status?form=${formKey}`} relative="path">{t('public.haveNumber')}</Link>
        </Typography.Paragraph>
      )}
    </PublicFrame>
  )
}
