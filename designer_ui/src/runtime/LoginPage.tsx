import { Alert, Button, Card, Form, Input, Typography } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Navigate, useNavigate, useSearchParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import { safeNext } from '../core/nav'
import { applyLocale, type Locale } from '../i18n'
import { fetchMe, ME_KEY, useMe } from '../session'
import { LanguageSwitch } from '../shell/LanguageSwitch'

interface LoginValues {
  org?: string
  username: string
  password: string
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

  if (me.data) return <Navigate to={safeNext(params.get('next'))} replace />

  const onPick = (locale: Locale) => {
    setPicked(locale)
    applyLocale(locale)
  }

  const onFinish = async (values: LoginValues) => {
    setSubmitting(true)
    setError(null)
    try {
      const body = { username: values.username.trim(), password: values.password, org: values.org?.trim() || null }
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
        <Form<LoginValues> layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
          <Form.Item name="org" label={t('login.org')} extra={t('login.orgHelp')}>
            <Input autoComplete="organization" />
          </Form.Item>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('login.required', { field: t('login.username') }) }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.required', { field: t('login.password') }) }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  )
}
