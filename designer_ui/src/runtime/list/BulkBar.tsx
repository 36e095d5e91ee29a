import { DeleteOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App as AntApp, Button, Input, Popconfirm, Select, Space, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, unwrap } from '../../api/client'
import { pickLabel } from '../../core/labels'
import type { ListColumns } from './useListColumns'

interface Props {
  app: string
  form: string
  info: ListColumns
  ids: number[]
  canUpdate: boolean
  canDelete: boolean
  onDone: () => void
}

const SETTABLE = new Set(['text', 'single_select', 'user', 'department', 'integer', 'decimal', 'currency', 'date', 'datetime', 'phone', 'email'])

/** What to do with the chosen rows: set one field on all of them (assigning is setting a user field), or delete them. */
export function BulkBar({ app, form, info, ids, canUpdate, canDelete, onDone }: Props) {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const [field, setField] = useState<string | undefined>()
  const [value, setValue] = useState<string | number | undefined>()
  const column = info.columns.find((c) => c.key === field)
  const path = { params: { path: { app_key: app, form_key: form } } }
  const finish = async (text: string) => {
    message.success(text)
    await queryClient.invalidateQueries({ queryKey: ['apps', app, 'forms', form, 'records'] })
    onDone()
  }
  const update = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/records/bulk-update', { ...path, body: { ids, values: { [field ?? '']: value ?? null } } })),
    onSuccess: (done) => finish(t('list.bulk.updated', { count: done.count })),
    onError: (error: Error) => message.error(error.message),
  })
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/records/bulk-delete', { ...path, body: { ids } })),
    onSuccess: (done) => finish(t('list.bulk.deleted', { count: done.count })),
    onError: (error: Error) => message.error(error.message),
  })

  const choices: { value: string | number; label: string }[] | null = column?.options
    ? column.options.map((o) => ({ value: o.value, label: pickLabel(o.label, i18n.language, o.value) }))
    : column?.kind === 'user'
      ? Object.entries(info.users).map(([id, name]) => ({ value: Number(id), label: name }))
      : column?.kind === 'department'
        ? Object.entries(info.departments).map(([id, name]) => ({ value: Number(id), label: name }))
        : null

  return (
    <Space className="list-bulk" wrap role="toolbar" aria-label={t('list.bulk.toolbar')}>
      <Typography.Text strong>{t('list.bulk.selected', { count: ids.length })}</Typography.Text>
      {canUpdate && (
        <>
          <Select
            aria-label={t('list.bulk.field')}
            placeholder={t('list.bulk.field')}
            style={{ width: 150 }}
            showSearch
            optionFilterProp="label"
            value={field}
            onChange={(key: string) => {
              setField(key)
              setValue(undefined)
            }}
            options={info.columns.filter((c) => SETTABLE.has(c.kind)).map((c) => ({ value: c.key, label: pickLabel(c.label, i18n.language, c.key) }))}
          />
          {choices ? (
            <Select
              aria-label={t('list.bulk.value')}
              placeholder={t('list.bulk.value')}
              style={{ width: 160 }}
              showSearch
              optionFilterProp="label"
              value={value}
              onChange={(v: string | number) => setValue(v)}
              options={choices}
            />
          ) : (
            <Input aria-label={t('list.bulk.value')} placeholder={t('list.bulk.value')} style={{ width: 160 }} value={value ?? ''} onChange={(e) => setValue(e.target.value)} />
          )}
          <Button type="primary" disabled={!field} loading={update.isPending} onClick={() => update.mutate()}>
            {t('list.bulk.apply')}
          </Button>
        </>
      )}
      {canDelete && (
        <Popconfirm title={t('list.bulk.deleteConfirm', { count: ids.length })} okText={t('list.delete')} cancelText={t('list.cancel')} onConfirm={() => remove.mutate()}>
          <Button danger icon={<DeleteOutlined aria-hidden />} loading={remove.isPending}>
            {t('list.bulk.delete')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  )
}
