import { Button, Space, Table, Tag, Tooltip, Typography } from 'antd'
import type { ColumnsType } from 'antd/es/table'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { canBulkApprove } from '../../core/tasks/actions'
import { pickLabel } from '../../core/labels'
import type { InboxItem } from '../../core/tasks/types'
import { SlaTag } from '../record/side/SlaTag'
import { TaskSummary } from './TaskSummary'
import type { Box } from './useInbox'

export function recordPath(item: InboxItem) {
  return `/a/${item.app}/forms/${item.form_key}/records/${item.record_id}`
}

function when(value: string | null | undefined, lang: string) {
  return value ? new Date(value).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' }) : '—'
}

/** The rows of one inbox: the record (a link to open it), the step, times and the SLA colour. */
export function TaskTable(props: {
  box: Box
  items: InboxItem[]
  loading: boolean
  formLabel: (formKey: string) => string
  selected?: number[]
  onSelect?: (taskIds: number[]) => void
}) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const columns: ColumnsType<InboxItem> = [
    {
      title: t('inbox.columns.record'),
      key: 'record',
      render: (_, item) => (
        <Space direction="vertical" size={0}>
          <Link to={recordPath(item)}>{`${props.formLabel(item.form_key)} #${item.record_id}`}</Link>
          {item.title && <Typography.Text style={{ maxWidth: 320 }} ellipsis={{ tooltip: item.title }}>{item.title}</Typography.Text>}
          <TaskSummary item={item} />
        </Space>
      ),
    },
  ]
  if (props.box === 'pending' || props.box === 'done')
    columns.push({
      title: t('inbox.columns.step'),
      key: 'step',
      render: (_, item) => (
        <>
          {pickLabel(item.node_label, lang, item.node_id ?? '')}
          {props.box === 'pending' && item.needs_input && (
            <Tooltip title={t('inbox.needsInput')}>
              <Typography.Text type="secondary"> ✎</Typography.Text>
            </Tooltip>
          )}
        </>
      ),
    })
  if (props.box === 'pending')
    columns.push(
      { title: t('inbox.columns.received'), key: 'received', render: (_, item) => when(item.created_at, lang), responsive: ['md'] },
      { title: t('inbox.columns.due'), key: 'due', render: (_, item) => when(item.due_at, lang), responsive: ['sm'] },
      { title: t('inbox.columns.sla'), key: 'sla', render: (_, item) => <SlaTag state={item.sla_state} dueAt={item.due_at} /> },
    )
  if (props.box === 'done')
    columns.push(
      {
        title: t('inbox.columns.decision'),
        key: 'decision',
        render: (_, item) => (item.decision ? <Tag>{t(`inbox.decision.${item.decision}`, { defaultValue: item.decision })}</Tag> : '—'),
      },
      { title: t('inbox.columns.actedAt'), key: 'acted', render: (_, item) => when(item.acted_at, lang) },
    )
  if (props.box === 'cc')
    columns.push(
      { title: t('inbox.columns.reason'), key: 'reason', render: (_, item) => t(`inbox.reason.${item.reason}`, { defaultValue: item.reason ?? '' }) },
      { title: t('inbox.columns.ccAt'), key: 'ccAt', render: (_, item) => when(item.cc_at, lang) },
      { title: t('inbox.columns.state'), key: 'state', render: (_, item) => t(`side.flow.state.${item.state}`, { defaultValue: item.state }) },
    )
  columns.push({
    title: '',
    key: 'open',
    width: 72,
    responsive: ['sm'], // on a phone the record link opens it
    render: (_, item) => (
      <Link to={recordPath(item)} aria-label={`${t('inbox.open')} ${props.formLabel(item.form_key)} #${item.record_id}`}>
        <Button size="small" tabIndex={-1}>
          {t('inbox.open')}
        </Button>
      </Link>
    ),
  })
  const selectable = props.onSelect !== undefined
  return (
    <Table<InboxItem>
      size="middle"
      rowKey={(item) => String(item.task_id ?? `${item.instance_id}-${item.cc_at ?? ''}`)}
      columns={columns}
      dataSource={props.items}
      loading={props.loading}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('inbox.empty') }}
      rowSelection={
        selectable
          ? {
              selectedRowKeys: (props.selected ?? []).map(String),
              onChange: (keys) => props.onSelect?.(keys.map(Number)),
              getCheckboxProps: (item) => ({
                disabled: !canBulkApprove(item),
                'aria-label': `${props.formLabel(item.form_key)} #${item.record_id}`,
              }),
            }
          : undefined
      }
    />
  )
}
