import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Card, Empty, Input, Select, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import { addGroup, addItem, menuEntries, menuGroups, moveGroup, moveItem, removeGroup, removeItem, renameGroup,
  ungrouped, type MenuEntry, type MenuGroupDoc } from '../../core/design/menuModel'
import { LOCALE_NAMES, LOCALES } from '../../i18n'
import './settings.css'

interface Props {
  doc: unknown
  /** ``coalesce``: typing in one name is one undo step */
  onChange: (groups: MenuGroupDoc[], coalesce?: string) => void
}

/** The order and grouping of the app's menu (settings.menu): groups with their forms and dashboards, moved with
 * buttons a keyboard reaches; what no group names is shown as the runtime lists it, after the groups. */
export function MenuEditor({ doc, onChange }: Props) {
  const { t, i18n } = useTranslation()
  const groups = menuGroups(doc)
  const entries = new Map(menuEntries(doc).map((e) => [e.item, e]))
  const rest = ungrouped(doc)
  const name = (e: MenuEntry | undefined, item: string) => e ? pickLabel(e.label, i18n.language, e.key) : item
  const kind = (e: MenuEntry | undefined) => t(e?.kind === 'dashboard' ? 'appsettings.menuDashboard' : 'appsettings.menuForm')

  return <div className="menu-editor">
    <Typography.Paragraph type="secondary">{t('appsettings.menuHint')}</Typography.Paragraph>
    <Space direction="vertical" style={{ width: '100%' }}>
      {groups.map((group, g) => {
        const title = pickLabel(group.label, i18n.language, t('appsettings.groupN', { n: g + 1 }))
        return <Card key={g} size="small" role="group" aria-label={t('appsettings.groupNamed', { name: title })}
          title={<Space wrap>
            {LOCALES.map((lang) => <Input key={lang} size="small" style={{ width: 160 }} value={group.label[lang] ?? ''}
              aria-label={t('appsettings.groupName', { n: g + 1, lang: LOCALE_NAMES[lang] })}
              placeholder={LOCALE_NAMES[lang]} onChange={(e) => onChange(renameGroup(groups, g, lang, e.target.value), `menu-group-${String(g)}-${lang}`)} />)}
          </Space>}
          extra={<Space size={4}>
            <Button size="small" icon={<ArrowUpOutlined />} disabled={g === 0}
              aria-label={t('appsettings.groupUp', { name: title })} onClick={() => onChange(moveGroup(groups, g, -1))} />
            <Button size="small" icon={<ArrowDownOutlined />} disabled={g === groups.length - 1}
              aria-label={t('appsettings.groupDown', { name: title })} onClick={() => onChange(moveGroup(groups, g, 1))} />
            <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('appsettings.groupRemove', { name: title })}
              onClick={() => onChange(removeGroup(groups, g))} />
          </Space>}>
          {group.items.length === 0 ? <Typography.Text type="secondary">{t('appsettings.groupEmpty')}</Typography.Text>
            : <ol className="menu-editor-items">{group.items.map((item, i) => {
              const entry = entries.get(item)
              const label = name(entry, item)
              return <li key={item}>
                <span><Typography.Text type="secondary">{kind(entry)}</Typography.Text> {label}</span>
                <span className="menu-editor-actions">
                  <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={i === 0}
                    aria-label={t('appsettings.itemUp', { name: label })} onClick={() => onChange(moveItem(groups, g, item, -1))} />
                  <Button size="small" type="text" icon={<ArrowDownOutlined />} disabled={i === group.items.length - 1}
                    aria-label={t('appsettings.itemDown', { name: label })} onClick={() => onChange(moveItem(groups, g, item, 1))} />
                  <Button size="small" type="text" icon={<DeleteOutlined />}
                    aria-label={t('appsettings.itemOut', { name: label })} onClick={() => onChange(removeItem(groups, g, item))} />
                </span>
              </li>
            })}</ol>}
          <Select size="small" style={{ width: 240, marginTop: 8 }} value={null} showSearch optionFilterProp="label"
            aria-label={t('appsettings.itemAdd', { name: title })} placeholder={t('appsettings.itemAddPlaceholder')}
            options={[...entries.values()].filter((e) => !group.items.includes(e.item))
              .map((e) => ({ value: e.item, label: `${kind(e)} · ${name(e, e.item)}` }))}
            onChange={(item: string | null) => { if (item) onChange(addItem(groups, g, item)) }} />
        </Card>
      })}
      <Button icon={<PlusOutlined />} onClick={() => onChange(addGroup(groups, { [i18n.language]: t('appsettings.newGroup') }))}>
        {t('appsettings.addGroup')}
      </Button>
      <Card size="small" role="group" aria-label={t('appsettings.ungrouped')} title={t('appsettings.ungrouped')}>
        {rest.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('appsettings.allGrouped')} />
          : <Space wrap>{rest.map((e) => <Typography.Text key={e.item} code>{kind(e)} · {name(e, e.item)}</Typography.Text>)}</Space>}
      </Card>
    </Space>
  </div>
}
