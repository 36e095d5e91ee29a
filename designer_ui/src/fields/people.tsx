import { useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import { pickLabel } from '../core/labels'
import type { DisplayProps, EditProps } from './types'

interface Person { id: number; display_name?: string; username?: string; name?: string | Record<string, string> }

function nameOf(p: Person, locale: string): string {
  if (typeof p.name === 'object' && p.name !== null) return pickLabel(p.name, locale, String(p.id))
  return p.display_name || p.username || (typeof p.name === 'string' ? p.name : '') || `#${p.id}`
}

/** The organisation's users or departments, read once per page for every picker on it. */
export function useDirectory(kind: 'users' | 'departments') {
  return useQuery({
    queryKey: ['directory', kind],
    staleTime: 300_000,
    queryFn: async (): Promise<Person[]> => kind === 'users'
      ? unwrap(await api.GET('/api/v1/admin/users')) as unknown as Person[]
      : unwrap(await api.GET('/api/v1/admin/departments')) as unknown as Person[],
  })
}

const directoryOf = (kind: string): 'users' | 'departments' => (kind.includes('department') ? 'departments' : 'users')

export function PersonEdit(p: EditProps) {
  const { data, isLoading } = useDirectory(directoryOf(p.field.kind))
  const multiple = p.field.kind.startsWith('multi_')
  const opts = (data ?? []).map((x) => ({ value: x.id, label: nameOf(x, p.ctx.locale) }))
  return <Select id={p.id} style={{ width: '100%' }} allowClear showSearch={{ optionFilterProp: 'label' }} loading={isLoading}
    mode={multiple ? 'multiple' : undefined} disabled={p.disabled} status={p.invalid ? 'error' : undefined}
    options={opts} value={(p.value ?? undefined) as number | number[] | undefined}
    onChange={(v: unknown) => p.onChange(v ?? (multiple ? [] : null))} />
}

export function PersonDisplay(p: DisplayProps) {
  const { data } = useDirectory(directoryOf(p.field.kind))
  const ids = Array.isArray(p.value) ? (p.value as number[]) : p.value === null || p.value === undefined ? [] : [p.value as number]
  return <span>{ids.map((id) => {
    const found = (data ?? []).find((x) => x.id === id)
    return found ? nameOf(found, p.ctx.locale) : `#${id}`
  }).join(', ')}</span>
}

interface Row { id: number; [key: string]: unknown }

/** A linked record picked by searching the target form (its display field, else its title field). */
export function RelationEdit(p: EditProps) {
  const target = String(p.field.config?.form ?? '')
  const shown = String(p.field.config?.display_field ?? '')
  const [q, setQ] = useState('')
  const { data, isFetching } = useQuery({
    queryKey: ['relation', p.ctx.appKey, target, q],
    enabled: target !== '',
    queryFn: async (): Promise<Row[]> => {
      const path = { app_key: p.ctx.appKey, form_key: target }
      if (q.trim() === '') {
        const page = unwrap(await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records',
          { params: { path, query: { limit: 20, count: 'none' } } })) as { items?: Row[] }
        return page.items ?? []
      }
      const found = unwrap(await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/search',
        { params: { path, query: { q, limit: 20 } } })) as { items?: Row[] }
      return found.items ?? []
    },
  })
  const label = (r: Row) => String(r[shown] ?? r.id)
  const current = p.value === null ? [] : [{ value: p.value as number, label: p.ctx.display[p.field.key] ?? `#${String(p.value)}` }]
  const opts = [...current, ...(data ?? []).filter((r) => r.id !== p.value).map((r) => ({ value: r.id, label: label(r) }))]
  return <Select id={p.id} style={{ width: '100%' }} allowClear showSearch={{ filterOption: false, onSearch: setQ }}
    loading={isFetching} disabled={p.disabled} status={p.invalid ? 'error' : undefined} options={opts}
    value={(p.value ?? undefined) as number | undefined}
    onChange={(v: unknown, option) => {
      const picked = Array.isArray(option) ? undefined : option
      if (picked && typeof picked.label === 'string') p.ctx.setDisplay(p.field.key, picked.label)
      p.onChange(v ?? null)
    }} />
}

export function RelationDisplay(p: DisplayProps) {
  if (p.value === null || p.value === undefined) return null
  return <span>{p.ctx.display[p.field.key] ?? `#${String(p.value)}`}</span>
}
