import { Card, Empty, List, Skeleton, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { components } from '../../../api/schema'
import { pickLabel } from '../../../core/labels'
import { ErrorState } from '../../ErrorState'
import type { RecordRef } from './recordRef'
import { useBacklinks } from './useBacklinks'
import { useRelated } from './useRelated'

type SuggestTarget = components['schemas']['SuggestTarget']

function recordUrl(app: string, form: string, id: number) {
  return `/a/${app}/forms/${form}/records/${id}`
}

/** Who points at this record (a customer's complaints and surveys), and records the server suggests
 * beside it (knowledge articles beside a complaint). */
export function RelatedLists({ record }: { record: RecordRef }) {
  const { t, i18n } = useTranslation()
  const links = useBacklinks(record)
  if (links.isPending) return <Skeleton active />
  if (links.error) return <ErrorState error={links.error} onRetry={() => void links.refetch()} />
  const { groups, suggest } = links.data
  const lang = i18n.language
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {groups.length === 0 && suggest.length === 0 && (
        <Empty description={t('side.related.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      )}
      {groups.map((group) => {
        const title = `${pickLabel(group.form_label, lang, group.form)} · ${pickLabel(group.field_label, lang, group.field)}`
        return (
          <Card key={`${group.form}.${group.field}`} size="small" title={title}
            extra={<Typography.Text type="secondary">{group.total_is_exact ? group.total : `${group.total}+`}</Typography.Text>}>
            {group.items.length === 0 ? (
              <Typography.Text type="secondary">{t('side.related.empty')}</Typography.Text>
            ) : (
              <List
                size="small"
                aria-label={title}
                dataSource={group.items}
                renderItem={(item) => (
                  <List.Item>
                    <Link to={recordUrl(record.appKey, group.form, item.id)}>{item.title ?? `#${item.id}`}</Link>
                    {item.created_at && (
                      <Typography.Text type="secondary">{new Date(item.created_at).toLocaleDateString(lang)}</Typography.Text>
                    )}
                  </List.Item>
                )}
              />
            )}
          </Card>
        )
      })}
      {suggest.map((target) => (
        <Suggestions key={target.form} record={record} target={target} />
      ))}
    </Space>
  )
}

function Suggestions({ record, target }: { record: RecordRef; target: SuggestTarget }) {
  const { t, i18n } = useTranslation()
  const related = useRelated(record, target.form)
  const title = t('side.related.suggested', { form: pickLabel(target.form_label, i18n.language, target.form) })
  // a suggestion that finds nothing is noise beside the record: only what was found is shown
  if (related.error || (related.data && related.data.length === 0)) return null
  return (
    <Card size="small" title={title}>
      {related.isPending && <Skeleton active paragraph={{ rows: 2 }} />}
      {related.data && related.data.length > 0 && (
        <List
          size="small"
          aria-label={title}
          dataSource={related.data}
          renderItem={(item) => {
            const name = target.title_field ? item[target.title_field] : null
            return (
              <List.Item>
                <Link to={recordUrl(record.appKey, target.form, item.id)}>{typeof name === 'string' ? name : `#${item.id}`}</Link>
              </List.Item>
            )
          }}
        />
      )}
    </Card>
  )
}
