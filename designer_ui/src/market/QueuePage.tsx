import { Space, Table, Tag, Tooltip, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { type QueueEntry, STATE_COLOR } from './queries'
import { useReviewQueue } from './useReviewQueue'

/** What the automatic checks found, in numbers: schema errors, things deserving a human look, definition changes. */
function ChecksSummary({ entry }: { entry: QueueEntry }) {
  const { t } = useTranslation()
  const { added, changed, removed } = entry.changes
  return (
    <Space size={[4, 4]} wrap>
      {entry.schema_errors > 0 ? (
        <Tag color="error">{t('market.schemaErrors', { count: entry.schema_errors })}</Tag>
      ) : (
        <Tag color="success">{t('market.schemaValid')}</Tag>
      )}
      <Tag color={entry.attention > 0 ? 'warning' : 'default'}>{t('market.attentionCount', { count: entry.attention })}</Tag>
      <Tooltip title={t('market.changesHint')}>
        <Tag>{t('market.changesCount', { added, changed, removed })}</Tag>
      </Tooltip>
      <Typography.Text type="secondary">
        {entry.previous ? t('market.bumpFrom', { version: entry.previous, bump: entry.bump ? t(`market.bumps.${entry.bump}`) : '—' }) : t('market.firstVersionShort')}
      </Typography.Text>
    </Space>
  )
}

/** /market/review — the reviewers' queue: every version waiting, the longest waiting first, each a link to its review. */
export function QueuePage() {
  const { t, i18n } = useTranslation()
  const queue = useReviewQueue()
  if (queue.error) return <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />
  const rows = queue.data ?? []
  return (
    <section aria-labelledby="market-review-title">
      <Typography.Title level={3} id="market-review-title">{t('market.reviewQueue')}</Typography.Title>
      {rows.length > 0 && <Typography.Paragraph type="secondary">{t('market.queueCount', { count: rows.length })}</Typography.Paragraph>}
      <Table<QueueEntry>
        aria-label={t('market.reviewQueue')}
        rowKey="id"
        size="middle"
        loading={queue.isPending}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        locale={{ emptyText: t('market.queueEmpty') }}
        scroll={{ x: 960 }}
        columns={[
          {
            title: t('market.template'),
            key: 'template',
            render: (_, v) => {
              const name = pickLabel(v.name, i18n.language, v.template)
              return (
                <Space direction="vertical" size={0}>
                  <Link to={`/market/review/${v.id}`} aria-label={t('market.openReview', { name, version: v.version })}>{name}</Link>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{v.template}</Typography.Text>
                </Space>
              )
            },
          },
          { title: t('market.version'), dataIndex: 'version', width: 90 },
          { title: t('market.publisher'), dataIndex: 'publisher', ellipsis: true },
          {
            title: t('market.submittedAt'),
            dataIndex: 'submitted_at',
            width: 180,
            defaultSortOrder: 'ascend',
            sorter: (a, b) => a.submitted_at.localeCompare(b.submitted_at) || a.id - b.id,
            render: (at: string) => new Date(at).toLocaleString(i18n.language),
          },
          { title: t('market.state'), dataIndex: 'state', width: 100, render: (s: QueueEntry['state']) => <Tag color={STATE_COLOR[s]}>{t(`market.states.${s}`)}</Tag> },
          { title: t('market.checks'), key: 'checks', width: 360, render: (_, v) => <ChecksSummary entry={v} /> },
        ]}
      />
    </section>
  )
}
