import { Empty, Skeleton, Table } from 'antd'
import type { SorterResult } from 'antd/es/table/interface'
import { createContext, memo, useCallback, useContext, useMemo } from 'react'
import { cellParts } from '../../core/cellText'
import { pickLabel } from '../../core/labels'
import type { ListColumns } from './useListColumns'
import type { RecordItem } from './useRecordsPage'

interface Props {
  info: ListColumns
  /** the view's columns (null: the first eight) */
  columnKeys: string[] | null | undefined
  sort: string | null | undefined
  lang: string
  items: RecordItem[] | undefined
  loading: boolean
  pending: boolean
  emptyText: string
  selectable: boolean
  chosen: number[]
  onChoose: (ids: number[]) => void
  onOpen: (record: RecordItem) => void
  onSort: (sort: string | null) => void
}

const NO_ITEMS: RecordItem[] = []

// The table says when it is fetching (aria-busy: screen readers, and tests, wait for it rather than for the
// spinner). Through a context so the components table keeps its identity and the rows are not redrawn.
const Busy = createContext(false)
function BusyTable(props: React.TableHTMLAttributes<HTMLTableElement>) {
  return <table {...props} aria-busy={useContext(Busy)} />
}
const BUSY_TABLE = { table: BusyTable }

/**
 * The list's table. Memoised on props that keep their identity between the page's other updates (the saved
 * views, the count, the navigation arriving), so 50 rows are drawn when their data or columns change only.
 */
export const RecordsTable = memo(function RecordsTable(p: Props) {
  const { info, columnKeys, sort, lang, onOpen, onSort, onChoose } = p
  const columns = useMemo(() => {
    const shown = columnKeys?.length ? info.columns.filter((c) => columnKeys.includes(c.key)) : info.columns.slice(0, 8)
    const sortKey = sort?.replace(/^-/, '')
    return shown.map((c) => ({
      key: c.key,
      dataIndex: c.key,
      title: pickLabel(c.label, lang, c.key),
      sorter: c.sortable,
      sortOrder: sortKey === c.key ? (sort?.startsWith('-') ? ('descend' as const) : ('ascend' as const)) : null,
      ellipsis: true,
      render: (_: unknown, record: RecordItem) =>
        cellParts(c, record, info, lang).map((part, i) =>
          part.color !== undefined || c.options ? (
            // a plain span drawn like antd's Tag: a Tag per cell runs its style and wave hooks 50 × columns times
            <span key={i} className={part.color ? 'list-tag has-color' : 'list-tag'} style={part.color ? { background: part.color } : undefined}>
              {part.text}
            </span>
          ) : (
            <span key={i}>{part.text}</span>
          ),
        ),
    }))
  }, [info, columnKeys, sort, lang])
  const rowSelection = useMemo(
    () => (p.selectable ? { selectedRowKeys: p.chosen, onChange: (keys: React.Key[]) => onChoose(keys.map(Number)) } : undefined),
    [p.selectable, p.chosen, onChoose],
  )
  const onRow = useCallback((record: RecordItem) => ({
    onClick: (event: React.MouseEvent) => {
      // a click on the row's checkbox chooses it; anywhere else opens the record
      if (!(event.target as HTMLElement).closest('.ant-table-selection-column')) onOpen(record)
    },
    style: { cursor: 'pointer' },
  }), [onOpen])
  const locale = useMemo(() => ({ emptyText: p.pending ? <Skeleton active /> : <Empty description={p.emptyText} /> }),
    [p.pending, p.emptyText])
  return (
    <Busy.Provider value={Boolean(p.loading)}>
      <Table<RecordItem>
        rowSelection={rowSelection}
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={p.items ?? NO_ITEMS}
        loading={p.loading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={locale}
        components={BUSY_TABLE}
        onRow={onRow}
        onChange={(_p, _f, sorter) => {
          const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<RecordItem> | undefined
          const key = s?.columnKey ? String(s.columnKey) : null
          onSort(key && s?.order ? `${s.order === 'descend' ? '-' : ''}${key}` : null)
        }}
      />
    </Busy.Provider>
  )
})
