import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Checkbox, Input, InputNumber, Select, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { flowNodeChoices, setKeyOps, type Obj } from '../../core/design/rules'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import type { RuleScope } from './useRuleScope'

interface Props {
  store: DraftStore
  doc: unknown
  index: number
  form: string | null
  triggers: Obj[]
  catalog: Catalog
  scope: RuleScope
}

const FLOW_EVENTS = ['entered', 'left', 'action', 'sla_warning', 'sla_breach'] as const
const DATE_KINDS = ['date', 'datetime', 'created_at', 'updated_at'] as const

const listText = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : v === undefined || v === null ? '' : String(v))
const parseList = (text: string): unknown => {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '')
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : parts
}

/** A rule's triggers: the event from the server's catalog and the settings that event reads. */
export function TriggerEditor({ store, doc, index, form, triggers, catalog, scope }: Props) {
  const { t, i18n } = useTranslation()
  const base = ['rules', String(index), 'on']
  const set = (n: number, key: string, value: unknown) => store.edit(setKeyOps(doc, [...base, String(n)], key, value),
    { coalesce: `${base.join('/')}/${String(n)}/${key}` })
  const events = catalog.rules.triggers.map((e) => ({ value: e.key, label: pickLabel(e.label, i18n.language, e.key) }))
  const name = (n: number, what: string) => t(`designer.rules.trigger.${what}`, { n: n + 1 })

  const settings = (trigger: Obj, n: number) => {
    const id = (what: string) => `trigger-${String(n)}-${what}`
    const offset = (typeof trigger.offset === 'object' && trigger.offset !== null ? trigger.offset : {}) as Obj
    const setOffset = (key: string, value: unknown) => {
      const next = { ...offset, [key]: value }
      if (value === undefined || value === null || value === 0 || value === false) delete next[key]
      set(n, 'offset', next)
    }
    switch (trigger.event) {
      case 'updated':
        return <Select id={id('fields')} aria-label={name(n, 'fields')} mode="multiple" allowClear style={{ minWidth: 240 }}
          placeholder={t('designer.rules.trigger.anyField')} options={scope.fieldChoices(form)}
          value={Array.isArray(trigger.fields) ? (trigger.fields as string[]) : []}
          onChange={(v: string[]) => set(n, 'fields', v.length > 0 ? v : undefined)} />
      case 'field_changed':
        return <>
          <Select id={id('field')} aria-label={name(n, 'field')} showSearch={{ optionFilterProp: 'label' }} style={{ minWidth: 180 }}
            options={scope.fieldChoices(form)} value={typeof trigger.field === 'string' ? trigger.field : undefined}
            onChange={(v: string) => set(n, 'field', v)} />
          <Input aria-label={name(n, 'from')} placeholder={t('designer.rules.trigger.anyValue')} style={{ width: 130 }}
            value={listText(trigger.from)} onChange={(e) => set(n, 'from', parseList(e.target.value))} />
          <Input aria-label={name(n, 'to')} placeholder={t('designer.rules.trigger.anyValue')} style={{ width: 200 }}
            value={listText(trigger.to)} onChange={(e) => set(n, 'to', parseList(e.target.value))} />
        </>
      case 'flow':
        return <>
          <Select aria-label={name(n, 'flow')} allowClear style={{ minWidth: 140 }} options={scope.flows}
            placeholder={t('designer.rules.trigger.anyFlow')} value={typeof trigger.flow === 'string' ? trigger.flow : undefined}
            onChange={(v: string | undefined) => set(n, 'flow', v)} />
          <Select aria-label={name(n, 'flow_on')} style={{ minWidth: 140 }} value={typeof trigger.on === 'string' ? trigger.on : undefined}
            options={FLOW_EVENTS.map((e) => ({ value: e, label: t(`designer.rules.flowOn.${e}`) }))}
            onChange={(v: string) => set(n, 'on', v)} />
          <Select aria-label={name(n, 'node')} allowClear showSearch={{ optionFilterProp: 'label' }} style={{ minWidth: 140 }}
            placeholder={t('designer.rules.trigger.anyNode')} value={typeof trigger.node === 'string' ? trigger.node : undefined}
            options={flowNodeChoices(doc, typeof trigger.flow === 'string' ? trigger.flow : null, i18n.language)}
            onChange={(v: string | undefined) => set(n, 'node', v)} />
        </>
      case 'time':
        return <>
          <Select aria-label={name(n, 'date_field')} style={{ minWidth: 160 }} options={scope.fieldChoices(form, DATE_KINDS)}
            value={typeof trigger.field === 'string' ? trigger.field : undefined} onChange={(v: string) => set(n, 'field', v)} />
          {(['days', 'hours', 'minutes'] as const).map((unit) => <InputNumber key={unit} aria-label={name(n, unit)}
            addonAfter={t(`designer.rules.unit.${unit}`)} style={{ width: 120 }}
            value={typeof offset[unit] === 'number' ? offset[unit] : null} onChange={(v) => setOffset(unit, v ?? undefined)} />)}
          <Checkbox checked={offset.working === true} onChange={(e) => setOffset('working', e.target.checked)}>
            {t('designer.rules.trigger.working')}</Checkbox>
        </>
      case 'cron':
        return <Input aria-label={name(n, 'cron')} style={{ width: 200, fontFamily: 'monospace' }} placeholder="0 9 * * 1-5"
          value={typeof trigger.cron === 'string' ? trigger.cron : ''} onChange={(e) => set(n, 'cron', e.target.value)} />
      case 'inbound':
        return <Input aria-label={name(n, 'channel')} style={{ width: 160 }} placeholder={t('designer.rules.trigger.anyChannel')}
          value={typeof trigger.channel === 'string' ? trigger.channel : ''} onChange={(e) => set(n, 'channel', e.target.value || undefined)} />
      default:
        return null
    }
  }

  return <Space direction="vertical" style={{ width: '100%' }}>
    {triggers.map((trigger, n) => <div key={n} className="rules-trigger" role="group" aria-label={name(n, 'group')}>
      <Select aria-label={name(n, 'event')} style={{ minWidth: 170 }} options={events}
        value={typeof trigger.event === 'string' ? trigger.event : undefined}
        onChange={(v: string) => store.edit([{ op: 'set', path: [...base, String(n)], value: { event: v } }])} />
      {settings(trigger, n)}
      <Button size="small" type="text" icon={<DeleteOutlined />} aria-label={name(n, 'remove')} disabled={triggers.length <= 1}
        onClick={() => store.edit([{ op: 'remove', path: [...base, String(n)] }])} />
    </div>)}
    <Button size="small" icon={<PlusOutlined />} onClick={() => store.edit([{ op: 'insert', path: [...base, String(triggers.length)],
      value: { event: 'updated' } }])}>{t('designer.rules.trigger.add')}</Button>
    {triggers.length === 0 && <Typography.Text type="danger">{t('designer.rules.trigger.none')}</Typography.Text>}
  </Space>
}
