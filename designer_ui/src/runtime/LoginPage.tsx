import { Alert, Button, Card, Input, Typography } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Navigate, useNavigate, useSearchParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import { safeNext } from '../core/nav'
import { applyLocale, type Locale } from '../i18n'
import { fetchMe, ME_KEY, useMe } from '../session'
import { LanguageSwitch } from '../shell/LanguageSwitch'

interface LoginValues {
  org: string
  username: string
  password: string
}

type Problems = Partial<Record<'username' | 'password', string>>

/** A labelled field as antd's vertical form draws it: label, control, then the help or the error under it. */
function Field(p: { id: string; label: string; help?: string; error?: string; children: ReactNode }) {
  return (
    <div className="login-field">
      <label htmlFor={p.id} className="login-label">{p.label}</label>
      {p.children}
      {p.error ? <div id={`${p.id}-help`} className="login-error" role="alert">{p.error}</div>
        : p.help ? <div id={`${p.id}-help`} className="login-help">{p.help}</div> : null}
    </div>
  )
}

export function LoginPage() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const queryClient = useQueryClient()
  const me = useMe()
  const [error, setError] = useState<ApiError | null>(null)
  const [submitting, setSubmitting] = useState(false)
  // a language picked here, on this visit, becomes the user's preference once they are signed in
  const [picked, setPicked] = useState<Locale | null>(null)
  // a plain form, not antd's Form: its store and validator (~20 KB gzip) would load for three inputs
  const [values, setValues] = useState<LoginValues>({ org: '', username: '', password: '' })
  const [problems, setProblems] = useState<Problems>({})

  if (me.data) return <Navigate to={safeNext(params.get('next'))} replace />

  const onPick = (locale: Locale) => {
    setPicked(locale)
    applyLocale(locale)
  }

  const change = (name: keyof LoginValues) => (event: { target: { value: string } }) => {
    const value = event.target.value
    setValues((v) => ({ ...v, [name]: value }))
    if (name !== 'org') setProblems((p) => ({ ...p, [name]: undefined }))
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    const found: Problems = {}
    if (!values.username.trim()) found.username = t('login.required', { field: t('login.username') })
    if (!values.password) found.password = t('login.required', { field: t('login.password') })
    setProblems(found)
    if (!found.username && !found.password) void onFinish(values)
  }

  const onFinish = async (entered: LoginValues) => {
    setSubmitting(true)
    setError(null)
    try {
      const body = { username: entered.username.trim(), password: entered.password, org: entered.org.trim() || null }
      unwrap(await api.POST('/api/v1/auth/login', { body }))
      if (picked) await api.PATCH('/api/v1/auth/me', { body: { locale: picked } })
      queryClient.clear()
      queryClient.setQueryData(ME_KEY, await fetchMe())
      navigate(safeNext(params.get('next')), { replace: true })
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, { detail: String(caught) }))
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <main className="login-page">
      <div className="login-language">
        <LanguageSwitch onChange={onPick} />
      </div>
      <Card className="login-card">
        <Typography.Title level={2} className="login-title">
          {t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {error && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={t('login.failed')}
            description={error.message}
            style={{ marginBottom: 16 }}
          />
        )}
        <form className="login-form" onSubmit={onSubmit} noValidate>
          <Field id="login-org" label={t('login.org')} help={t('login.orgHelp')}>
            <Input id="login-org" size="large" autoComplete="organization" value={values.org} onChange={change('org')}
              aria-describedby="login-org-help" />
          </Field>
          <Field id="login-username" label={t('login.username')} error={problems.username}>
            <Input id="login-username" size="large" autoComplete="username" autoFocus value={values.username}
              onChange={change('username')} status={problems.username ? 'error' : undefined}
              aria-invalid={Boolean(problems.username)} aria-describedby={problems.username ? 'login-username-help' : undefined} />
          </Field>
          <Field id="login-password" label={t('login.password')} error={problems.password}>
            <Input.Password id="login-password" size="large" autoComplete="current-password" value={values.password}
              onChange={change('password')} status={problems.password ? 'error' : undefined}
              aria-invalid={Boolean(problems.password)} aria-describedby={problems.password ? 'login-password-help' : undefined} />
          </Field>
          <Button type="primary" htmlType="submit" size="large" block loading={submitting}>
            {t('login.submit')}
          </Button>
        </form>
      </Card>
    </main>
  )
}
