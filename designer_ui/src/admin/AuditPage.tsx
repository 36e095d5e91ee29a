import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { Button, DatePicker, Form, Input, Select, Space, Table, Tag, Typography } from 'antd'
import type { Dayjs } from 'dayjs'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, unwrap } from '../api/client'
import { auditParams, nextBefore, type AuditFilters } from '../core/admin/operations'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { useMyApps } from '../session'
import { useUsers, type AuditEntry } from './queries'

const PAGE = 100

interface FilterForm {
  actor?: number
  action?: string
  entity?: string
  app?: string
  form?: string
  range?: [Dayjs | null, Dayjs | null] | null
}

function toFilters(values: FilterForm): AuditFilters {
  return {
    actorId: values.actor ?? null,
    action: values.action ?? null,
    entity: values.entity ?? null,
    app: values.app ?? null,
    form: values.form ?? null,
    since: values.range?.[0]?.toISOString() ?? null,
    until: values.range?.[1]?.toISOString() ?? null,
  }
}

/** The audit log, filtered on the server (actor, action, object type, app, form, time), keyset pages. */
export function AuditPage() {
  const { t, i18n } = useTranslation()
  const users = useUsers()
  const apps = useMyApps()
  const entities = useQuery({
    queryKey: ['admin', 'audit-entities'],
    queryFn: async () => unwrap(await api.GET('/api/v1/admin/audit/entities')).entities,
  })
  const [filters, setFilters] = useState<AuditFilters>({})
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.display_name || u.username]))
  const audit = useInfiniteQuery({
    queryKey: ['admin', 'audit', filters],
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) => unwrap(await api.GET('/api/v1/admin/audit', { params: { query: auditParams(filters, PAGE, pageParam) } })),
    getNextPageParam: (last) => nextBefore(last, PAGE),
  })
  const rows = audit.data?.pages.flat() ?? []

  return (
    <section aria-labelledby="admin-audit-title">
      <Typography.Title level={3} id="admin-audit-title">
        {t('admin.nav.audit')}
      </Typography.Title>
      <Form<FilterForm> layout="inline" onValuesChange={(_, all) => setFilters(toFilters(all))} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="actor" label={t('admin.audit.actor')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 160 }}
            options={(users.data ?? []).map((u) => ({ value: u.id, label: u.username }))}
          />
        </Form.Item>
        <Form.Item name="entity" label={t('admin.audit.entity')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 130 }}
            options={(entities.data ?? []).map((e) => ({ value: e, label: t(`admin.audit.entities.${e}`, { defaultValue: e }) }))}
          />
        </Form.Item>
        <Form.Item name="action" label={t('admin.audit.action')}>
          <Input allowClear style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="app" label={t('admin.audit.app')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 150 }}
            options={(apps.data ?? []).map((a) => ({ value: a.key, label: pickLabel(a.label, i18n.language, a.key) }))}
          />
        </Form.Item>
        <Form.Item name="form" label={t('admin.audit.form')}>
          <Input allowClear style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="range" label={t('admin.audit.range')}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
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
            pagination={false}
            scroll={{ y: 440 }}
            locale={{ emptyText: t('admin.audit.empty') }}
            columns={[
              { title: t('admin.audit.at'), dataIndex: 'at', width: 170, render: (at: string) => new Date(at).toLocaleString() },
              { title: t('admin.audit.actor'), dataIndex: 'actor_id', width: 110, render: (id: number | null) => (id === null ? '—' : userName.get(id) ?? id) },
              {
                title: t('admin.audit.entity'),
                dataIndex: 'entity',
                width: 100,
                render: (entity: string) => <Tag>{t(`admin.audit.entities.${entity}`, { defaultValue: entity })}</Tag>,
              },
              { title: t('admin.audit.action'), dataIndex: 'action', width: 110 },
              {
                title: t('admin.audit.object'),
                width: 220,
                ellipsis: true,
                render: (_, row) => [row.app, row.form_key, row.record_id === null ? null : `#${row.record_id}`].filter((v) => v !== null).join(' / ') || '—',
              },
              {
                title: t('admin.audit.changes'),
                dataIndex: 'changes',
                ellipsis: true,
                render: (changes: Record<string, unknown>) => <span className="admin-mono">{JSON.stringify(changes)}</span>,
              },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button disabled={!audit.hasNextPage} loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
              {audit.hasNextPage ? t('admin.audit.older') : t('admin.audit.end')}
            </Button>
            <Button onClick={() => void audit.refetch()}>{t('admin.refresh')}</Button>
            <Typography.Text type="secondary">{t('admin.audit.shown', { count: rows.length })}</Typography.Text>
          </Space>
        </>
      )}
    </section>
  )
}
