import { AppstoreOutlined, CloseOutlined, DownloadOutlined, StarFilled } from '@ant-design/icons'
import { Button, Card, Col, Empty, Input, Pagination, Row, Select, Skeleton, Space, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link, Navigate, useSearchParams } from 'react-router'
import { pickLabel } from '../core/labels'
import { changeCenter, changeListing, isFiltered, lastPage, type ListingSort, type ListingState, readListing, screenshotUrl, SORTS, writeListing } from '../core/market/listingUrl'
import { ErrorState } from '../runtime/ErrorState'
import { useMe } from '../session'
import type { Card as CardData } from './queries'
import { useListing } from './useListing'
import { useRemotes } from './useRemotes'

/** The browse page's address with `change` applied (a filter change goes back to page 1). */
const linkTo = (state: ListingState, change: Partial<ListingState>) => ({ pathname: '/market', search: writeListing(changeListing(state, change)).toString() })

function Cover({ card, name, center }: { card: CardData; name: string; center: number | null }) {
  const { t } = useTranslation()
  if (card.screenshots > 0) {
    return <img alt={t('market.screenshotOf', { name })} src={screenshotUrl(center, card.key, 0)} className="market-cover" />
  }
  return (
    <div className="market-cover market-cover-blank" aria-hidden="true">
      <AppstoreOutlined />
      <span>{name.slice(0, 4)}</span>
    </div>
  )
}

function TemplateCard({ card, state }: { card: CardData; state: ListingState }) {
  const { t, i18n } = useTranslation()
  const name = pickLabel(card.name, i18n.language, card.key)
  return (
    <Card cover={<Cover card={card} name={name} center={state.center} />} size="small" className="market-card">
      <Card.Meta
        title={<Link to={`/market/t/${card.key}${state.center === null ? '' : `?center=${state.center}`}`}>{name}</Link>}
        description={
          <Space direction="vertical" size={4} style={{ width: '100%' }}>
            <Typography.Text type="secondary" ellipsis>
              {t('market.byPrefix')}
              <Link to={linkTo(state, { publisher: card.publisher })} aria-label={t('market.publisherFilter', { publisher: card.publisher })}>
                {card.publisher}
              </Link>
            </Typography.Text>
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 0, minHeight: 44 }}>
              {pickLabel(card.description, i18n.language)}
            </Typography.Paragraph>
            <Space size={[4, 4]} wrap>
              {card.category && (
                <Link to={linkTo(state, { category: card.category })}>
                  <Tag color="blue">{card.category}</Tag>
                </Link>
              )}
              {card.tags.map((tag) => (
                <Link key={tag} to={linkTo(state, { tag })} aria-label={t('market.tagFilter', { tag })}>
                  <Tag>{tag}</Tag>
                </Link>
              ))}
            </Space>
            <Space size="middle" wrap>
              <span>{card.latest_version}</span>
              <span aria-label={t('market.installsCount', { count: card.installs })}>
                <DownloadOutlined /> {card.installs}
              </span>
              {card.rating !== null ? (
                <span aria-label={t('market.ratingSummary', { rating: card.rating, count: card.ratings })}>
                  <StarFilled style={{ color: '#faad14' }} /> {card.rating} ({card.ratings})
                </span>
              ) : (
                <Typography.Text type="secondary">{t('market.noRatings')}</Typography.Text>
              )}
            </Space>
          </Space>
        }
      />
    </Card>
  )
}

function ActiveFilters({ state, onChange }: { state: ListingState; onChange: (change: Partial<ListingState>) => void }) {
  const { t } = useTranslation()
  const chips = [
    state.tag && { key: 'tag', text: t('market.tagFilter', { tag: state.tag }), clear: { tag: null } },
    state.publisher && { key: 'publisher', text: t('market.publisherFilter', { publisher: state.publisher }), clear: { publisher: null } },
  ].filter((c) => !!c)
  if (!isFiltered(state)) return null
  return (
    <Space wrap size={[4, 4]}>
      {chips.map((chip) => (
        <Tag key={chip.key} color="processing" closable closeIcon={<CloseOutlined aria-label={t('market.removeFilter', { name: chip.text })} />} onClose={() => onChange(chip.clear)}>
          {chip.text}
        </Tag>
      ))}
      <Button type="link" size="small" onClick={() => onChange({ q: '', category: null, tag: null, publisher: null })}>
        {t('market.clearFilters')}
      </Button>
    </Space>
  )
}

/** /market — search (Chinese too), category, tag and publisher, three orders, a page of cards at a time; all of it
 *  in the address (`?q=&category=&tag=&publisher=&sort=&page=`), so reload and back keep it. */
export function BrowsePage() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const state = readListing(params)
  const go = (change: Partial<ListingState>) => setParams(writeListing(changeListing(state, change)))
  const listing = useListing(state)
  const me = useMe()
  const remotes = useRemotes(me.data?.is_org_admin === true)
  const data = listing.data
  const last = data ? lastPage(data.count, data.limit) : 1
  if (data && !listing.isPlaceholderData && data.count > 0 && state.page > last) {
    return <Navigate to={linkTo(state, { page: last })} replace />
  }
  return (
    <section aria-labelledby="market-browse-title">
      <Typography.Title level={3} id="market-browse-title">{t('market.browseTitle')}</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        {(remotes.data?.length ?? 0) > 0 && (
          <Select
            aria-label={t('market.center')}
            value={state.center ?? 0}
            onChange={(center: number) => setParams(writeListing(changeCenter(state, center === 0 ? null : center)))}
            options={[{ value: 0, label: t('market.thisCenter') }, ...(remotes.data ?? []).map((r) => ({ value: r.id, label: r.label }))]}
            style={{ width: 200 }}
          />
        )}
        <Input.Search
          key={state.q}
          defaultValue={state.q}
          aria-label={t('market.search')}
          placeholder={t('market.searchPlaceholder')}
          allowClear
          enterButton
          onSearch={(value) => go({ q: value.trim() })}
          style={{ width: 320, maxWidth: '100%' }}
        />
        <Select
          aria-label={t('market.category')}
          allowClear
          placeholder={t('market.allCategories')}
          value={state.category}
          onChange={(value: string | undefined) => go({ category: value ?? null })}
          options={(data?.categories ?? []).map((c) => ({ value: c, label: c }))}
          style={{ width: 180 }}
        />
        <Select
          aria-label={t('market.sort')}
          value={state.sort}
          onChange={(sort: ListingSort) => go({ sort })}
          options={SORTS.map((s) => ({ value: s, label: t(`market.sorts.${s}`) }))}
          style={{ width: 140 }}
        />
        <ActiveFilters state={state} onChange={go} />
      </Space>
      {listing.error ? (
        <ErrorState error={listing.error} onRetry={() => void listing.refetch()} home={false} />
      ) : !data ? (
        <Skeleton active />
      ) : data.count === 0 ? (
        <Empty style={{ marginBlock: 48 }} description={state.q ? t('market.noMatch', { q: state.q }) : isFiltered(state) ? t('market.noMatchFilters') : t('market.empty')}>
          {isFiltered(state) && (
            <Button onClick={() => go({ q: '', category: null, tag: null, publisher: null })}>{t('market.clearFilters')}</Button>
          )}
        </Empty>
      ) : (
        <div aria-busy={listing.isPlaceholderData} style={{ opacity: listing.isPlaceholderData ? 0.6 : 1 }}>
          <Typography.Paragraph type="secondary">
            {t('market.count', { count: data.count })}
            {last > 1 && ` · ${t('market.pageOf', { page: state.page, pages: last })}`}
          </Typography.Paragraph>
          <Row gutter={[16, 16]}>
            {data.items.map((card) => (
              <Col key={card.key} xs={24} sm={12} lg={8} xl={6}>
                <TemplateCard card={card} state={state} />
              </Col>
            ))}
          </Row>
          <nav aria-label={t('market.pages')} style={{ marginTop: 16, display: 'flex', justifyContent: 'center' }}>
            <Pagination
              current={state.page}
              pageSize={data.limit}
              total={data.count}
              showSizeChanger={false}
              hideOnSinglePage
              onChange={(page) => {
                go({ page })
                window.scrollTo({ top: 0 })
              }}
            />
          </nav>
        </div>
      )}
    </section>
  )
}
