import { DownOutlined, GlobalOutlined } from '@ant-design/icons'
import { Button, Dropdown } from 'antd'
import { useTranslation } from 'react-i18next'
import { isLocale, LOCALE_NAMES as NAMES, LOCALES, type Locale } from '../i18n'

/** The language menu: a button named "语言" / "Language" whose items are the languages, each named in itself. */
export function LanguageSwitch({ onChange }: { onChange: (locale: Locale) => void }) {
  const { t, i18n } = useTranslation()
  const current = isLocale(i18n.language) ? i18n.language : 'zh-CN'
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: LOCALES.map((locale) => ({ key: locale, label: NAMES[locale], lang: locale })),
        selectable: true,
        selectedKeys: [current],
        onClick: ({ key }) => isLocale(key) && onChange(key),
      }}
    >
      <Button type="text" aria-label={t('language.label')} icon={<GlobalOutlined aria-hidden />}>
        <span className="language-name">{NAMES[current]}</span>
        <DownOutlined aria-hidden />
      </Button>
    </Dropdown>
  )
}
