import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query'
import { App as AntApp, Button, Descriptions, Drawer, Form, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import { canRetry, jobColour } from '../core/admin/operations'
import { ErrorState } from '../runtime/ErrorState'

type JobEntry = components['schemas']['JobEntry']
type JobState = JobEntry['state']

const PAGE = 50
const when = (at: string | null | undefined) => (at ? new Date(at).toLocaleString() : '—')

function JobDrawer({ jobId, onClose }: { jobId: number | null; onClose: () => void }) {
  const { t } = useTranslation()
  const job = useQuery({
    queryKey: ['admin', 'job', jobId],
    enabled: jobId !== null,
    queryFn: async () => unwrap(await api.GET('/api/v1/admin/jobs/{job_id}', { params: { path: { job_id: jobId ?? 0 } } })),
  })
  return (
    <Drawer open={jobId !== null} onClose={onClose} width={720} title={t('admin.jobs.detailOf', { id: jobId ?? '' })} destroyOnHidden>
      {job.error ? (
        <ErrorState error={job.error} onRetry={() => void job.refetch()} />
      ) : job.data ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('admin.jobs.kind')}>{job.data.kind}</Descriptions.Item>
            <Descriptions.Item label={t('admin.jobs.state')}>
              <Tag color={jobColour(job.data.state)}>{t(`admin.jobs.states.${job.data.state}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('admin.jobs.attempts')}>{`${job.data.attempts} / ${job.data.max_attempts}`}</Descriptions.Item>
            <Descriptions.Item label={t('admin.jobs.dueAt')}>{when(job.data.due_at)}</Descriptions.Item>
            <Descriptions.Item label={t('admin.jobs.createdAt')}>{when(job.data.created_at)}</Descriptions.Item>
            <Descriptions.Item label={t('admin.jobs.finishedAt')}>{when(job.data.finished_at)}</Descriptions.Item>
            <Descriptions.Item label={t('admin.jobs.key')} span={2}>
              {job.data.idempotency_key ?? '—'}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('admin.jobs.payload')}</Typography.Title>
          <pre className="admin-code">{JSON.stringify(job.data.payload, null, 2)}</pre>
          {job.data.last_error && (
            <>
              <Typography.Title level={5}>{t('admin.jobs.lastError')}</Typography.Title>
              <pre className="admin-code">{job.data.last_error}</pre>
            </>
          )}
        </Space>
      ) : null}
    </Drawer>
  )
}

/** The durable job queue: counts by state, filters, keyset pages, a job's payload and traceback, retry. */
export function JobsPage() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const [state, setState] = useState<JobState | 'all'>('all')
  const [kind, setKind] = useState<string | undefined>()
  const [opened, setOpened] = useState<number | null>(null)
  const jobs = useInfiniteQuery({
    queryKey: ['admin', 'jobs', state, kind],
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET('/api/v1/admin/jobs', {
          params: {
            query: {
              limit: PAGE,
              ...(state === 'all' ? {} : { state }),
              ...(kind ? { kind } : {}),
              ...(pageParam ? { before_id: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_before_id ?? undefined,
  })
  const first = jobs.data?.pages[0]
  const rows = jobs.data?.pages.flatMap((page) => page.items) ?? []
  const retry = useMutation({
    mutationFn: async (job: JobEntry) =>
      unwrap(await api.POST('/api/v1/admin/jobs/{job_id}/retry', { params: { path: { job_id: job.id } } })),
    onSuccess: async (job) => {
      message.success(t('admin.jobs.retried', { id: job.id }))
      await jobs.refetch()
    },
    onError: (error) => message.error(error.message),
  })
  const total = first ? Object.values(first.counts).reduce((a, b) => a + b, 0) : 0

  return (
    <section aria-labelledby="admin-jobs-title">
      <Typography.Title level={3} id="admin-jobs-title">
        {t('admin.nav.jobs')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('admin.jobs.hint')}</Typography.Paragraph>
      <Tabs
        aria-label={t('admin.jobs.state')}
        activeKey={state}
        onChange={(key) => setState(key as JobState | 'all')}
        items={[
          { key: 'all', label: <Space size={4}>{t('admin.jobs.all')}<span className="admin-count">{total}</span></Space> },
          ...Object.entries(first?.counts ?? {}).map(([key, count]) => ({
            key,
            label: (
              <Space size={4}>
                {t(`admin.jobs.states.${key}`)}
                <span className={count && canRetry(key) ? 'admin-count admin-count-alert' : 'admin-count'}>{count}</span>
              </Space>
            ),
          })),
        ]}
      />
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t('admin.jobs.kind')} htmlFor="admin-jobs-kind">
          <Select
            id="admin-jobs-kind"
            allowClear
            showSearch
            style={{ width: 200 }}
            value={kind}
            onChange={(value?: string) => setKind(value)}
            options={(first?.kinds ?? []).map((k) => ({ value: k, label: k }))}
          />
        </Form.Item>
      </Form>
      {jobs.error ? (
        <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />
      ) : (
        <>
          <Table<JobEntry>
            rowKey="id"
            size="small"
            loading={jobs.isPending}
            dataSource={rows}
            pagination={false}
            scroll={{ y: 460 }}
            locale={{ emptyText: t('admin.jobs.empty') }}
            columns={[
              { title: 'ID', dataIndex: 'id', width: 80, sorter: (a, b) => a.id - b.id },
              { title: t('admin.jobs.kind'), dataIndex: 'kind', width: 150, sorter: (a, b) => a.kind.localeCompare(b.kind) },
              {
                title: t('admin.jobs.state'),
                dataIndex: 'state',
                width: 110,
                render: (value: JobState) => <Tag color={jobColour(value)}>{t(`admin.jobs.states.${value}`)}</Tag>,
              },
              { title: t('admin.jobs.attempts'), width: 80, render: (_, job) => `${job.attempts} / ${job.max_attempts}` },
              { title: t('admin.jobs.dueAt'), dataIndex: 'due_at', width: 170, render: when, sorter: (a, b) => a.due_at.localeCompare(b.due_at) },
              {
                title: t('admin.jobs.next'),
                width: 170,
                render: (_, job) => when(job.state === 'running' ? job.lease_until : job.next_attempt_at ?? job.finished_at),
              },
              {
                title: t('admin.jobs.error'),
                dataIndex: 'error',
                ellipsis: true,
                render: (error: string | null) => (error ? <Typography.Text type="danger">{error}</Typography.Text> : '—'),
              },
              {
                title: t('admin.actions'),
                width: 150,
                render: (_, job) => (
                  <Space size={4}>
                    <Button size="small" onClick={() => setOpened(job.id)} aria-label={t('admin.jobs.detailOf', { id: job.id })}>
                      {t('admin.jobs.detail')}
                    </Button>
                    {canRetry(job.state) && (
                      <Popconfirm title={t('admin.jobs.confirmRetry')} onConfirm={() => retry.mutate(job)} okText={t('admin.jobs.retry')}>
                        <Button size="small" type="primary" ghost aria-label={t('admin.jobs.retryOf', { id: job.id })}>
                          {t('admin.jobs.retry')}
                        </Button>
                      </Popconfirm>
                    )}
                  </Space>
                ),
              },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button disabled={!jobs.hasNextPage} loading={jobs.isFetchingNextPage} onClick={() => void jobs.fetchNextPage()}>
              {jobs.hasNextPage ? t('admin.jobs.older') : t('admin.jobs.end')}
            </Button>
            <Button onClick={() => void jobs.refetch()}>{t('admin.refresh')}</Button>
            <Typography.Text type="secondary">{t('admin.jobs.shown', { count: rows.length })}</Typography.Text>
          </Space>
        </>
      )}
      <JobDrawer jobId={opened} onClose={() => setOpened(null)} />
    </section>
  )
}
