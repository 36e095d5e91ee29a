import { useInfiniteQuery, useMutation } from '@tanstack/react-query'
import { App as AntApp, Button, Form, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import { deliveryColour } from '../core/admin/operations'
import { pickLabel } from '../core/labels'
import { ErrorState } from '../runtime/ErrorState'
import { useMyApps } from '../session'

type DeliveryEntry = components['schemas']['Delivery']

const PAGE = 50
// the API's status enum: the query below does not compile if the two part
const STATUSES = ['pending', 'retrying', 'delivered', 'dead', 'cancelled'] as const
type Status = (typeof STATUSES)[number]

async function listDeliveries(query: { status?: Status; app?: string; before_id?: number }) {
  return unwrap(await api.GET('/api/v1/admin/webhook-deliveries', { params: { query: { limit: PAGE, ...query } } }))
}

/** Every app's webhook deliveries (and the flows' webhook calls), by status, with redelivery. */
export function DeliveriesPage() {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const apps = useMyApps()
  const [search, setSearch] = useSearchParams()
  const status = (search.get('status') as Status | null) ?? undefined
  const app = search.get('app') ?? undefined
  const setFilter = (key: 'status' | 'app', value?: string) => {
    const next = new URLSearchParams(search)
    if (value) next.set(key, value)
    else next.delete(key)
    setSearch(next, { replace: true })
  }
  const deliveries = useInfiniteQuery({
    queryKey: ['admin', 'deliveries', status, app],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      listDeliveries({ ...(status ? { status } : {}), ...(app ? { app } : {}), ...(pageParam ? { before_id: pageParam } : {}) }),
    getNextPageParam: (last) => last.next_before_id ?? undefined,
  })
  const rows = deliveries.data?.pages.flatMap((page) => page.items) ?? []
  const redeliver = useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.POST('/api/v1/webhooks/deliveries/{delivery_id}/redeliver', { params: { path: { delivery_id: id } } })),
    onSuccess: async () => {
      message.success(t('admin.deliveries.redelivered'))
      await deliveries.refetch()
    },
    onError: (error) => message.error(error.message),
  })

  return (
    <section aria-labelledby="admin-deliveries-title">
      <Typography.Title level={3} id="admin-deliveries-title">
        {t('admin.nav.deliveries')}
      </Typography.Title>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t('admin.deliveries.status')} htmlFor="admin-deliveries-status">
          <Select
            id="admin-deliveries-status"
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 160 }}
            value={status}
            onChange={(value?: string) => setFilter('status', value)}
            options={STATUSES.map((s) => ({ value: s, label: t(`admin.deliveries.statuses.${s}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('admin.deliveries.app')} htmlFor="admin-deliveries-app">
          <Select
            id="admin-deliveries-app"
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 200 }}
            value={app}
            onChange={(value?: string) => setFilter('app', value)}
            options={(apps.data ?? []).map((a) => ({ value: a.key, label: pickLabel(a.label, i18n.language, a.key) }))}
          />
        </Form.Item>
      </Form>
      {deliveries.error ? (
        <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : (
        <>
          <Table<DeliveryEntry>
            rowKey="id"
            size="small"
            loading={deliveries.isPending}
            dataSource={rows}
            pagination={false}
            locale={{ emptyText: t('admin.deliveries.empty') }}
            columns={[
              { title: 'ID', dataIndex: 'id', width: 80, sorter: (a, b) => a.id - b.id },
              { title: t('admin.deliveries.app'), dataIndex: 'app', width: 160, render: (key: string | null) => key ?? t('admin.deliveries.flow') },
              { title: t('admin.deliveries.event'), dataIndex: 'event', width: 180 },
              { title: 'URL', dataIndex: 'url', ellipsis: true },
              {
                title: t('admin.deliveries.status'),
                dataIndex: 'status',
                width: 100,
                render: (value: string) => <Tag color={deliveryColour(value)}>{t(`admin.deliveries.statuses.${value}`)}</Tag>,
              },
              { title: t('admin.deliveries.attempts'), dataIndex: 'attempts', width: 70 },
              { title: t('admin.deliveries.createdAt'), dataIndex: 'created_at', width: 170, render: (at: string) => new Date(at).toLocaleString() },
              { title: t('admin.deliveries.lastError'), dataIndex: 'last_error', ellipsis: true, render: (e: string | null) => e ?? '—' },
              {
                title: t('admin.actions'),
                width: 110,
                render: (_, delivery) => (
                  <Popconfirm title={t('admin.deliveries.confirm')} onConfirm={() => redeliver.mutate(delivery.id)} okText={t('admin.deliveries.redeliver')}>
                    <Button size="small" aria-label={t('admin.deliveries.redeliverOf', { id: delivery.id })}>
                      {t('admin.deliveries.redeliver')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button disabled={!deliveries.hasNextPage} loading={deliveries.isFetchingNextPage} onClick={() => void deliveries.fetchNextPage()}>
              {deliveries.hasNextPage ? t('admin.jobs.older') : t('admin.jobs.end')}
            </Button>
            <Button onClick={() => void deliveries.refetch()}>{t('admin.refresh')}</Button>
          </Space>
        </>
      )}
    </section>
  )
}
