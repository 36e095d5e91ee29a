import { useInfiniteQuery } from '@tanstack/react-query'
import { Button, DatePicker, Form, Input, Select, Space, Table, Typography } from 'antd'
import type { Dayjs } from 'dayjs'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, unwrap } from '../api/client'
import { matchesAudit } from '../core/admin/departmentTree'
import { ErrorState } from '../runtime/ErrorState'
import { useUsers, type AuditEntry } from './queries'

const PAGE = 200
const ENTITIES = ['session', 'user', 'department', 'permission', 'membership', 'token', 'record', 'definition']

interface Filters {
  actor?: number
  action?: string
  entity?: string
  range?: [Dayjs | null, Dayjs | null] | null
}

export function AuditPage() {
  const { t } = useTranslation()
  const users = useUsers()
  const [filters, setFilters] = useState<Filters>({})
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.username]))
  // keyset paging: each page asks for the entries older than the last one loaded
  const audit = useInfiniteQuery({
    queryKey: ['admin', 'audit'],
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/admin/audit', { params: { query: { limit: PAGE, ...(pageParam ? { before_id: pageParam } : {}) } } })),
    getNextPageParam: (last) => (last.length === PAGE ? last[last.length - 1]?.id : undefined),
  })
  const rows = (audit.data?.pages.flat() ?? []).filter((row) =>
    matchesAudit(row, {
      actorId: filters.actor ?? null,
      action: filters.action ?? '',
      entity: filters.entity ?? '',
      from: filters.range?.[0]?.toISOString() ?? null,
      to: filters.range?.[1]?.toISOString() ?? null,
    }),
  )

  return (
    <section aria-labelledby="admin-audit-title">
      <Typography.Title level={3} id="admin-audit-title">
        {t('admin.nav.audit')}
      </Typography.Title>
      <Form<Filters> layout="inline" onValuesChange={(_, all) => setFilters(all)} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="actor" label={t('admin.audit.actor')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 180 }}
            options={(users.data ?? []).map((u) => ({ value: u.id, label: u.username }))}
          />
        </Form.Item>
        <Form.Item name="action" label={t('admin.audit.action')}>
          <Input allowClear style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="entity" label={t('admin.audit.entity')}>
          <Select allowClear style={{ width: 140 }} options={ENTITIES.map((e) => ({ value: e, label: e }))} />
        </Form.Item>
        <Form.Item name="range" label={t('admin.audit.range')}>
          <DatePicker.RangePicker showTime />
        </Form.Item>
      </Form>
      {audit.error ? (
        <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
      ) : (
        <>
          <Table<AuditEntry>
            rowKey="id"
            size="small"
            loading={audit.isPending}
            dataSource={rows}
            pagination={{ pageSize: 25, showSizeChanger: false }}
            locale={{ emptyText: t('admin.audit.empty') }}
            columns={[
              { title: t('admin.audit.at'), dataIndex: 'at', width: 190, render: (at: string) => new Date(at).toLocaleString() },
              { title: t('admin.audit.actor'), dataIndex: 'actor_id', render: (id: number | null) => (id === null ? '—' : userName.get(id) ?? id) },
              { title: t('admin.audit.entity'), dataIndex: 'entity' },
              { title: t('admin.audit.action'), dataIndex: 'action' },
              {
                title: t('admin.audit.object'),
                render: (_, row) => [row.form_key, row.record_id].filter((v) => v !== null).join(' #') || '—',
              },
              {
                title: t('admin.audit.changes'),
                dataIndex: 'changes',
                ellipsis: true,
                render: (changes: Record<string, unknown>) => <Typography.Text code>{JSON.stringify(changes)}</Typography.Text>,
              },
            ]}
          />
          <Space>
            <Button disabled={!audit.hasNextPage} loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
              {audit.hasNextPage ? t('admin.audit.older') : t('admin.audit.end')}
            </Button>
            <Button onClick={() => void audit.refetch()}>{t('admin.refresh')}</Button>
          </Space>
        </>
      )}
    </section>
  )
}
