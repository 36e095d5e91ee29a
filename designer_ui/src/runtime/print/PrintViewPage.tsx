import { ArrowLeftOutlined, DownloadOutlined, PrinterOutlined } from '@ant-design/icons'
import { useQuery } from '@tanstack/react-query'
import { Button, Result, Space, Spin, Typography } from 'antd'
import { useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams, useSearchParams } from 'react-router'
import { pdfUrl, printViewHtml } from './printApi'
import './print.css'

/** /print/:app/:template?ids=1,2 — the records as the template prints them (the server's HTML, the same pages as
 * the PDF), in a frame; the browser's print dialog opens once they are drawn. */
export function PrintViewPage() {
  const { t, i18n } = useTranslation()
  const { app = '', template = '' } = useParams()
  const [search] = useSearchParams()
  const ids = (search.get('ids') ?? '').split(',').filter((s) => /^\d+$/.test(s)).map(Number)
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN'
  const frame = useRef<HTMLIFrameElement>(null)
  const printed = useRef(false)
  const html = useQuery({ queryKey: ['print', app, template, ids.join(','), lang], queryFn: () => printViewHtml(app, template, ids, lang),
    enabled: ids.length > 0 })
  const print = () => frame.current?.contentWindow?.print()
  const title = /<title>([^<]*)<\/title>/.exec(html.data ?? '')?.[1] ?? t('print.run.title')

  if (ids.length === 0) return <Result status="warning" title={t('print.run.noRecords')} />
  if (html.isError) return <Result status="error" title={html.error.message} />
  return <div className="print-view">
    <Space className="print-view-bar" role="toolbar" aria-label={t('print.run.toolbar')} wrap>
      <Button icon={<ArrowLeftOutlined />} onClick={() => window.history.length > 1 ? window.history.back() : window.close()}>{t('print.run.back')}</Button>
      <Typography.Title level={4} style={{ margin: 0 }}>{title}</Typography.Title>
      <Typography.Text type="secondary">{t('print.run.count', { count: ids.length })}</Typography.Text>
      <Button type="primary" icon={<PrinterOutlined />} disabled={!html.data} onClick={print}>{t('print.run.print')}</Button>
      <Button icon={<DownloadOutlined />} href={pdfUrl(app, template, ids, lang)} download>{t('print.run.download')}</Button>
    </Space>
    {html.data === undefined ? <Spin className="print-view-loading" /> : <iframe ref={frame} title={title} className="print-view-frame"
      srcDoc={html.data} onLoad={() => {
        if (!printed.current && search.get('print') !== '0') {
          printed.current = true
          print()
        }
      }} />}
  </div>
}
