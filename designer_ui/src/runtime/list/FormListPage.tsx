import './list.css'
import { AppstoreOutlined, CalendarOutlined, DeleteOutlined, DownloadOutlined, FilterOutlined, SaveOutlined, TableOutlined, UploadOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App as AntApp, Button, Segmented, Select, Skeleton, Space, Typography } from 'antd'
import { type ComponentType, lazy, Suspense, useCallback, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams, useSearchParams } from 'react-router'
import { api, ApiError, unwrap } from '../../api/client'
import type { FieldInfo } from '../../core/filters'
import { isFormulaText, jsonFilterFromUrl } from '../../core/filterUrl'
import { pickLabel } from '../../core/labels'
import { ErrorState } from '../ErrorState'
import { PrintMenu } from '../print/PrintMenu'
import { usePrintTemplates } from '../print/usePrintTemplates'
import { RecordsTable } from './RecordsTable'
import { useNavigation } from '../useNavigation'
import { useRenderedMark } from '../useRenderedMark'
import { useCatalogOps } from './useCatalogOps'
import { useListColumns, type ColumnInfo } from './useListColumns'
import { useRecordsPage, type RecordItem } from './useRecordsPage'
import { useSavedViews, type SavedView, type ViewSpec } from './useSavedViews'

// What a list shows first is the table: the filter builder (with the formula parser, in its drawer), the boards
// (drag and drop, the calendar), the import wizard (upload), the bulk bar and the dialogs load when first asked for.
const lazyPart = <K extends string, P extends object>(load: () => Promise<Record<K, ComponentType<P>>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }))
const BulkBar = lazyPart(() => import('./BulkBar'), 'BulkBar')
const CalendarBoard = lazyPart(() => import('./CalendarBoard'), 'CalendarBoard')
const FilterPanel = lazyPart(() => import('./FilterPanel'), 'FilterPanel')
const ImportModal = lazyPart(() => import('./ImportModal'), 'ImportModal')
const KanbanBoard = lazyPart(() => import('./KanbanBoard'), 'KanbanBoard')
const SaveViewModal = lazyPart(() => import('./SaveViewModal'), 'SaveViewModal')
const Drawer = lazy(() => import('antd/es/drawer'))
const Popconfirm = lazy(() => import('antd/es/popconfirm'))

const PAGE = 50
/** Marked in the frame after a page of records is on screen (bench/ui.py: within 300 ms of the data's arrival). */
export const LIST_RENDERED_MARK = 'list:rendered'
const BOARD_PAGE = 500 // kanban and calendar show one screenful of records, the API's largest page

type Kind = ViewSpec['kind']

/** /a/:app/forms/:form — the form's list view (list, kanban, calendar) with filters and saved views. */
export function FormListPage() {
  const { t, i18n } = useTranslation()
  const { app = '', form = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const { message } = AntApp.useApp()
  const columnsQuery = useListColumns(app, form)
  const catalog = useCatalogOps()
  const views = useSavedViews(app, form)
  const nav = useNavigation(app)
  const viewId = params.get('view')
  const current = views.data?.find((v) => String(v.id) === viewId)
  const [spec, setSpec] = useState<ViewSpec>({ kind: 'table' })
  const [loadedView, setLoadedView] = useState<string | null>(null)
  const [cursors, setCursors] = useState<(string | null)[]>([null])
  const [filterOpen, setFilterOpen] = useState(false)
  const [saveOpen, setSaveOpen] = useState(false)
  const [saveError, setSaveError] = useState<string | null>(null)
  const [total, setTotal] = useState<{ total: number; exact: boolean } | null>(null)
  const [chosen, setChosen] = useState<number[]>([])
  const prints = usePrintTemplates(app, form)
  const [importOpen, setImportOpen] = useState(false)
  // mounted from the first opening on, so closing keeps the import's progress and its closing animation
  const [importUsed, setImportUsed] = useState(false)
  const [filterUsed, setFilterUsed] = useState(false)
  const [saveUsed, setSaveUsed] = useState(false)

  // a saved view in the URL (?view=) is applied once it has loaded, so a reload brings it back
  if (current && loadedView !== viewId) {
    setLoadedView(viewId)
    setSpec(current.spec)
    setCursors([null])
    setTotal(null)
  }

  // a filter in the URL (?filter=, a dashboard's drill-down or a shared link) opens the list filtered
  const urlFilter = params.get('filter')
  const [loadedFilter, setLoadedFilter] = useState<string | null>(null)
  const [parsingFilter, setParsingFilter] = useState(false)
  if (!viewId && urlFilter !== null && urlFilter !== loadedFilter) {
    setLoadedFilter(urlFilter)
    if (isFormulaText(urlFilter)) {  // formula text: the parser loads now, and the list waits for it
      setParsingFilter(true)
      void import('../../core/filters').then(({ filterFromUrl }) => {
        setSpec((s) => ({ ...s, filter: filterFromUrl(urlFilter) }))
        setParsingFilter(false)
      })
    } else {
      setSpec((s) => ({ ...s, filter: jsonFilterFromUrl(urlFilter) as ViewSpec['filter'] }))
    }
    setCursors([null])
    setTotal(null)
  }

  const kind: Kind = spec.kind ?? 'table'
  const board = kind !== 'table'
  const page = useRecordsPage(app, form, {
    filter: spec.filter ?? null,
    sort: spec.sort ?? null,
    after: board ? null : (cursors[cursors.length - 1] ?? null),
    limit: board ? BOARD_PAGE : PAGE,
  }, !parsingFilter)
  // placeholder data is the previous page's, still on screen: only a fresh page counts
  useRenderedMark(LIST_RENDERED_MARK, columnsQuery.data && !page.isPlaceholderData ? page.data : undefined)
  if (page.data?.total !== undefined && (total?.total !== page.data.total || total.exact !== page.data.total_is_exact)) {
    setTotal({ total: page.data.total, exact: page.data.total_is_exact ?? true })
  }

  const lang = i18n.language
  const info = columnsQuery.data
  const fields = useMemo<Record<string, FieldInfo>>(
    () => Object.fromEntries((info?.columns ?? []).map((c) => [c.key, { kind: c.kind, valueType: catalog.data?.valueTypes[c.kind] ?? 'text' }])),
    [info, catalog.data],
  )
  const formActions = nav.data?.forms.find((f) => f.key === form)?.actions ?? []

  const open = useCallback((r: RecordItem) => void navigate(`/a/${app}/forms/${form}/records/${r.id}`), [navigate, app, form])
  const sortBy = useCallback((sort: string | null) => {
    setSpec((s) => ({ ...s, sort }))
    setCursors([null])
    setTotal(null)
  }, [])

  const change = (next: Partial<ViewSpec>) => {
    setSpec((s) => ({ ...s, ...next }))
    setCursors([null])
    setTotal(null)
  }

  const saveView = useMutation({
    mutationFn: async ({ name, shared }: { name: string; shared: boolean }) =>
      unwrap(
        await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/views', {
          params: { path: { app_key: app, form_key: form } },
          body: { name, shared, spec },
        }),
      ),
    onSuccess: async (view: SavedView) => {
      setSaveOpen(false)
      setSaveError(null)
      await queryClient.invalidateQueries({ queryKey: ['apps', app, 'forms', form, 'views'] })
      setLoadedView(String(view.id))
      setParams({ view: String(view.id) })
      message.success(t('list.views.saved', { name: view.name }))
    },
    onError: (error: Error) => setSaveError(error instanceof ApiError && error.errors[0] ? `${error.message}: ${error.errors[0].message}` : error.message),
  })

  const deleteView = useMutation({
    mutationFn: async (id: number) =>
      unwrap(
        await api.DELETE('/api/v1/apps/{app_key}/forms/{form_key}/views/{view_id}', {
          params: { path: { app_key: app, form_key: form, view_id: id } },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['apps', app, 'forms', form, 'views'] })
      setParams({})
      setLoadedView(null)
    },
    onError: (error: Error) => message.error(error.message),
  })

  const move = useMutation({
    mutationFn: async ({ record, value }: { record: RecordItem; value: string | null }) =>
      unwrap(
        await api.PATCH('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}', {
          params: { path: { app_key: app, form_key: form, record_id: record.id } },
          body: { [spec.group_by ?? '']: value, row_version: record.row_version },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['apps', app, 'forms', form, 'records'] }),
    onError: (error: Error) => message.error(error.message),
  })

  if (columnsQuery.error) return <ErrorState error={columnsQuery.error} onRetry={() => void columnsQuery.refetch()} />
  if (!info) return <Skeleton active paragraph={{ rows: 8 }} />

  const titleKey = info.title_field ?? info.columns.find((c) => c.kind === 'text')?.key
  const titleOf = (r: RecordItem) => (titleKey && r[titleKey] ? String(r[titleKey]) : `#${r.id}`)
  const singleSelects = info.columns.filter((c) => c.kind === 'single_select')
  const dateFields = info.columns.filter((c) => c.kind === 'date' || c.kind === 'datetime')
  const label = (c: ColumnInfo) => pickLabel(c.label, lang, c.key)
  const exportHref = exportUrl(app, form, spec)


  const countText = total ? (total.exact ? String(total.total) : `${total.total.toLocaleString(lang)}+`) : '…'

  return (
    <div className="list-page">
      <Space className="list-toolbar" wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {pickLabel(info.label, lang, form)}
        </Typography.Title>
        <Typography.Text type="secondary" aria-live="polite">
          {t('list.count', { count: countText })}
        </Typography.Text>
      </Space>
      <Space className="list-toolbar" wrap>
        <Select
          aria-label={t('list.views.choose')}
          placeholder={t('list.views.all')}
          style={{ minWidth: 180 }}
          allowClear
          value={current ? String(current.id) : undefined}
          loading={views.isPending}
          onChange={(id: string | undefined) => {
            if (id) setParams({ view: id })
            else {
              setParams({})
              setLoadedView(null)
              change({ kind: 'table', filter: null, sort: null, columns: null })
            }
          }}
          options={[
            { label: t('list.views.mine'), options: (views.data ?? []).filter((v) => v.mine).map((v) => ({ value: String(v.id), label: v.name })) },
            { label: t('list.views.others'), options: (views.data ?? []).filter((v) => !v.mine).map((v) => ({ value: String(v.id), label: v.name })) },
          ]}
        />
        <Button icon={<SaveOutlined aria-hidden />} onClick={() => {
            setSaveUsed(true)
            setSaveOpen(true)
          }}>
          {t('list.views.saveAs')}
        </Button>
        {current?.mine && (
          <Suspense fallback={<Button aria-label={t('list.views.delete')} icon={<DeleteOutlined aria-hidden />} />}>
            <Popconfirm title={t('list.views.deleteConfirm', { name: current.name })} onConfirm={() => deleteView.mutate(current.id)} okText={t('list.delete')} cancelText={t('list.cancel')}>
              <Button aria-label={t('list.views.delete')} icon={<DeleteOutlined aria-hidden />} />
            </Popconfirm>
          </Suspense>
        )}
        <Button icon={<FilterOutlined aria-hidden />} type={spec.filter ? 'primary' : 'default'} onClick={() => {
            setFilterUsed(true)
            setFilterOpen(true)
          }}>
          {spec.filter ? t('list.filter.active') : t('list.filter.open')}
        </Button>
        <Segmented
          aria-label={t('list.kind.label')}
          value={kind}
          onChange={(value) => {
            const next = value as Kind
            change({
              kind: next,
              group_by: next === 'kanban' ? (spec.group_by ?? singleSelects[0]?.key ?? null) : spec.group_by,
              date_field: next === 'calendar' ? (spec.date_field ?? dateFields[0]?.key ?? null) : spec.date_field,
            })
          }}
          options={[
            { value: 'table', label: t('list.kind.table'), icon: <TableOutlined aria-hidden /> },
            ...(singleSelects.length ? [{ value: 'kanban', label: t('list.kind.kanban'), icon: <AppstoreOutlined aria-hidden /> }] : []),
            ...(dateFields.length ? [{ value: 'calendar', label: t('list.kind.calendar'), icon: <CalendarOutlined aria-hidden /> }] : []),
          ]}
        />
        {kind === 'kanban' && (
          <Select
            aria-label={t('list.kanban.groupBy')}
            showSearch
            optionFilterProp="label"
            value={spec.group_by ?? undefined}
            style={{ width: 150 }}
            options={singleSelects.map((c) => ({ value: c.key, label: label(c) }))}
            onChange={(group_by: string) => change({ group_by })}
          />
        )}
        {kind === 'calendar' && (
          <Select
            aria-label={t('list.calendar.dateField')}
            showSearch
            optionFilterProp="label"
            value={spec.date_field ?? undefined}
            style={{ width: 150 }}
            options={dateFields.map((c) => ({ value: c.key, label: label(c) }))}
            onChange={(date_field: string) => change({ date_field })}
          />
        )}
        {formActions.includes('export') && (
          <Button icon={<DownloadOutlined aria-hidden />} href={exportHref} download>
            {t('list.export')}
          </Button>
        )}
        {formActions.includes('create') && (
          <Button icon={<UploadOutlined aria-hidden />} onClick={() => {
            setImportUsed(true)
            setImportOpen(true)
          }}>
            {t('list.import.open')}
          </Button>
        )}
      </Space>

      {page.error ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : kind === 'kanban' && spec.group_by && info.columns.find((c) => c.key === spec.group_by) ? (
        page.isPending ? (
          <Skeleton active />
        ) : (
          <Suspense fallback={<Skeleton active />}>
            <KanbanBoard
              group={info.columns.find((c) => c.key === spec.group_by) as ColumnInfo}
              titleOf={titleOf}
              records={page.data?.items ?? []}
              onMove={(record, value) => move.mutate({ record, value })}
              onOpen={open}
            />
          </Suspense>
        )
      ) : kind === 'calendar' && spec.date_field ? (
        <Suspense fallback={<Skeleton active />}>
          <CalendarBoard dateField={spec.date_field} titleOf={titleOf} records={page.data?.items ?? []} onOpen={open} />
        </Suspense>
      ) : (
        <>
          {chosen.length > 0 && <PrintMenu app={app} form={form} ids={chosen} />}
          {chosen.length > 0 && (
            <Suspense fallback={null}>
              <BulkBar
                app={app}
                form={form}
                info={info}
                ids={chosen}
                canUpdate={formActions.includes('update')}
                canDelete={formActions.includes('delete')}
                onDone={() => setChosen([])}
              />
            </Suspense>
          )}
          <RecordsTable
            info={info}
            columnKeys={spec.columns}
            sort={spec.sort}
            lang={lang}
            items={page.data?.items}
            loading={page.isFetching}
            pending={page.isPending}
            emptyText={t('list.empty')}
            selectable={formActions.includes('update') || formActions.includes('delete') || (prints.data?.length ?? 0) > 0}
            chosen={chosen}
            onChoose={setChosen}
            onOpen={open}
            onSort={sortBy}
          />
          <Space className="list-pager">
            <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('list.previous')}
            </Button>
            <Button disabled={!page.data?.next_cursor} onClick={() => setCursors((c) => [...c, page.data?.next_cursor ?? null])}>
              {t('list.next')}
            </Button>
          </Space>
        </>
      )}

      {filterUsed && (
        <Suspense fallback={null}>
          <Drawer
            title={t('list.filter.title')}
            open={filterOpen}
            onClose={() => setFilterOpen(false)}
            size="large"
            destroyOnHidden
          >
            {catalog.data ? (
              <Suspense fallback={<Skeleton active />}>
                <FilterPanel
                  columns={info.columns}
                  fields={fields}
                  ops={catalog.data.ops}
                  presets={catalog.data.presets}
                  functions={catalog.data.functions}
                  initial={spec.filter ?? null}
                  onApply={(filter) => {
                    change({ filter })
                    setFilterOpen(false)
                  }}
                />
              </Suspense>
            ) : (
              <Skeleton active />
            )}
          </Drawer>
        </Suspense>
      )}
      {importUsed && (
        <Suspense fallback={null}>
          <ImportModal app={app} form={form} info={info} open={importOpen} onClose={() => setImportOpen(false)} />
        </Suspense>
      )}
      {saveUsed && (
        <Suspense fallback={null}>
          <SaveViewModal
            open={saveOpen}
            saving={saveView.isPending}
            error={saveError}
            onSave={(name, shared) => saveView.mutate({ name, shared })}
            onCancel={() => setSaveOpen(false)}
          />
        </Suspense>
      )}
    </div>
  )
}

function exportUrl(app: string, form: string, spec: ViewSpec): string {
  const query = new URLSearchParams()
  if (spec.filter) query.set('filter', JSON.stringify(spec.filter))
  if (spec.sort) query.set('sort', spec.sort)
  if (spec.columns?.length) query.set('fields', spec.columns.join(','))
  const qs = query.toString()
  return `/api/v1/apps/${encodeURIComponent(app)}/forms/${encodeURIComponent(form)}/export.xlsx${qs ? `?${qs}` : ''}`
}
