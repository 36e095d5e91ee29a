import { useMutation } from '@tanstack/react-query'
import { App as AntApp, Button, Descriptions, Form, Image, Input, List, Rate, Skeleton, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams, useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import { pickLabel } from '../core/labels'
import { type ListingState, readListing, screenshotUrl, writeListing } from '../core/market/listingUrl'
import { ErrorState } from '../runtime/ErrorState'
import { useMe } from '../session'
import { InstallWizard } from './install/InstallWizard'
import type { PackageUpload } from './install/queries'
import { type Detail, STATE_COLOR } from './queries'
import { useRemotes } from './useRemotes'
import { useTemplate } from './useTemplate'

/** The browse page filtered by `change` (a publisher, a category or a tag). */
const browseBy = (change: Partial<ListingState>) => `/market?${writeListing({ ...readListing(new URLSearchParams()), ...change }).toString()}`

function RateForm({ template, onDone }: { template: string; onDone: () => void }) {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const rate = useMutation({
    mutationFn: async (body: { stars: number; comment?: string }) =>
      unwrap(await api.POST('/api/v1/market/templates/{template_key}/ratings', { params: { path: { template_key: template } }, body })),
    onSuccess: () => {
      message.success(t('market.rated'))
      onDone()
    },
    onError: (error) => message.error(error.message),
  })
  return (
    <Form layout="inline" onFinish={(values: { stars: number; comment?: string }) => rate.mutate(values)}>
      <Form.Item name="stars" label={t('market.stars')} rules={[{ required: true }]}>
        <Rate />
      </Form.Item>
      <Form.Item name="comment" label={t('market.comment')}>
        <Input style={{ width: 240 }} />
      </Form.Item>
      <Button htmlType="submit" loading={rate.isPending}>{t('market.rate')}</Button>
    </Form>
  )
}

function Versions({ detail }: { detail: Detail }) {
  const { t, i18n } = useTranslation()
  return (
    <Table
      rowKey="version"
      size="small"
      pagination={false}
      dataSource={detail.versions}
      scroll={{ x: true }}
      columns={[
        { title: t('market.version'), dataIndex: 'version' },
        { title: t('market.state'), dataIndex: 'state', render: (s: Detail['versions'][number]['state']) => <Tag color={STATE_COLOR[s]}>{t(`market.states.${s}`)}</Tag> },
        { title: t('market.changelog'), render: (_, v) => pickLabel(v.changelog, i18n.language, '—') },
        { title: t('market.published'), dataIndex: 'published_at', render: (at: string) => new Date(at).toLocaleDateString() },
      ]}
    />
  )
}

/** /market/t/:key — a template: description, screenshots, versions and changelog, ratings; install (admins). */
export function TemplatePage() {
  const { t, i18n } = useTranslation()
  const { key = '' } = useParams()
  const center = readListing(useSearchParams()[0]).center
  const template = useTemplate(key, center)
  const remote = useRemotes(center !== null).data?.find((r) => r.id === center)
  const me = useMe()
  const { message } = AntApp.useApp()
  const [start, setStart] = useState<PackageUpload | null>(null)
  const fetchPackage = useMutation({
    mutationFn: async (version: string) =>
      center === null
        ? unwrap(await api.POST('/api/v1/admin/market/center/install', { body: { template: key, version } }))
        : unwrap(await api.POST('/api/v1/admin/market/remotes/{remote_id}/install', { params: { path: { remote_id: center } }, body: { template: key, version } })),
    onSuccess: (answer) => setStart(answer),
    onError: (error) => message.error(error.message),
  })
  if (template.error) return <ErrorState error={template.error} onRetry={() => void template.refetch()} />
  if (template.isPending) return <Skeleton active />
  const detail = template.data
  const name = pickLabel(detail.name, i18n.language, detail.key)
  const installable = detail.latest_version
  return (
    <section aria-labelledby="market-template-title">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Space align="baseline">
          <Typography.Title level={3} id="market-template-title">{name}</Typography.Title>
          {remote && <Tag color="purple">{t('market.fromRemote', { label: remote.label })}</Tag>}
        </Space>
        {me.data?.is_org_admin && installable && (
          <Button type="primary" loading={fetchPackage.isPending} onClick={() => fetchPackage.mutate(installable)}>
            {t('market.install', { version: installable })}
          </Button>
        )}
      </Space>
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('market.publisher')}>
          <Link to={browseBy({ center, publisher: detail.publisher })}>{detail.publisher}</Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('market.latest')}>{detail.latest_version ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('market.installs')}>{detail.installs}</Descriptions.Item>
        <Descriptions.Item label={t('market.category')}>
          {detail.category ? <Link to={browseBy({ center, category: detail.category })}>{detail.category}</Link> : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('market.licence')}>{detail.licence ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('market.rating')}>
          {detail.rating === null ? t('market.noRatings') : t('market.ratingSummary', { rating: detail.rating, count: detail.ratings })}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph>{pickLabel(detail.description, i18n.language)}</Typography.Paragraph>
      <Space size={[4, 4]} wrap style={{ marginBottom: 16 }}>
        {detail.tags.map((tag) => (
          <Link key={tag} to={browseBy({ center, tag })} aria-label={t('market.tagFilter', { tag })}>
            <Tag>{tag}</Tag>
          </Link>
        ))}
      </Space>
      {detail.screenshots > 0 && (
        <Image.PreviewGroup>
          <Space wrap style={{ marginBottom: 16 }}>
            {Array.from({ length: detail.screenshots }, (_, i) => (
              <Image key={i} width={240} alt={t('market.screenshotN', { n: i + 1 })} src={screenshotUrl(center, detail.key, i)} />
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
      <Typography.Title level={4}>{t('market.versions')}</Typography.Title>
      <Versions detail={detail} />
      <Typography.Title level={4} style={{ marginTop: 24 }}>{t('market.reviews')}</Typography.Title>
      {me.data?.is_org_admin && center === null && <RateForm template={detail.key} onDone={() => void template.refetch()} />}
      <List
        locale={{ emptyText: t('market.noRatings') }}
        dataSource={detail.reviews}
        renderItem={(r) => (
          <List.Item>
            <List.Item.Meta title={<Space><Rate disabled value={r.stars} /> {r.organisation} · {r.username}</Space>} description={r.comment} />
          </List.Item>
        )}
      />
      {start && <InstallWizard key={start.id} open start={start} onClose={() => setStart(null)} />}
    </section>
  )
}
