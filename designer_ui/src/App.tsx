import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { App as AntApp, ConfigProvider, Spin } from 'antd'
import { type ComponentType, lazy, Suspense } from 'react'
import enUS from 'antd/locale/en_US'
import zhCN from 'antd/locale/zh_CN'
import { useTranslation } from 'react-i18next'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { ApiError } from './api/client'
import { LoginPage } from './runtime/LoginPage'
import { RequireAuth } from './shell/RequireAuth'

// Signed-in pages load after sign-in: the login screen does not pay for the menus, drawers and cards.
const lazyPage = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }))
const AppShell = lazyPage(() => import('./shell/AppShell'), 'AppShell')
const HomePage = lazyPage(() => import('./runtime/HomePage'), 'HomePage')
const ProfilePage = lazyPage(() => import('./runtime/ProfilePage'), 'ProfilePage')
const AppLayout = lazyPage(() => import('./runtime/AppLayout'), 'AppLayout')
const AppHome = lazyPage(() => import('./runtime/AppHome'), 'AppHome')
const NotFound = lazyPage(() => import('./runtime/Placeholder'), 'NotFound')
const AdminRoutes = lazyPage(() => import('./admin/AdminRoutes'), 'AdminRoutes')
const PublicRoutes = lazyPage(() => import('./public/PublicRoutes'), 'PublicRoutes')
const DashboardPage = lazyPage(() => import('./runtime/dashboard/DashboardPage'), 'DashboardPage')
const InboxPage = lazyPage(() => import('./runtime/inbox/InboxPage'), 'InboxPage')
const FormListPage = lazyPage(() => import('./runtime/list/FormListPage'), 'FormListPage')
const RecordPage = lazyPage(() => import('./runtime/record/RecordPage'), 'RecordPage')
// the designer (and @dnd-kit, ajv) loads only when someone opens it
const DesignerPage = lazyPage(() => import('./designer/DesignerPage'), 'DesignerPage')

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
      { path: '/design/:app', element: <DesignerPage /> },
      { path: '/design/:app/forms/:form', element: <DesignerPage /> },
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
          { path: 'dashboards/:dashboard', element: <DashboardPage /> },
          { path: '*', element: <NotFound /> },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
])

export function App() {
  const { i18n } = useTranslation()
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1677ff' } }}
      // antd spaces out two-character Chinese labels ("登 录"), which changes their accessible name
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <Suspense
            fallback={
              <div className="page-center">
                <Spin size="large" />
              </div>
            }
          >
            <RouterProvider router={router} />
          </Suspense>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  )
}
