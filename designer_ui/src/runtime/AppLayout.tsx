import { DashboardOutlined, FormOutlined, HomeOutlined, InboxOutlined, MenuOutlined } from '@ant-design/icons'
import { Badge, Button, Grid, Layout, Menu, Skeleton } from 'antd'
import type { MenuProps } from 'antd'
import { lazy, Suspense, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Outlet, useLocation, useNavigate, useParams } from 'react-router'
import { pickLabel } from '../core/labels'
import { useOpenTaskCounts } from '../session'
import { ErrorState } from './ErrorState'
import { useNavigation } from './useNavigation'

// only phones show the navigation in a drawer
const Drawer = lazy(() => import('antd/es/drawer'))

/** /a/:app/*: the navigation generated from the app definition beside the page (in a drawer on phones). */
export function AppLayout() {
  const { t, i18n } = useTranslation()
  const { app = '' } = useParams()
  const navigate = useNavigate()
  const location = useLocation()
  const screens = Grid.useBreakpoint()
  const [drawerOpen, setDrawerOpen] = useState(false)
  const nav = useNavigation(app)
  const counts = useOpenTaskCounts()
  const open = counts.data?.[app] ?? 0
  const base = `/a/${app}`
  const phone = screens.md === false

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
            <Badge count={open} overflowCount={999} />
          </span>
        ),
      },
      // the app's menu groups in their order, then the forms and dashboards no group names
      ...nav.data.menu.map((group, index) => ({
        type: 'group' as const,
        key: group.default ?? `group-${String(index)}`,
        label: group.label ? pickLabel(group.label, i18n.language, '') : t(`app.${group.default ?? 'forms'}`),
        children: group.entries.map((entry) => {
          const known = entry.kind === 'form' ? nav.data.forms.find((f) => f.key === entry.key)
            : nav.data.dashboards.find((d) => d.key === entry.key)
          return {
            key: `${base}/${entry.kind}s/${entry.key}`,
            icon: entry.kind === 'form' ? <FormOutlined /> : <DashboardOutlined />,
            label: pickLabel(known?.label ?? undefined, i18n.language, entry.key),
          }
        }),
      })),
    ]
  }
  // a record's page or a new record highlights its form
  const selected = location.pathname.replace(/\/(new|records\/[^/]+)$/, '')
  const menu = (
    <nav aria-label={t('shell.menu')}>
      {nav.isPending ? (
        <Skeleton active style={{ padding: 16 }} />
      ) : (
        <Menu
          mode="inline"
          style={{ borderInlineEnd: 'none' }}
          items={items}
          selectedKeys={[selected]}
          onClick={({ key }) => {
            setDrawerOpen(false)
            navigate(key)
          }}
        />
      )}
    </nav>
  )

  return (
    <Layout className="app-layout">
      {phone ? (
        <Suspense fallback={null}>
          <Drawer
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            placement="left"
            size={280}
            title={pickLabel(nav.data?.label, i18n.language, app)}
            styles={{ body: { padding: 0 } }}
          >
            {menu}
          </Drawer>
        </Suspense>
      ) : (
        <Layout.Sider width={232} theme="light" className="app-sider">
          {menu}
        </Layout.Sider>
      )}
      <Layout.Content className="page">
        {phone && (
          <Button
            className="app-menu-button"
            icon={<MenuOutlined aria-hidden />}
            aria-label={t('shell.menu')}
            aria-expanded={drawerOpen}
            onClick={() => setDrawerOpen(true)}
          >
            {t('shell.menu')}
          </Button>
        )}
        {nav.isError ? (
          <ErrorState title={t('app.loadFailed')} error={nav.error} onRetry={() => void nav.refetch()} />
        ) : (
          <Outlet />
        )}
      </Layout.Content>
    </Layout>
  )
}
