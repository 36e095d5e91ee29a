import { Layout, Menu, Result, Spin } from 'antd'
import { useTranslation } from 'react-i18next'
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router'
import { PackagesPage } from '../market/install/PackagesPage'
import { useMe } from '../session'
import { AppsPage } from './AppsPage'
import { AuditPage } from './AuditPage'
import { DeliveriesPage } from './DeliveriesPage'
import { DepartmentsPage } from './DepartmentsPage'
import { JobsPage } from './JobsPage'
import { TokensPage } from './TokensPage'
import { UsersPage } from './UsersPage'

const SECTIONS = ['users', 'departments', 'tokens', 'jobs', 'deliveries', 'audit', 'apps', 'packages'] as const

/** /admin/* — the administrators' console; everyone else gets a 403 page (the server refuses them too). */
export function AdminRoutes() {
  const { t } = useTranslation()
  const me = useMe()
  const navigate = useNavigate()
  const section = useLocation().pathname.split('/')[2] ?? 'users'
  if (me.isPending) return <Spin className="admin-loading" />
  if (!me.data?.is_org_admin) {
    return <Result status="403" title="403" subTitle={t('admin.forbidden')} />
  }
  return (
    <Layout className="admin-layout">
      <Layout.Sider width={200} theme="light">
        <Menu
          aria-label={t('admin.title')}
          mode="inline"
          selectedKeys={[section]}
          onClick={({ key }) => navigate(`/admin/${key}`)}
          items={SECTIONS.map((key) => ({ key, label: t(`admin.nav.${key}`) }))}
        />
      </Layout.Sider>
      <Layout.Content className="admin-content" style={{ padding: 24 }}>
        <Routes>
          <Route index element={<Navigate to="users" replace />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="departments" element={<DepartmentsPage />} />
          <Route path="tokens" element={<TokensPage />} />
          <Route path="jobs" element={<JobsPage />} />
          <Route path="deliveries" element={<DeliveriesPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="apps" element={<AppsPage />} />
          <Route path="packages" element={<PackagesPage />} />
          <Route path="*" element={<Navigate to="users" replace />} />
        </Routes>
      </Layout.Content>
    </Layout>
  )
}
