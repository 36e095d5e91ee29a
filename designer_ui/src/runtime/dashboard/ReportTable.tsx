import { Table } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { drillUrl, measureDrill, tableCell, type ReportResult } from '../../core/dashboard/charts'
import { pickLabel } from '../../core/labels'

/** A table widget: dimension values by their labels; the first column and every number open the rows behind them. */
export function ReportTable({ app, result }: { app: string; result: ReportResult }) {
  const { i18n } = useTranslation()
  const lang = i18n.language
  const columns = (result.chart.columns ?? []).map((column, index) => ({
    key: column.key,
    title: pickLabel(column.label, lang, column.key),
    align: column.kind === 'measure' ? ('right' as const) : undefined,
    render: (_: unknown, row: (typeof result.rows)[number]) => {
      const text = tableCell(result, row, column.key, lang)
      const filter = column.kind === 'measure' ? measureDrill(row, column.key) : row.drill
      // the first column and every number open the rows behind them
      return filter !== undefined && (index === 0 || column.kind === 'measure') ? (
        <Link to={drillUrl(app, result.form, filter)}>{text}</Link>
      ) : (
        text
      )
    },
  }))
  return (
    <Table
      size="small"
      rowKey={(row) => JSON.stringify(row.dims)}
      columns={columns}
      dataSource={result.rows.filter((row) => row.level === 'detail')}
      pagination={false}
      scroll={{ y: 220, x: 'max-content' }}
    />
  )
}
