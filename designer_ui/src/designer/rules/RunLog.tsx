import { useInfiniteQuery } from '@tanstack/react-query'
import { Alert, Button, DatePicker, Form, InputNumber, Select, Space, Table, Tag, Typography } from 'antd'
import type { Dayjs } from 'dayjs'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { runLog, type RunFilter, type RuleLogEntry } from './rulesApi'
import { useReason } from './useReason'
import type { Choice } from './useRuleScope'

interface Props {
  appKey: string
  rules: Choice[]
  /** Fixed to one rule (its editor's log tab). */
  rule?: string
}

const STATUS_COLOR: Record<string, string> = { fired: 'green', error: 'red', cut: 'orange' }
const STATUSES = ['fired', 'error', 'cut'] as const
const EVENTS = ['created', 'updated', 'deleted', 'restored', 'flow', 'time', 'cron', 'manual'] as const

/** The execution log of the published rules, newest first, filtered on the server; pages by the last id seen. */
export function RunLog({ appKey, rules, rule }: Props) {
  const { t, i18n } = useTranslation()
  const words = useReason()
  const [filter, setFilter] = useState<RunFilter>(rule ? { rule } : {})
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null)
  const query = { ...filter, ...(rule ? { rule } : {}), ...(range?.[0] ? { since: range[0].startOf('day').format() } : {}),
    ...(range?.[1] ? { until: range[1].add(1, 'day').startOf('day').format() } : {}) }
  const pages = useInfiniteQuery({
    queryKey: ['design', appKey, 'runs', query],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => runLog(appKey, { ...query, ...(pageParam ? { before_id: pageParam } : {}) }),
    getNextPageParam: (last: RuleLogEntry[]) => (last.length === 50 ? last[last.length - 1]?.id : undefined),
  })
  const rows = pages.data?.pages.flat() ?? []
  const set = (patch: Partial<RunFilter>) => setFilter((f) => Object.fromEntries(Object.entries({ ...f, ...patch })
    .filter(([, v]) => v !== undefined && v !== null)) as RunFilter)
  return <Space direction="vertical" style={{ width: '100%' }}>
    <Form layout="inline" size="small" component="div" aria-label={t('designer.rules.log.filters')}>
      {!rule && <Form.Item label={t('designer.rules.log.rule')} htmlFor="log-rule">
        <Select id="log-rule" allowClear style={{ width: 200 }} options={rules} value={filter.rule}
          showSearch={{ optionFilterProp: 'label' }} onChange={(v: string | undefined) => set({ rule: v })} />
      </Form.Item>}
      <Form.Item label={t('designer.rules.log.statusLabel')} htmlFor="log-status">
        <Select id="log-status" allowClear showSearch={{ optionFilterProp: 'label' }} style={{ width: 110 }} value={filter.status} onChange={(v: string | undefined) => set({ status: v })}
          options={STATUSES.map((s) => ({ value: s, label: t(`designer.rules.log.status.${s}`) }))} />
      </Form.Item>
      <Form.Item label={t('designer.rules.log.event')} htmlFor="log-event">
        <Select id="log-event" allowClear showSearch={{ optionFilterProp: 'label' }} style={{ width: 120 }} value={filter.event} onChange={(v: string | undefined) => set({ event: v })}
          options={EVENTS.map((e) => ({ value: e, label: t(`designer.rules.event.${e}`) }))} />
      </Form.Item>
      <Form.Item label={t('designer.rules.log.record')} htmlFor="log-record">
        <InputNumber id="log-record" min={1} style={{ width: 110 }} value={filter.record_id ?? null}
          onChange={(v) => set({ record_id: typeof v === 'number' ? v : undefined })} />
      </Form.Item>
      <Form.Item label={t('designer.rules.log.period')}>
        <DatePicker.RangePicker size="small" value={range} onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)}
          aria-label={t('designer.rules.log.period')} />
      </Form.Item>
    </Form>
    {pages.isError && <Alert type="error" showIcon message={pages.error.message} />}
    <Table<RuleLogEntry> size="small" rowKey="id" loading={pages.isLoading} dataSource={rows} pagination={false}
      aria-label={t('designer.rules.log.title')} locale={{ emptyText: t('designer.rules.log.empty') }}
      expandable={{ expandedRowRender: (r) => <pre className="rules-pre">{JSON.stringify(r.changes, null, 2)}</pre> }}
      columns={[
        { title: t('designer.rules.log.at'), dataIndex: 'at', width: 160,
          render: (at: string) => new Date(at).toLocaleString(i18n.language) },
        ...(rule ? [] : [{ title: t('designer.rules.log.rule'), dataIndex: 'rule',
          render: (key: string) => rules.find((r) => r.value === key)?.label ?? key }]),
        { title: t('designer.rules.log.event'), dataIndex: 'event', width: 90,
          render: (e: string) => t(`designer.rules.event.${e}`, e) },
        { title: t('designer.rules.log.record'), dataIndex: 'record_id', width: 80 },
        { title: t('designer.rules.log.statusLabel'), dataIndex: 'status', width: 80,
          render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`designer.rules.log.status.${s}`, s)}</Tag> },
        { title: t('designer.rules.log.reason'), render: (_, r) => r.error
          ? <Typography.Text type="danger">{r.error}</Typography.Text> : words(r.reason) },
      ]} />
    {pages.hasNextPage && <Button onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
      {t('designer.rules.log.more')}</Button>}
  </Space>
}
