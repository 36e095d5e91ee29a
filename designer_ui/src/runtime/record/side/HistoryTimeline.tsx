import { Empty, Skeleton, Timeline, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { shortValue, timeline } from '../../../core/tasks/history'
import { ErrorState } from '../../ErrorState'
import type { RecordRef } from './recordRef'
import { useHistory } from './useHistory'
import { nameOf } from '../../../core/tasks/people'
import { usePeople } from './usePeople'

/** The record's field-level history, newest first: who changed what from what to what. */
export function HistoryTimeline({ record, fieldLabel }: { record: RecordRef; fieldLabel: (key: string) => string }) {
  const { t, i18n } = useTranslation()
  const history = useHistory(record)
  const people = usePeople()
  if (history.isPending) return <Skeleton active />
  if (history.error) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />
  const items = timeline(history.data)
  if (items.length === 0) return <Empty description={t('side.history.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
  return (
    <section aria-label={t('side.history.title')}>
    <Timeline
      items={items.map((item, index) => ({
        key: `${item.at}-${index}`,
        color: item.action === 'delete' || item.action === 'reject' ? 'red' : item.node ? 'green' : item.action === 'comment' ? 'gray' : 'blue',
        children: (
          <div>
            <Typography.Text strong>{nameOf(people.data, item.actorId, t('side.flow.outsider'))}</Typography.Text>{' '}
            <Typography.Text>{t(`side.history.action.${item.action}`, { defaultValue: item.action })}</Typography.Text>{' '}
            {item.node && <Typography.Text code>{item.node}</Typography.Text>}{' '}
            <Typography.Text type="secondary">{new Date(item.at).toLocaleString(i18n.language)}</Typography.Text>
            {item.comment && <Typography.Paragraph style={{ margin: 0 }} ellipsis={{ rows: 2 }}>{item.comment}</Typography.Paragraph>}
            {item.changes.length > 0 && (
              <ul className="side-changes">
                {item.changes.map((change) => (
                  <li key={change.field}>
                    {fieldLabel(change.field)}: <del>{shortValue(change.before)}</del> → <ins>{shortValue(change.after)}</ins>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ),
      }))}
    />
    </section>
  )
}
