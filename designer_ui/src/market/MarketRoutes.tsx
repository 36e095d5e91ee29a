import { Layout, Menu } from 'antd'
import { useTranslation } from 'react-i18next'
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router'
import { BrowsePage } from './BrowsePage'
import { MyTemplatesPage } from './MyTemplatesPage'
import { QueuePage } from './QueuePage'
import { ReviewPage } from './ReviewPage'
import { TemplatePage } from './TemplatePage'
import { useCenterMe } from './useCenterMe'

/** /market/* — the template center: browse and detail (everyone), my templates (partners), the review queue and a
 *  version's review (reviewers). */
export function MarketRoutes() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const me = useCenterMe()
  const section = useLocation().pathname.split('/')[2] || 'browse'
  const items = [
    { key: 'browse', label: t('market.nav.browse') },
    { key: 'mine', label: t('market.nav.mine') },
    ...(me.data?.reviewer ? [{ key: 'review', label: t('market.nav.review') }] : []),
  ]
  return (
    <Layout className="market-layout">
      <Menu
        aria-label={t('market.title')}
        mode="horizontal"
        selectedKeys={[section === 't' ? 'browse' : section]}
        onClick={({ key }) => navigate(key === 'browse' ? '/market' : `/market/${key}`)}
        items={items}
      />
      <Layout.Content style={{ padding: 16 }}>
        <Routes>
          <Route index element={<BrowsePage />} />
          <Route path="t/:key" element={<TemplatePage />} />
          <Route path="mine" element={<MyTemplatesPage />} />
          <Route path="review" element={<QueuePage />} />
          <Route path="review/:id" element={<ReviewPage />} />
          <Route path="*" element={<Navigate to="/market" replace />} />
        </Routes>
      </Layout.Content>
    </Layout>
  )
}
