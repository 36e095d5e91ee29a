import { DashboardOutlined, FormOutlined, HomeOutlined, InboxOutlined } from '@ant-design/icons'
import { Badge, Layout, Menu, Skeleton } from 'antd'
import type { MenuProps } from 'antd'
import { useTranslation } from 'react-i18next'
import { Outlet, useLocation, useNavigate, useParams } from 'react-router'
import { pickLabel } from '../core/labels'
import { useOpenTaskCounts } from '../session'
import { ErrorState } from './ErrorState'
import { useNavigation } from './useNavigation'

/** /a/:app/*: the side navigation generated from the app definition, the page beside it. */
export function AppLayout() {
  const { t, i18n } = useTranslation()
  const { app = '' } = useParams()
  const navigate = useNavigate()
  const location = useLocation()
  const nav = useNavigation(app)
  const counts = useOpenTaskCounts()
  const open = counts.data?.[app] ?? 0
  const base = `/a/${app}`

  let items: MenuProps['items'] = []
  if (nav.data) {
    items = [
      { key: base, icon: <HomeOutlined />, label: t('app.home') },
      {
        key: `${base}/inbox`,
        icon: <InboxOutlined />,
        label: (
          <span className="menu-with-count">
            {t('app.inbox')}
            <Badge count={open} overflowCount={999} aria-label={t('home.openTasks', { count: open })} />
          </span>
        ),
      },
      nav.data.forms.length > 0 && {
        type: 'group' as const,
        key: 'forms',
        label: t('app.forms'),
        children: nav.data.forms.map((form) => ({
          key: `${base}/forms/${form.key}`,
          icon: <FormOutlined />,
          label: pickLabel(form.label, i18n.language, form.key),
        })),
      },
      nav.data.dashboards.length > 0 && {
        type: 'group' as const,
        key: 'dashboards',
        label: t('app.dashboards'),
        children: nav.data.dashboards.map((dashboard) => ({
          key: `${base}/dashboards/${dashboard.key}`,
          icon: <DashboardOutlined />,
          label: pickLabel(dashboard.label, i18n.language, dashboard.key),
        })),
      },
    ].filter((item) => item !== false)
  }
  // the deepest menu key that prefixes the current path is the selected one
  const selected = location.pathname.replace(/\/new$/, '')

  return (
    <Layout className="app-layout">
      <Layout.Sider
        breakpoint="md"
        collapsedWidth={0}
        width={232}
        theme="light"
        className="app-sider"
        zeroWidthTriggerStyle={{ top: 8 }}
        trigger={undefined}
      >
        <nav aria-label={t('shell.menu')}>
          {nav.isPending ? (
            <Skeleton active style={{ padding: 16 }} />
          ) : (
            <Menu mode="inline" items={items} selectedKeys={[selected]} onClick={({ key }) => navigate(key)} />
          )}
        </nav>
      </Layout.Sider>
      <Layout.Content className="page">
        {nav.isError ? (
          <ErrorState title={t('app.loadFailed')} error={nav.error} onRetry={() => void nav.refetch()} />
        ) : (
          <Outlet />
        )}
      </Layout.Content>
    </Layout>
  )
}
