import { ArrowLeftOutlined } from '@ant-design/icons'
import { Button, Card, Col, Input, Result, Row, Skeleton, Space, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { ChecksPanel, VersionEvents } from './ChecksPanel'
import { STATE_COLOR, type TemplateVersion } from './queries'
import { SandboxCard } from './SandboxCard'
import { useAct } from './useAct'
import { useCenterMe } from './useCenterMe'
import { useVersion } from './useVersion'

const REVIEWABLE: TemplateVersion['state'][] = ['submitted', 'in_review']

function Decide({ version }: { version: TemplateVersion }) {
  const { t } = useTranslation()
  const act = useAct()
  const navigate = useNavigate()
  const [comment, setComment] = useState('')
  // not mutate's onSuccess: the refreshed version is no longer under review, so this form unmounts before it would run
  const decide = (action: 'approve' | 'request_changes') =>
    act.mutateAsync({ id: version.id, action, comment: comment || undefined }).then(() => navigate('/market/review'), () => undefined)
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <label htmlFor="review-comment">{t('market.reviewComment')}</label>
      <Input.TextArea id="review-comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
      <Space wrap>
        {version.state === 'submitted' && (
          <Button onClick={() => act.mutate({ id: version.id, action: 'start_review' })}>{t('market.actions.start_review')}</Button>
        )}
        <Button danger disabled={!comment.trim()} loading={act.isPending} onClick={() => void decide('request_changes')}>
          {t('market.actions.request_changes')}
        </Button>
        <Button type="primary" loading={act.isPending} onClick={() => void decide('approve')}>{t('market.actions.approve')}</Button>
      </Space>
    </Space>
  )
}

/** /market/review/:id — one version under review: its automatic checks, its history and the decision with a comment. */
export function ReviewPage() {
  const { t, i18n } = useTranslation()
  const id = Number(useParams().id)
  const valid = Number.isInteger(id) && id >= 1 && id < 2 ** 31
  const version = useVersion(valid ? id : 0)
  const me = useCenterMe()
  const back = (
    <Link to="/market/review">
      <ArrowLeftOutlined /> {t('market.backToQueue')}
    </Link>
  )
  if (!valid) return <Result status="404" title={t('market.noSuchVersion')} extra={back} />
  if (version.error) return <ErrorState error={version.error} onRetry={() => void version.refetch()} />
  if (version.isPending) return <Skeleton active />
  const v = version.data
  const name = pickLabel(v.name, i18n.language, v.template)
  return (
    <section aria-labelledby="market-review-version">
      {back}
      <Typography.Title level={3} id="market-review-version" style={{ marginTop: 8 }}>
        {t('market.reviewOf', { name, version: v.version })}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Tag color={STATE_COLOR[v.state]}>{t(`market.states.${v.state}`)}</Tag>
        <Typography.Text type="secondary">{t('market.signedBy', { key: v.signer_key_id ?? '—', publisher: v.publisher })}</Typography.Text>
      </Space>
      <Row gutter={[16, 16]} align="top">
        <Col xs={24} lg={15}>
          <Card size="small" title={t('market.checks')}>
            <ChecksPanel checks={v.checks} />
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Card size="small" title={t('market.decision')}>
              {REVIEWABLE.includes(v.state) ? <Decide version={v} /> : <Typography.Text type="secondary">{t('market.notInReview')}</Typography.Text>}
            </Card>
            {me.data?.reviewer && <SandboxCard versionId={v.id} />}
            <Card size="small" title={t('market.history')}>
              <VersionEvents version={v} />
            </Card>
          </Space>
        </Col>
      </Row>
    </section>
  )
}
