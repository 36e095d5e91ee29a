import { DownloadOutlined, StarFilled } from '@ant-design/icons'
import { Card, Col, Empty, Input, Row, Select, Skeleton, Space, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import type { Card as CardData } from './queries'
import { useListing } from './useListing'

function TemplateCard({ card }: { card: CardData }) {
  const { t, i18n } = useTranslation()
  const name = pickLabel(card.name, i18n.language, card.key)
  const cover = card.screenshots > 0 ? <img alt={t('market.screenshotOf', { name })} src={`/api/v1/market/templates/${card.key}/screenshots/0`} className="market-cover" /> : undefined
  return (
    <Card cover={cover} size="small" style={{ height: '100%' }}>
      <Card.Meta
        title={<Link to={`/market/t/${card.key}`}>{name}</Link>}
        description={
          <Space direction="vertical" size={4} style={{ width: '100%' }}>
            <Typography.Text type="secondary">{t('market.by', { publisher: card.publisher })}</Typography.Text>
            <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
              {pickLabel(card.description, i18n.language)}
            </Typography.Paragraph>
            <Space size={[4, 4]} wrap>
              {card.category && <Tag color="blue">{card.category}</Tag>}
              {card.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}
            </Space>
            <Space size="middle">
              <span>{card.latest_version}</span>
              <span aria-label={t('market.installsCount', { count: card.installs })}><DownloadOutlined /> {card.installs}</span>
              {card.rating !== null && <span aria-label={t('market.ratingOf', { rating: card.rating })}><StarFilled style={{ color: '#faad14' }} /> {card.rating}</span>}
            </Space>
          </Space>
        }
      />
    </Card>
  )
}

/** /market — search (Chinese too), categories, cards with screenshots. */
export function BrowsePage() {
  const { t } = useTranslation()
  const [q, setQ] = useState('')
  const [category, setCategory] = useState<string | null>(null)
  const listing = useListing(q, category)
  return (
    <section aria-labelledby="market-browse-title">
      <Typography.Title level={3} id="market-browse-title">{t('market.browseTitle')}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          aria-label={t('market.search')}
          placeholder={t('market.searchPlaceholder')}
          allowClear
          enterButton
          onSearch={(value) => setQ(value.trim())}
          style={{ width: 320, maxWidth: '100%' }}
        />
        <Select
          aria-label={t('market.category')}
          allowClear
          placeholder={t('market.allCategories')}
          value={category}
          onChange={(value: string | undefined) => setCategory(value ?? null)}
          options={(listing.data?.categories ?? []).map((c) => ({ value: c, label: c }))}
          style={{ width: 180 }}
        />
      </Space>
      {listing.error ? (
        <ErrorState error={listing.error} onRetry={() => void listing.refetch()} home={false} />
      ) : listing.isPending ? (
        <Skeleton active />
      ) : listing.data.items.length === 0 ? (
        <Empty description={q ? t('market.noMatch', { q }) : t('market.empty')} />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('market.count', { count: listing.data.count })}</Typography.Paragraph>
          <Row gutter={[16, 16]}>
            {listing.data.items.map((card) => (
              <Col key={card.key} xs={24} sm={12} lg={8} xl={6}>
                <TemplateCard card={card} />
              </Col>
            ))}
          </Row>
        </>
      )}
    </section>
  )
}
