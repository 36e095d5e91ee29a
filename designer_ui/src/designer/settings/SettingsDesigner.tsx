import { PlusOutlined } from '@ant-design/icons'
import { Button, Form, Input, Select, Tabs, Typography } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { Calendar } from '../../core/design/calendarModel'
import { uniqueKey } from '../../core/design/keys'
import { getAt } from '../../core/design/pointer'
import { LOCALE_NAMES, LOCALES } from '../../i18n'
import type { AreaProps } from '../designerAreas'
import { CalendarEditor } from './CalendarEditor'
import { ChannelsEditor } from './ChannelsEditor'
import { IconPicker } from './IconPicker'
import { MenuEditor } from './MenuEditor'
import type { AppIcon } from '../../runtime/appIcons'
import { OptionTreeEditor } from '../OptionTreeEditor'
import type { OptionNode } from '../../core/design/optionTree'
import '../roles/roles.css'

const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone')
  } catch {
    return ['Asia/Shanghai', 'UTC']
  }
})()

const WORKWEEK = { mon: ['09:00-12:00', '13:30-18:00'], tue: ['09:00-12:00', '13:30-18:00'], wed: ['09:00-12:00', '13:30-18:00'],
  thu: ['09:00-12:00', '13:30-18:00'], fri: ['09:00-12:00', '13:30-18:00'] }

/** /design/:app/settings — the app's name, time zone and language, and its business calendars. */
export function SettingsDesigner({ appKey, store, doc, problems }: AreaProps) {
  const { t, i18n } = useTranslation()
  const label = (getAt(doc, ['label']) ?? {}) as Record<string, string>
  const settings = getAt(doc, ['settings'])
  const timezone = (getAt(doc, ['settings', 'timezone']) as string | undefined) ?? 'Asia/Shanghai'
  const locale = (getAt(doc, ['settings', 'default_locale']) as string | undefined) ?? 'zh-CN'
  const calendars = useMemo(() => (getAt(doc, ['settings', 'calendars']) ?? {}) as Record<string, Calendar>, [doc])
  const setSetting = (key: string, value: unknown, coalesce?: string) => store.edit(typeof settings === 'object' && settings !== null
    ? [{ op: 'set', path: ['settings', key], value }] : [{ op: 'set', path: ['settings'], value: { [key]: value } }],
  coalesce ? { coalesce } : undefined)
  const trees = useMemo(() => (getAt(doc, ['trees']) ?? {}) as Record<string, OptionNode[]>, [doc])
  const addTree = () => {
    const key = uniqueKey('tree', new Set(Object.keys(trees)), { numbered: true })
    const value = [{ value: 'option_1', label: { [i18n.language]: t('designer.tree.newNode') } }]
    store.edit(getAt(doc, ['trees']) !== undefined ? [{ op: 'set', path: ['trees', key], value }]
      : [{ op: 'set', path: ['trees'], value: { [key]: value } }])
  }
  const addCalendar = () => {
    const key = uniqueKey('calendar', new Set(Object.keys(calendars)), { numbered: Object.keys(calendars).length > 0 })
    const value = { timezone, week: WORKWEEK, holidays: [], makeup_days: [] }
    store.edit(getAt(doc, ['settings', 'calendars']) !== undefined ? [{ op: 'set', path: ['settings', 'calendars', key], value }]
      : typeof settings === 'object' && settings !== null ? [{ op: 'set', path: ['settings', 'calendars'], value: { [key]: value } }]
        : [{ op: 'set', path: ['settings'], value: { calendars: { [key]: value } } }])
  }

  return <div className="settings-designer">
    <Typography.Title level={4}>{t('appsettings.title')}</Typography.Title>
    <Form layout="inline" style={{ rowGap: 8 }}>
      {LOCALES.map((lang) => <Form.Item key={lang} label={t('appsettings.nameIn', { lang: LOCALE_NAMES[lang] })}
        htmlFor={`app-name-${lang}`}>
        <Input id={`app-name-${lang}`} style={{ width: 200 }} value={label[lang] ?? ''}
          onChange={(e) => store.edit([{ op: 'set', path: ['label'], value: { ...label, [lang]: e.target.value } }],
            { coalesce: `app-name-${lang}` })} />
      </Form.Item>)}
      <Form.Item label={t('appsettings.icon')} style={{ width: '100%' }}>
        <IconPicker value={(getAt(doc, ['settings', 'icon']) as AppIcon | undefined) ?? null}
          onChange={(icon) => setSetting('icon', icon)} />
      </Form.Item>
      <Form.Item label={t('appsettings.timezone')} htmlFor="app-timezone">
        <Select id="app-timezone" showSearch style={{ width: 220 }} value={timezone}
          options={ZONES.map((z) => ({ value: z, label: z }))} onChange={(z: string) => setSetting('timezone', z)} />
      </Form.Item>
      <Form.Item label={t('appsettings.locale')} htmlFor="app-locale">
        <Select id="app-locale" style={{ width: 120 }} value={locale} onChange={(v: string) => setSetting('default_locale', v)}
          options={LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] }))} />
      </Form.Item>
    </Form>
    <Typography.Title level={4} style={{ marginTop: 24 }}>{t('appsettings.menuTitle')}</Typography.Title>
    <MenuEditor doc={doc} onChange={(groups, coalesce) => setSetting('menu', groups, coalesce)} />
    <Typography.Title level={4} style={{ marginTop: 24 }}>{t('appsettings.channels')}</Typography.Title>
    <ChannelsEditor appKey={appKey} store={store} doc={doc} problems={problems} />
    <Typography.Title level={4} style={{ marginTop: 24 }}>{t('appsettings.trees')}</Typography.Title>
    <Typography.Paragraph type="secondary">{t('appsettings.treesHint')}</Typography.Paragraph>
    <Tabs type="card" items={Object.entries(trees).map(([key, tree]) => ({
      key, label: key,
      children: <OptionTreeEditor name={key} tree={tree}
        onChange={(next, coalesce) => store.edit([{ op: 'set', path: ['trees', key], value: next }], coalesce ? { coalesce } : undefined)} />,
    }))} tabBarExtraContent={<Button icon={<PlusOutlined />} onClick={addTree}>{t('appsettings.addTree')}</Button>} />
    <Typography.Title level={4} style={{ marginTop: 24 }}>{t('appsettings.calendars')}</Typography.Title>
    <Tabs type="card" items={Object.entries(calendars).map(([key, cal]) => ({
      key, label: key,
      children: <CalendarEditor store={store} calendar={cal} path={['settings', 'calendars', key]} />,
    }))} tabBarExtraContent={<Button icon={<PlusOutlined />} onClick={addCalendar}>{t('appsettings.addCalendar')}</Button>} />
  </div>
}
