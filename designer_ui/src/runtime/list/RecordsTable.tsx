import { CaretDownOutlined, CaretUpOutlined } from '@ant-design/icons'
import { Checkbox, Empty, Skeleton, Spin } from 'antd'
import { memo, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { cellParts } from '../../core/cellText'
import { pickLabel } from '../../core/labels'
import { nextSort } from '../../core/listSort'
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

/**
 * The list's table: a plain HTML table drawn like antd's (middle size), with sortable headers and row choice.
 * Not antd's Table: the list is the first screen people see, and antd's Table brings its filter menus, tree,
 * pagination and radio (~50 KB gzip) for features the list does not use, and draws 50 rows several times slower.
 * Memoised on props that keep their identity between the page's other updates (the saved views, the count, the
 * navigation arriving), so 50 rows are drawn when their data or columns change only.
 */
export const RecordsTable = memo(function RecordsTable(p: Props) {
  const { t } = useTranslation()
  const { info, columnKeys, sort, lang, onOpen, onSort, onChoose, chosen } = p
  const items = p.items ?? NO_ITEMS
  const columns = useMemo(
    () => (columnKeys?.length ? info.columns.filter((c) => columnKeys.includes(c.key)) : info.columns.slice(0, 8)),
    [info, columnKeys],
  )
  const sortKey = sort?.replace(/^-/, '')
  const descending = Boolean(sort?.startsWith('-'))
  const chosenSet = useMemo(() => new Set(chosen), [chosen])
  const allChosen = items.length > 0 && items.every((r) => chosenSet.has(r.id))
  const someChosen = !allChosen && items.some((r) => chosenSet.has(r.id))

  const body = useMemo(() => items.map((record, index) => (
    <tr key={record.id} className={chosenSet.has(record.id) ? 'is-chosen' : undefined} onClick={() => onOpen(record)}>
      {p.selectable && (
        // a click on the row's checkbox chooses it; anywhere else on the row opens the record
        <td className="records-table-choose" onClick={(event) => event.stopPropagation()}>
          <Checkbox
            checked={chosenSet.has(record.id)}
            aria-label={t('list.table.chooseRow', { n: index + 1 })}
            onChange={(event) => onChoose(event.target.checked ? [...chosen, record.id] : chosen.filter((id) => id !== record.id))}
          />
        </td>
      )}
      {columns.map((c) => (
        <td key={c.key}>
          {cellParts(c, record, info, lang).map((part, i) =>
            part.color !== undefined || c.options ? (
              // a plain span drawn like antd's Tag: a Tag per cell runs its style and wave hooks 50 × columns times
              <span key={i} className={part.color ? 'list-tag has-color' : 'list-tag'} style={part.color ? { background: part.color } : undefined}>
                {part.text}
              </span>
            ) : (
              <span key={i}>{part.text}</span>
            ),
          )}
        </td>
      ))}
    </tr>
  )), [items, columns, info, lang, p.selectable, chosen, chosenSet, onChoose, onOpen, t])

  return (
    <Spin spinning={p.loading}>
      <div className="records-table">
        {/* says when it is fetching: screen readers, and tests, wait for it rather than for the spinner */}
        <table aria-busy={p.loading}>
          <thead>
            <tr>
              {p.selectable && (
                <th className="records-table-choose">
                  <Checkbox
                    checked={allChosen}
                    indeterminate={someChosen}
                    disabled={items.length === 0}
                    aria-label={t('list.table.chooseAll')}
                    onChange={(event) => onChoose(event.target.checked ? items.map((r) => r.id) : [])}
                  />
                </th>
              )}
              {columns.map((c) => {
                const title = pickLabel(c.label, lang, c.key)
                if (!c.sortable) return <th key={c.key}>{title}</th>
                const order = sortKey === c.key ? (descending ? 'descending' : 'ascending') : undefined
                const next = nextSort(sort, c.key)
                const hint = next === null ? t('list.table.sortCancel') : next.startsWith('-') ? t('list.table.sortDesc') : t('list.table.sortAsc')
                return (
                  <th key={c.key} aria-sort={order} className="records-table-sortable" title={hint} tabIndex={0}
                    onClick={() => onSort(next)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault()
                        onSort(next)
                      }
                    }}>
                    <span className="records-table-sorter">
                      <span>{title}</span>
                      <span className="records-table-carets" aria-hidden>
                        <CaretUpOutlined className={order === 'ascending' ? 'is-on' : undefined} />
                        <CaretDownOutlined className={order === 'descending' ? 'is-on' : undefined} />
                      </span>
                    </span>
                  </th>
                )
              })}
            </tr>
          </thead>
          <tbody>
            {items.length > 0 ? body : (
              <tr className="records-table-empty">
                <td colSpan={columns.length + (p.selectable ? 1 : 0)}>
                  {p.pending ? <Skeleton active /> : <Empty description={p.emptyText} />}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </Spin>
  )
})
