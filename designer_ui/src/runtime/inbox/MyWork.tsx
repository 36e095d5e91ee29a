import { Card, Col, Row, Statistic } from 'antd'
import { useTranslation } from 'react-i18next'
import { myWork, type WorkBucket } from '../../core/tasks/myWork'
import { useInbox } from './useInbox'

const BUCKETS: { key: WorkBucket; colour?: string }[] = [
  { key: 'open' },
  { key: 'nearBreach', colour: '#d48806' },
  { key: 'breached', colour: '#cf1322' },
  { key: 'waiting', colour: '#8c8c8c' },
]

/** The agent home: my open records, near breach, breached, waiting on the customer — read from my
 * pending tasks (SLA states and due times, and the steps where the flow's SLA clock pauses). */
export function MyWork({ appKey, onPick }: { appKey: string; onPick?: (bucket: WorkBucket) => void }) {
  const { t } = useTranslation()
  const pending = useInbox('pending')
  const work = myWork((pending.data?.items ?? []).filter((i) => i.app === appKey), new Date())
  return (
    <section aria-label={t('inbox.work.title')}>
      <Row gutter={[16, 16]}>
        {BUCKETS.map(({ key, colour }) => (
          <Col key={key} xs={12} lg={6}>
            <Card
              size="small"
              hoverable={onPick !== undefined}
              onClick={onPick ? () => onPick(key) : undefined}
              role={onPick ? 'button' : undefined}
              aria-label={`${t(`inbox.work.${key}`)}: ${work[key].length}`}
            >
              <Statistic
                title={t(`inbox.work.${key}`)}
                value={work[key].length}
                loading={pending.isPending}
                valueStyle={colour && work[key].length > 0 ? { color: colour } : undefined}
              />
            </Card>
          </Col>
        ))}
      </Row>
    </section>
  )
}
