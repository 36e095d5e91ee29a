import { App as AntApp, Button, Card, Descriptions, Form, Input, Layout, Select, Typography } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError, type FieldError, unwrap } from '../api/client'
import { applyLocale, isLocale, LOCALE_NAMES, LOCALES, type Locale } from '../i18n'
import { ME_KEY, useMe } from '../session'

interface ProfileValues {
  display_name: string
  locale: Locale
}

interface PasswordValues {
  current_password: string
  new_password: string
  confirm: string
}

/** The server names fields by JSON path ("/new_password"): put each message on its form field. */
function fieldErrors<Values>(errors: FieldError[], known: readonly (keyof Values & string)[]) {
  return errors.flatMap((e) => {
    const name = known.find((key) => key === e.path.replace(/^\//, '').split('/')[0])
    return name ? [{ name, errors: [e.message] }] : []
  })
}

export function ProfilePage() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const me = useMe()
  const [profileForm] = Form.useForm<ProfileValues>()
  const [passwordForm] = Form.useForm<PasswordValues>()
  const [saving, setSaving] = useState(false)
  const [changing, setChanging] = useState(false)
  if (!me.data) return null
  const { user, org, dept } = me.data

  const saveProfile = async (values: ProfileValues) => {
    setSaving(true)
    try {
      unwrap(await api.PATCH('/api/v1/auth/me', { body: { display_name: values.display_name, locale: values.locale } }))
      applyLocale(values.locale)
      await queryClient.invalidateQueries({ queryKey: ME_KEY })
      message.success(t('profile.saved'))
    } catch (error) {
      const named = error instanceof ApiError ? fieldErrors<ProfileValues>(error.errors, ['display_name', 'locale']) : []
      if (named.length) profileForm.setFields(named)
      else message.error(error instanceof Error ? error.message : String(error))
    } finally {
      setSaving(false)
    }
  }

  const changePassword = async (values: PasswordValues) => {
    setChanging(true)
    try {
      const body = { current_password: values.current_password, new_password: values.new_password }
      const done = unwrap(await api.POST('/api/v1/auth/password', { body }))
      passwordForm.resetFields()
      message.success(t('profile.passwordChanged', { count: done.sessions_ended }))
    } catch (error) {
      const named =
        error instanceof ApiError ? fieldErrors<PasswordValues>(error.errors, ['current_password', 'new_password']) : []
      if (named.length) passwordForm.setFields(named)
      else message.error(error instanceof Error ? error.message : String(error))
    } finally {
      setChanging(false)
    }
  }

  return (
    <Layout.Content className="page page-narrow">
      <Typography.Title level={2}>{t('profile.title')}</Typography.Title>
      <Card style={{ marginBottom: 24 }}>
        <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('profile.username')}>{user.username}</Descriptions.Item>
          <Descriptions.Item label={t('profile.org')}>{org.name}</Descriptions.Item>
          {dept && <Descriptions.Item label={t('profile.dept')}>{dept.name}</Descriptions.Item>}
        </Descriptions>
        <Form<ProfileValues>
          form={profileForm}
          name="profile"
          layout="vertical"
          initialValues={{ display_name: user.display_name, locale: isLocale(user.locale) ? user.locale : 'zh-CN' }}
          onFinish={saveProfile}
        >
          <Form.Item name="display_name" label={t('profile.displayName')} rules={[{ required: true, whitespace: true }]}>
            <Input autoComplete="name" />
          </Form.Item>
          <Form.Item name="locale" label={t('profile.language')}>
            <Select<Locale>
              options={LOCALES.map((locale) => ({ value: locale, label: LOCALE_NAMES[locale] }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={saving}>
            {t('profile.save')}
          </Button>
        </Form>
      </Card>
      <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('profile.passwordTitle')}</Typography.Title>}>
        <Form<PasswordValues> form={passwordForm} name="password" layout="vertical" onFinish={changePassword}>
          <Form.Item name="current_password" label={t('profile.currentPassword')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="new_password"
            label={t('profile.newPassword')}
            rules={[{ required: true }, { min: 8, message: t('profile.minLength') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('profile.confirmPassword')}
            dependencies={['new_password']}
            rules={[
              { required: true },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || value === getFieldValue('new_password')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('profile.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={changing}>
            {t('profile.changePassword')}
          </Button>
        </Form>
      </Card>
    </Layout.Content>
  )
}
