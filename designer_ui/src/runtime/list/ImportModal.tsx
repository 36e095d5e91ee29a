import { UploadOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { Alert, Button, Modal, Progress, Radio, Select, Space, Table, Typography, Upload } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, CSRF_COOKIE, CSRF_HEADER, readCookie } from '../../api/client'
import { importBar } from '../../core/importProgress'
import { pickLabel } from '../../core/labels'
import { useImportProgress } from './useImportProgress'
import type { ListColumns } from './useListColumns'

interface Preview {
  import_id: number
  columns: string[]
  suggested_mapping: Record<string, string>
  sample_rows: Record<string, unknown>[]
  rows: number
}

interface Report {
  rows: number
  created: number
  rejected: { row: number; errors: { column?: string; path?: string; message: string }[] }[]
}

type Mode = 'all_or_nothing' | 'keep_valid'

async function post<T>(url: string, body: BodyInit, contentType: string, extra: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': contentType, ...extra }
  const csrf = readCookie(CSRF_COOKIE)
  if (csrf) headers[CSRF_HEADER] = csrf
  const response = await fetch(url, { method: 'POST', body, headers, credentials: 'same-origin' })
  const data: unknown = await response.json().catch(() => ({}))
  if (!response.ok) throw new ApiError(response.status, data)
  return data as T
}

/** Excel import: upload, map the sheet's columns to fields, look at the first rows, import, see the rejected rows. */
export function ImportModal({ app, form, info, open, onClose }: { app: string; form: string; info: ListColumns; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation()
  const queryClient = useQueryClient()
  const [preview, setPreview] = useState<Preview | null>(null)
  const [mapping, setMapping] = useState<Record<string, string>>({})
  const [mode, setMode] = useState<Mode>('all_or_nothing')
  const [busy, setBusy] = useState<'upload' | 'import' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [report, setReport] = useState<Report | null>(null)
  const base = `/api/v1/apps/${encodeURIComponent(app)}/forms/${encodeURIComponent(form)}`
  const polled = useImportProgress(app, form, preview?.import_id, busy === 'import')
  const bar = busy === 'import' ? importBar(polled.data, preview?.rows) : null

  const reset = () => {
    setPreview(null)
    setReport(null)
    setError(null)
    setMapping({})
  }

  const upload = async (file: File) => {
    reset()
    setBusy('upload')
    try {
      const got = await post<Preview>(`${base}/import/preview`, file, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', {
        'X-Filename': encodeURIComponent(file.name),
      })
      setPreview(got)
      setMapping(got.suggested_mapping)
    } catch (exc) {
      setError(exc instanceof Error ? exc.message : String(exc))
    } finally {
      setBusy(null)
    }
  }

  const run = async () => {
    if (!preview) return
    setBusy('import')
    setError(null)
    try {
      const body = JSON.stringify({ import_id: preview.import_id, mapping, mode })
      const done = await post<Report>(`${base}/import`, body, 'application/json')
      setReport(done)
      await queryClient.invalidateQueries({ queryKey: ['apps', app, 'forms', form, 'records'] })
    } catch (exc) {
      const api = exc instanceof ApiError ? exc : null
      setError(api?.errors.length ? `${api.message}: ${api.errors.slice(0, 5).map((e) => `${e.path} ${e.message}`).join('; ')}` : String(exc instanceof Error ? exc.message : exc))
    } finally {
      setBusy(null)
    }
  }

  const fieldOptions = info.columns.map((c) => ({ value: c.key, label: pickLabel(c.label, i18n.language, c.key) }))
  return (
    <Modal
      open={open}
      title={t('list.import.title')}
      width={860}
      onCancel={() => {
        reset()
        onClose()
      }}
      footer={null}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Upload accept=".xlsx" showUploadList={false} beforeUpload={(file) => (void upload(file), false)}>
          <Button icon={<UploadOutlined aria-hidden />} loading={busy === 'upload'}>
            {t('list.import.choose')}
          </Button>
        </Upload>
        {error && <Alert type="error" showIcon role="alert" message={error} />}
        {preview && !report && (
          <>
            {typeof preview.rows === 'number' && <Typography.Text>{t('list.import.rows', { count: preview.rows })}</Typography.Text>}
            <Table
              size="small"
              pagination={false}
              rowKey="column"
              aria-label={t('list.import.mapping')}
              dataSource={preview.columns.map((column) => ({ column }))}
              columns={[
                { title: t('list.import.column'), dataIndex: 'column' },
                {
                  title: t('list.import.field'),
                  render: (_: unknown, row: { column: string }) => (
                    <Select
                      aria-label={t('list.import.fieldFor', { column: row.column })}
                      style={{ width: 200 }}
                      allowClear
                      showSearch
                      optionFilterProp="label"
                      value={mapping[row.column]}
                      options={fieldOptions}
                      onChange={(key?: string) => {
                        const next = { ...mapping }
                        if (key) next[row.column] = key
                        else delete next[row.column]
                        setMapping(next)
                      }}
                    />
                  ),
                },
                { title: t('list.import.sample'), render: (_: unknown, row: { column: string }) => preview.sample_rows.slice(0, 3).map((r) => String(r[row.column] ?? '')).join(' · ') },
              ]}
            />
            <Radio.Group
              aria-label={t('list.import.mode')}
              value={mode}
              onChange={(e) => setMode(e.target.value as Mode)}
              options={[
                { value: 'all_or_nothing', label: t('list.import.allOrNothing') },
                { value: 'keep_valid', label: t('list.import.keepValid') },
              ]}
            />
            {busy === 'import' &&
              (bar ? (
                <Progress
                  percent={bar.percent}
                  status="active"
                  aria-label={t('list.import.running')}
                  aria-valuenow={bar.percent}
                  format={() => t('list.import.progress', { done: bar.done, total: bar.total })}
                />
              ) : (
                <Progress percent={100} status="active" showInfo={false} aria-label={t('list.import.running')} />
              ))}
            <Button type="primary" onClick={() => void run()} loading={busy === 'import'} disabled={Object.keys(mapping).length === 0}>
              {t('list.import.run')}
            </Button>
          </>
        )}
        {report && (
          <>
            <Alert
              type={report.rejected.length ? 'warning' : 'success'}
              showIcon
              message={t('list.import.done', { created: report.created, rows: report.rows, rejected: report.rejected.length })}
            />
            {report.rejected.length > 0 && (
              <Table
                size="small"
                aria-label={t('list.import.rejected')}
                rowKey="row"
                dataSource={report.rejected}
                pagination={{ pageSize: 10 }}
                columns={[
                  { title: t('list.import.row'), dataIndex: 'row', width: 80 },
                  { title: t('list.import.errors'), render: (_: unknown, r: Report['rejected'][number]) => r.errors.map((e) => `${e.column ?? e.path ?? ''} ${e.message}`).join('; ') },
                ]}
              />
            )}
          </>
        )}
      </Space>
    </Modal>
  )
}
