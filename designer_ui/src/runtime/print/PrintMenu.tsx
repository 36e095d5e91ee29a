import { DownOutlined, PrinterOutlined } from '@ant-design/icons'
import { Button, Dropdown } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import { pdfUrl, printViewUrl } from './printApi'
import { usePrintTemplates } from './usePrintTemplates'

/** "打印" for one record (the record page) or the chosen rows (the list): per template, the print view or the PDF. */
export function PrintMenu({ app, form, ids }: { app: string; form: string; ids: readonly number[] }) {
  const { t, i18n } = useTranslation()
  const templates = usePrintTemplates(app, form)
  if (!templates.data?.length || ids.length === 0) return null
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN'
  const items = templates.data.flatMap((p) => {
    const name = pickLabel(p.label, i18n.language, p.key)
    return [
      { key: `view:${p.key}`, label: <a href={printViewUrl(app, p.key, ids)} target="_blank" rel="noopener">{t('print.run.view', { name })}</a> },
      { key: `pdf:${p.key}`, label: <a href={pdfUrl(app, p.key, ids, lang)} download>{t('print.run.pdf', { name })}</a> },
    ]
  })
  return <Dropdown menu={{ items }} trigger={['click']}>
    <Button icon={<PrinterOutlined />}>{ids.length > 1 ? t('print.run.buttonMany', { count: ids.length }) : t('print.run.button')} <DownOutlined /></Button>
  </Dropdown>
}
