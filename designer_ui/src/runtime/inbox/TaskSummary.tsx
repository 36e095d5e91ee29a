import { Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { summaryLines } from '../../core/tasks/summary'
import type { InboxItem } from '../../core/tasks/types'
import { useListColumns } from '../list/useListColumns'

/** Under an inbox row's record: what its step shows (an approval's amount), so it can be decided here. */
export function TaskSummary({ item }: { item: InboxItem }) {
  const { t, i18n } = useTranslation()
  const hasSummary = Object.keys(item.summary ?? {}).some((key) => !key.startsWith('_'))
  const columns = useListColumns(item.app, item.form_key, hasSummary)
  if (!hasSummary || !columns.data) return null
  const names = { users: columns.data.users, departments: columns.data.departments }
  const lines = summaryLines(columns.data.columns, item.summary, names, i18n.language)
  return (
    <div>
      {lines.map((line) => (
        <div key={line.key}>
          <Typography.Text type="secondary" style={{ maxWidth: 420 }} ellipsis={{ tooltip: line.text }}>
            {t('inbox.summaryLine', { label: line.label, value: line.text })}
          </Typography.Text>
        </div>
      ))}
    </div>
  )
}
