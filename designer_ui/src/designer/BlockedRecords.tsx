import { useQuery } from '@tanstack/react-query'
import { Alert, List, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { blockedRecords } from './designerApi'

interface Props {
  appKey: string
  /** The table's state key: a form's key, or `form__subtable` for a sub-table's rows. */
  form: string
  field: string
  ids: number[]
  /** Display names of the form and the field, and the form's title field (null: none). */
  formName: string
  fieldName: string
  titleField: string | null
  serialField: string | null
}

const SHOWN = 20

/** A retype's records whose stored value cannot take the new type, each named and linked to its page,
 * so the designer can fix them in the app before publishing again. */
export function BlockedRecords({ appKey, form, field, ids, formName, fieldName, titleField, serialField }: Props) {
  const { t } = useTranslation()
  const sub = form.includes('__')
  const shown = ids.slice(0, SHOWN)
  const rows = useQuery({ queryKey: ['design', appKey, 'blocked', form, field, shown], enabled: !sub, retry: false,
    queryFn: () => blockedRecords(appKey, form, shown, [field, titleField, serialField].filter((f): f is string => !!f)) })
  const byId = new Map((rows.data ?? []).map((r) => [r.id, r]))
  const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v))
  const name = (id: number) => {
    const row = byId.get(id)
    const serial = serialField && row ? text(row[serialField]) : ''
    const title = titleField && titleField !== field && row ? text(row[titleField]) : ''
    return [serial || t('designer.publish.recordId', { id }), title && `「${title}」`].filter(Boolean).join(' ')
  }
  return <Alert type="error" showIcon style={{ marginBottom: 8 }}
    message={t('designer.publish.unconvertible', { field: fieldName, form: formName, n: ids.length })}
    description={<section aria-label={t('designer.publish.blockedList', { field: fieldName })}><List size="small" dataSource={shown}
      footer={ids.length > SHOWN ? t('designer.publish.blockedMore', { n: ids.length - SHOWN }) : undefined}
      renderItem={(id) => <List.Item style={{ padding: '2px 0' }}>
        <span>
          {sub ? <span>{t('designer.publish.rowId', { id })}</span>
            : <Typography.Link href={`/a/${appKey}/forms/${form}/records/${id}`} target="_blank">{name(id)}</Typography.Link>}
          {byId.has(id) && <Typography.Text type="secondary">
            {' '}{t('designer.publish.blockedValue', { value: text(byId.get(id)?.[field]) })}</Typography.Text>}
        </span>
      </List.Item>} /></section>} />
}
