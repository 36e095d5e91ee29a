import { AppstoreOutlined, DownOutlined, ShopOutlined, LogoutOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons'
import { App as AntApp, Avatar, Button, Dropdown, Layout, Select, Space, Typography } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { Link, Outlet, useNavigate, useParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import { pickLabel } from '../core/labels'
import { applyLocale, type Locale } from '../i18n'
import { ME_KEY, useLogout, useMe, useMyApps } from '../session'
import { HeaderExtras } from './HeaderExtras'
import { LanguageSwitch } from './LanguageSwitch'
import { AppIconTile } from '../runtime/appIcons'

/** The header every signed-in page shares: brand, app switcher, language, user menu. */
export function AppShell() {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const navigate = useNavigate()
  const params = useParams()
  const queryClient = useQueryClient()
  const me = useMe()
  const apps = useMyApps()
  const logout = useLogout()

  const switchLanguage = async (locale: Locale) => {
    applyLocale(locale)
    try {
      unwrap(await api.PATCH('/api/v1/auth/me', { body: { locale } }))
      await queryClient.invalidateQueries({ queryKey: ME_KEY })
    } catch (error) {
      message.error(error instanceof ApiError ? error.message : String(error))
    }
  }

  const signOut = async () => {
    try {
      await logout()
    } finally {
      navigate('/login', { replace: true })
    }
  }

  const user = me.data?.user
  const menuItems = [
    { key: 'profile', icon: <UserOutlined />, label: t('shell.profile') },
    { key: 'market', icon: <ShopOutlined />, label: t('shell.market') },
    ...(me.data?.is_org_admin ? [{ key: 'admin', icon: <SettingOutlined />, label: t('shell.admin') }] : []),
    { key: 'logout', icon: <LogoutOutlined />, label: t('shell.logout') },
  ]

  return (
    <Layout className="shell">
      <Layout.Header className="shell-header">
        <Link to="/" className="shell-brand" aria-label={t('home.title')}>
          <AppstoreOutlined aria-hidden />
          <span className="shell-brand-name">{t('brand')}</span>
        </Link>
        <Select
          className="shell-app-switcher"
          aria-label={t('shell.appSwitcher')}
          placeholder={t('shell.chooseApp')}
          value={params.app ?? null}
          loading={apps.isPending}
          onChange={(key: string) => navigate(`/a/${key}`)}
          options={(apps.data ?? []).map((app) => ({ value: app.key, label: pickLabel(app.label, i18n.language, app.key),
            icon: app.icon }))}
          // the label stays text (the option's accessible name); the icon is drawn beside it
          optionRender={(option) => <span className="shell-app-option">
            <AppIconTile icon={option.data.icon} size={18} />{option.label}</span>}
          popupMatchSelectWidth={false}
        />
        <div className="shell-spacer" />
        <Space size={4}>
          <HeaderExtras />
          <LanguageSwitch onChange={(locale) => void switchLanguage(locale)} />
          <Dropdown
            trigger={['click']}
            menu={{
              items: menuItems,
              onClick: ({ key }) => (key === 'logout' ? void signOut() : navigate(`/${key}`)),
            }}
          >
            <Button type="text" aria-label={t('shell.userMenu')} className="shell-user">
              <Avatar size="small" icon={<UserOutlined />} aria-hidden />
              <Typography.Text className="shell-user-name">{user?.display_name ?? ''}</Typography.Text>
              <DownOutlined aria-hidden />
            </Button>
          </Dropdown>
        </Space>
      </Layout.Header>
      <Outlet />
    </Layout>
  )
}
