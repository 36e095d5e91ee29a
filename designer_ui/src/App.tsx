import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { App as AntApp, ConfigProvider, Spin } from 'antd'
import { type ComponentType, lazy, Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { ApiError } from './api/client'
import { loadAreas } from './i18n'
import { dashboardQuery } from './runtime/dashboard/dashboardQuery'
import { useAntdLocale } from './i18n/useAntdLocale'
import { LoginPage } from './runtime/LoginPage'
import { RequireAuth } from './shell/RequireAuth'

// Signed-in pages load after sign-in: the login screen does not pay for the menus, drawers and cards. Each page
// names the catalogues (src/i18n/locales/<lang>/<area>.json) its texts come from; they load beside its code.
const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K, areas: string[] = []) =>
  lazy(async () => {
    const [module] = await Promise.all([load(), loadAreas(...areas)])
    return { default: module[name] }
  })
const AppShell = lazyPage(() => import('./shell/AppShell'), 'AppShell', ['header'])
const HomePage = lazyPage(() => import('./runtime/HomePage'), 'HomePage')
const ProfilePage = lazyPage(() => import('./runtime/ProfilePage'), 'ProfilePage')
const AppLayout = lazyPage(() => import('./runtime/AppLayout'), 'AppLayout')
const AppHome = lazyPage(() => import('./runtime/AppHome'), 'AppHome', ['inbox', 'side'])
const NotFound = lazyPage(() => import('./runtime/Placeholder'), 'NotFound')
const AdminRoutes = lazyPage(() => import('./admin/AdminRoutes'), 'AdminRoutes', ['admin', 'install'])
const MarketRoutes = lazyPage(() => import('./market/MarketRoutes'), 'MarketRoutes', ['market', 'install'])
const PublicRoutes = lazyPage(() => import('./public/PublicRoutes'), 'PublicRoutes', ['public', 'fields'])
const DashboardPage = lazyPage(() => import('./runtime/dashboard/DashboardPage'), 'DashboardPage', ['dashboard'])
const InboxPage = lazyPage(() => import('./runtime/inbox/InboxPage'), 'InboxPage', ['inbox', 'side'])
const FormListPage = lazyPage(() => import('./runtime/list/FormListPage'), 'FormListPage', ['list', 'print'])
const RecordPage = lazyPage(() => import('./runtime/record/RecordPage'), 'RecordPage', ['record', 'side', 'fields', 'print'])
// the designer (and @dnd-kit, ajv) loads only when someone opens it
const DesignerPage = lazyPage(() => import('./designer/DesignerPage'), 'DesignerPage', ['designer', 'fields', 'dashboard', 'formula', 'print', 'roles', 'appsettings'])
// the print view: a template's pages for the chosen records, in a frame the browser's print dialog prints
const PrintViewPage = lazyPage(() => import('./runtime/print/PrintViewPage'), 'PrintViewPage', ['print'])

function PageSpinner() {
  return (
    <div className="page-center">
      <Spin size="large" />
    </div>
  )
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // a 4xx will not change by asking again; network errors and 5xx get one retry
      retry: (count, error) => count < 1 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
})

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/p/:org/:app/*', element: <PublicRoutes /> },
  { path: '/print/:app/:template', element: <RequireAuth><PrintViewPage /></RequireAuth> },
  {
    element: (
      <RequireAuth>
        <AppShell />
      </RequireAuth>
    ),
    children: [
      { path: '/', element: <HomePage /> },
      { path: '/profile', element: <ProfilePage /> },
      { path: '/admin/*', element: <AdminRoutes /> },
      { path: '/market/*', element: <MarketRoutes /> },
      { path: '/design/:app', element: <DesignerPage /> },
      { path: '/design/:app/forms/:form', element: <DesignerPage /> },
      { path: '/design/:app/flows/:flow', element: <DesignerPage /> },
      { path: '/design/:app/rules/:rule?', element: <DesignerPage /> },
      { path: '/design/:app/print/:template?', element: <DesignerPage /> },
      { path: '/design/:app/roles/:role?', element: <DesignerPage /> },
      { path: '/design/:app/settings', element: <DesignerPage /> },
      { path: '/design/:app/reports/:report?', element: <DesignerPage /> },
      { path: '/design/:app/dashboards/:dashboard?', element: <DesignerPage /> },
      {
        path: '/a/:app',
        element: <AppLayout />,
        children: [
          { index: true, element: <AppHome /> },
          { path: 'inbox', element: <InboxPage /> },
          { path: 'forms/:form', element: <FormListPage /> },
          { path: 'forms/:form/new', element: <RecordPage /> },
          { path: 'forms/:form/records/:record', element: <RecordPage /> },
          {
            path: 'dashboards/:dashboard',
            element: <DashboardPage />,
            hydrateFallbackElement: <PageSpinner />,
            // the widgets' data and the chart library start loading with the navigation, beside the page's code
            loader: ({ params }) => {
              if (params.app && params.dashboard) void queryClient.prefetchQuery(dashboardQuery(params.app, params.dashboard, {}))
              void import('./runtime/dashboard/EChart')
              return null
            },
          },
          { path: '*', element: <NotFound /> },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
])

export function App() {
  const { i18n } = useTranslation()
  const locale = useAntdLocale(i18n.language)
  return (
    <ConfigProvider
      locale={locale}
      theme={{ token: { colorPrimary: '#1677ff' } }}
      // antd spaces out two-character Chinese labels ("登 录"), which changes their accessible name
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <Suspense fallback={<PageSpinner />}>
            <RouterProvider router={router} />
          </Suspense>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  )
}
