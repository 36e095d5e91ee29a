import { Button, Card, Empty, Input, List, Skeleton, Space, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { ChecksPanel, VersionEvents } from './ChecksPanel'
import { STATE_COLOR, type TemplateVersion } from './queries'
import { useAct } from './useAct'
import { useReviewQueue } from './useReviewQueue'

function Decide({ version }: { version: TemplateVersion }) {
  const { t } = useTranslation()
  const act = useAct()
  const [comment, setComment] = useState('')
  const decide = (action: 'approve' | 'request_changes') => act.mutate({ id: version.id, action, comment: comment || undefined }, { onSuccess: () => setComment('') })
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <label htmlFor="review-comment">{t('market.reviewComment')}</label>
      <Input.TextArea id="review-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
      <Space wrap>
        {version.state === 'submitted' && (
          <Button onClick={() => act.mutate({ id: version.id, action: 'start_review' })}>{t('market.actions.start_review')}</Button>
        )}
        <Button danger disabled={!comment.trim()} loading={act.isPending} onClick={() => decide('request_changes')}>
          {t('market.actions.request_changes')}
        </Button>
        <Button type="primary" loading={act.isPending} onClick={() => decide('approve')}>{t('market.actions.approve')}</Button>
      </Space>
    </Space>
  )
}

/** /market/review — the reviewers' queue: each version with its automatic checks, history and a decision with comment. */
export function ReviewPage() {
  const { t, i18n } = useTranslation()
  const queue = useReviewQueue()
  const [chosen, setChosen] = useState<number | null>(null)
  if (queue.error) return <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />
  if (queue.isPending) return <Skeleton active />
  const current = queue.data.find((v) => v.id === chosen) ?? queue.data[0]
  return (
    <section aria-labelledby="market-review-title">
      <Typography.Title level={3} id="market-review-title">{t('market.reviewQueue')}</Typography.Title>
      {!current ? (
        <Empty description={t('market.queueEmpty')} />
      ) : (
        <div className="market-review">
          <List
            bordered
            aria-label={t('market.reviewQueue')}
            dataSource={queue.data}
            renderItem={(v) => (
              <List.Item onClick={() => setChosen(v.id)} style={{ cursor: 'pointer', background: v.id === current.id ? '#e6f4ff' : undefined }}>
                <Space wrap>
                  <Button type="link" onClick={() => setChosen(v.id)}>{pickLabel(v.name, i18n.language, v.template)} {v.version}</Button>
                  <Tag color={STATE_COLOR[v.state]}>{t(`market.states.${v.state}`)}</Tag>
                  <span>{v.publisher}</span>
                </Space>
              </List.Item>
            )}
          />
          <Card title={`${pickLabel(current.name, i18n.language, current.template)} ${current.version}`} size="small">
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Text type="secondary">{t('market.signedBy', { key: current.signer_key_id ?? '—', publisher: current.publisher })}</Typography.Text>
              <ChecksPanel checks={current.checks} />
              <VersionEvents version={current} />
              <Decide version={current} />
            </Space>
          </Card>
        </div>
      )}
    </section>
  )
}
