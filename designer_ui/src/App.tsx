import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { App as AntApp, ConfigProvider } from 'antd'
import enUS from 'antd/locale/en_US'
import zhCN from 'antd/locale/zh_CN'
import { useTranslation } from 'react-i18next'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { ApiError } from './api/client'
import { AppHome } from './runtime/AppHome'
import { AppLayout } from './runtime/AppLayout'
import { HomePage } from './runtime/HomePage'
import { LoginPage } from './runtime/LoginPage'
import { NotFound } from './runtime/Placeholder'
import { ProfilePage } from './runtime/ProfilePage'
import { AdminRoutes } from './admin/AdminRoutes'
import { PublicRoutes } from './public/PublicRoutes'
import { DashboardPage } from './runtime/dashboard/DashboardPage'
import { InboxPage } from './runtime/inbox/InboxPage'
import { FormListPage } from './runtime/list/FormListPage'
import { RecordPage } from './runtime/record/RecordPage'
import { AppShell } from './shell/AppShell'
import { RequireAuth } from './shell/RequireAuth'

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
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  )
}
