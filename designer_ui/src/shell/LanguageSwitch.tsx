import { Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { isLocale, type Locale } from '../i18n'

const NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' }

/** The language picker: a labelled select, so it is found as "语言" / "Language". */
export function LanguageSwitch({ onChange, id = 'language-switch' }: { onChange: (locale: Locale) => void; id?: string }) {
  const { t, i18n } = useTranslation()
  const current = isLocale(i18n.language) ? i18n.language : 'zh-CN'
  return (
    <Select<Locale>
      id={id}
      aria-label={t('language.label')}
      value={current}
      onChange={onChange}
      options={(Object.keys(NAMES) as Locale[]).map((value) => ({ value, label: NAMES[value] }))}
      style={{ width: 112 }}
      variant="borderless"
    />
  )
}
