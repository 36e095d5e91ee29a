import { Flex, Radio, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { APP_ICON_COMPONENTS, type AppIcon, AppIconTile } from '../../runtime/appIcons'
import { useCatalog } from '../useCatalog'

/** The app's icon: one of the catalog's icons on one of its colours, with a preview of the home-page tile. */
export function IconPicker({ value, onChange }: { value: AppIcon | null; onChange: (icon: AppIcon) => void }) {
  const { t } = useTranslation()
  const catalog = useCatalog()
  const icons = catalog.data?.app_icons ?? []
  const colors = catalog.data?.app_colors ?? []
  const name = value?.name ?? 'appstore'
  const color = value?.color ?? colors[0] ?? '#1677ff'
  return (
    <Flex gap={16} align="start" className="icon-picker">
      <AppIconTile icon={{ name, color }} size={56} />
      <Flex vertical gap={8}>
        <Radio.Group aria-label={t('appsettings.icon')} value={name} optionType="button"
          onChange={(e) => onChange({ name: String(e.target.value), color })}>
          {icons.map((key) => {
            const Glyph = APP_ICON_COMPONENTS[key]
            return <Radio.Button key={key} value={key} aria-label={t(`appsettings.icons.${key}`, { defaultValue: key })}
              title={t(`appsettings.icons.${key}`, { defaultValue: key })}>
              {Glyph ? <Glyph /> : key}
            </Radio.Button>
          })}
        </Radio.Group>
        <Radio.Group aria-label={t('appsettings.iconColor')} value={color}
          onChange={(e) => onChange({ name, color: String(e.target.value) })}>
          {colors.map((c) => <Radio key={c} value={c} aria-label={c} title={c}>
            <span className="icon-picker-swatch" style={{ background: c }} />
          </Radio>)}
        </Radio.Group>
        <Typography.Text type="secondary">{t('appsettings.iconHint')}</Typography.Text>
      </Flex>
    </Flex>
  )
}
