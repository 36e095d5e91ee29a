import { DownOutlined, PrinterOutlined } from '@ant-design/icons'
import { App, Button, Dropdown } from 'antd'
import { lazy, Suspense, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import { pdfUrl, printViewUrl, startPdfJob } from './printApi'
import { usePrintTemplates } from './usePrintTemplates'

const PrintJobDialog = lazy(() => import('./PrintJobDialog').then((m) => ({ default: m.PrintJobDialog })))

/** "打印" for one record (the record page) or the chosen rows (the list): per template, the print view or the PDF.
 *  One record's PDF downloads at once; a selection's is made in the background with its progress shown. */
export function PrintMenu({ app, form, ids }: { app: string; form: string; ids: readonly number[] }) {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const templates = usePrintTemplates(app, form)
  const [job, setJob] = useState<{ id: number; name: string } | null>(null)
  if (!templates.data?.length || ids.length === 0) return null
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN'
  const startJob = (template: string, name: string) => {
    startPdfJob(app, template, ids, lang).then(
      (started) => setJob({ id: started.id, name }),
      (error: Error) => void message.error(t('print.run.startFailed', { detail: error.message })),
    )
  }
  const items = templates.data.flatMap((p) => {
    const name = pickLabel(p.label, i18n.language, p.key)
    const pdf = ids.length > 1
      ? { key: `pdf:${p.key}`, label: t('print.run.pdf', { name }), onClick: () => startJob(p.key, name) }
      : { key: `pdf:${p.key}`, label: <a href={pdfUrl(app, p.key, ids, lang)} download>{t('print.run.pdf', { name })}</a> }
    return [
      { key: `view:${p.key}`, label: <a href={printViewUrl(app, p.key, ids)} target="_blank" rel="noopener">{t('print.run.view', { name })}</a> },
      pdf,
    ]
  })
  return <>
    <Dropdown menu={{ items }} trigger={['click']}>
      <Button icon={<PrinterOutlined />}>{ids.length > 1 ? t('print.run.buttonMany', { count: ids.length }) : t('print.run.button')} <DownOutlined /></Button>
    </Dropdown>
    {job && <Suspense fallback={null}>
      <PrintJobDialog app={app} jobId={job.id} name={job.name} onClose={() => setJob(null)} />
    </Suspense>}
  </>
}
