import { App, Button, Popconfirm, Select, Space, Tabs, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams, useSearchParams } from 'react-router'
import { pickLabel } from '../../core/labels'
import { canBulkApprove } from '../../core/tasks/actions'
import { myWork, type WorkBucket } from '../../core/tasks/myWork'
import type { InboxItem } from '../../core/tasks/types'
import { ErrorState } from '../ErrorState'
import { useNavigation } from '../useNavigation'
import { MyWork } from './MyWork'
import { TaskTable } from './TaskTable'
import { useBulkApprove } from './useBulkApprove'
import { useInbox, type Box } from './useInbox'

const TABS = ['work', 'pending', 'done', 'cc'] as const
type Tab = (typeof TABS)[number]

/** /a/:app/inbox — my tasks in this app: my work, to do, done, copied to me. */
export function InboxPage() {
  const { t, i18n } = useTranslation()
  const { app = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'pending'
  const bucket = (params.get('bucket') ?? 'open') as WorkBucket
  const nav = useNavigation(app)
  const lang = i18n.language
  const formLabel = (key: string) => pickLabel(nav.data?.forms.find((f) => f.key === key)?.label, lang, key)

  const choose = (next: Record<string, string>) => setParams(next, { replace: true })
  return (
    <div className="inbox-page">
      <Typography.Title level={2}>{t('inbox.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(key) => choose({ tab: key })}
        items={TABS.map((key) => ({
          key,
          label: t(`inbox.tabs.${key}`),
          children:
            key === 'work' ? (
              <WorkTab app={app} bucket={bucket} formLabel={formLabel} onPick={(b) => choose({ tab: 'work', bucket: b })} />
            ) : (
              <BoxTab app={app} box={key} formLabel={formLabel} active={tab === key} />
            ),
        }))}
      />
    </div>
  )
}

function WorkTab(props: { app: string; bucket: WorkBucket; formLabel: (k: string) => string; onPick: (b: WorkBucket) => void }) {
  const { t } = useTranslation()
  const pending = useInbox('pending')
  const work = myWork((pending.data?.items ?? []).filter((i) => i.app === props.app), new Date())
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <MyWork appKey={props.app} onPick={props.onPick} />
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t(`inbox.work.${props.bucket}`)}
      </Typography.Title>
      <TaskTable box="pending" items={work[props.bucket] ?? []} loading={pending.isPending} formLabel={props.formLabel} />
    </Space>
  )
}

function BoxTab(props: { app: string; box: Box; formLabel: (k: string) => string; active: boolean }) {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const inbox = useInbox(props.box, props.active)
  const [node, setNode] = useState<string | null>(null)
  const [selected, setSelected] = useState<number[]>([])
  const bulk = useBulkApprove()
  const mine = useMemo(() => (inbox.data?.items ?? []).filter((i) => i.app === props.app), [inbox.data, props.app])
  const nodes = useMemo(() => {
    const seen = new Map<string, InboxItem>()
    for (const item of mine) if (item.node_id && !seen.has(item.node_id)) seen.set(item.node_id, item)
    return [...seen.values()]
  }, [mine])
  if (inbox.error) return <ErrorState error={inbox.error} onRetry={() => void inbox.refetch()} />
  const shown = node ? mine.filter((i) => i.node_id === node) : mine
  const approvable = selected.filter((id) => shown.some((i) => i.task_id === id && canBulkApprove(i)))

  async function approveSelected() {
    const result = await bulk.mutateAsync(approvable)
    setSelected([])
    if (result.done.length) message.success(t('inbox.bulkDone', { count: result.done.length }))
    if (result.failed.length)
      message.error(t('inbox.bulkFailed', { count: result.failed.length, detail: result.failed.map((f) => f.message).join('; ') }))
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {nodes.length > 0 && (
          <Select
            aria-label={t('inbox.filterNode')}
            style={{ minWidth: 200 }}
            showSearch
            optionFilterProp="label"
            value={node ?? ''}
            onChange={(value: string) => setNode(value || null)}
            options={[
              { value: '', label: t('inbox.allNodes') },
              ...nodes.map((n) => ({ value: n.node_id ?? '', label: pickLabel(n.node_label, i18n.language, n.node_id ?? '') })),
            ]}
          />
        )}
        {props.box === 'pending' && (
          <Popconfirm
            title={t('inbox.bulkConfirm', { count: approvable.length })}
            onConfirm={() => approveSelected()}
            disabled={approvable.length === 0}
          >
            <Button type="primary" disabled={approvable.length === 0} loading={bulk.isPending}>
              {t('inbox.bulkApprove', { count: approvable.length })}
            </Button>
          </Popconfirm>
        )}
      </Space>
      <TaskTable
        box={props.box}
        items={shown}
        loading={inbox.isPending}
        formLabel={props.formLabel}
        selected={props.box === 'pending' ? selected : undefined}
        onSelect={props.box === 'pending' ? setSelected : undefined}
      />
    </Space>
  )
}
