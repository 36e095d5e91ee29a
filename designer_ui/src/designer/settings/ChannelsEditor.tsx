import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Dropdown, Empty, Flex, Form, Input, InputNumber, Select, Space, Switch, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { addChannel, type Channel, channelProblems, CHANNEL_KINDS, type ChannelKind, channelsOf, mapRows, newChannel, removeChannel, rowsToMap,
  setChannel, setChannelForm } from '../../core/design/channels'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import { pickLabel } from '../../core/labels'
import { LOCALE_NAMES, LOCALES } from '../../i18n'
import { useMe } from '../../session'
import { useRuleScope } from '../rules/useRuleScope'
import { usePublishedChannels } from './usePublishedChannels'

type Label = Record<string, string>

/** The app's channels (公开表单, 邮箱, 接入 webhook): how people and systems outside file records into it. */
export function ChannelsEditor({ appKey, store, doc, problems }: { appKey: string; store: DraftStore; doc: unknown
  problems: readonly Problem[] }) {
  const { t, i18n } = useTranslation()
  const scope = useRuleScope(doc)
  const channels = channelsOf(doc)
  const add = (kind: ChannelKind) => {
    const form = scope.forms[0]?.value ?? ''
    const label = { [i18n.language]: t(`appsettings.channel.kind.${kind}`) }
    store.edit(addChannel(doc, newChannel(doc, kind, form, scope.fields(form), label)))
  }
  return (
    <Flex vertical gap={12} className="channels-editor">
      <Typography.Paragraph type="secondary">{t('appsettings.channel.hint')}</Typography.Paragraph>
      {channels.length === 0 && <Empty description={t('appsettings.channel.none')} />}
      {channels.map((channel) => <ChannelCard key={channel.doc.key} appKey={appKey} channel={channel} store={store}
        scope={scope} lang={i18n.language} problems={channelProblems(channel, problems)} />)}
      <Dropdown menu={{ items: CHANNEL_KINDS.map((kind) => ({ key: kind, label: t(`appsettings.channel.kind.${kind}`) })),
        onClick: ({ key }) => add(key as ChannelKind) }}>
        <Button icon={<PlusOutlined />} style={{ alignSelf: 'start' }}>{t('appsettings.channel.add')}</Button>
      </Dropdown>
    </Flex>
  )
}

interface CardProps {
  appKey: string
  channel: Channel
  store: DraftStore
  scope: ReturnType<typeof useRuleScope>
  lang: string
  problems: Array<{ setting: string; message: string }>
}

function ChannelCard({ appKey, channel, store, scope, lang, problems }: CardProps) {
  const { t } = useTranslation()
  const c = channel.doc
  const name = pickLabel(c.label as Label | undefined, lang, c.key)
  const id = (part: string) => `channel-${c.key}-${part}`
  const set = (key: string, value: unknown, coalesce?: string) =>
    store.edit(setChannel(channel, key, value), coalesce ? { coalesce } : undefined)
  const form = typeof c.form === 'string' ? c.form : null
  const fieldChoices = scope.fieldChoices(form)
  const fieldSelect = (key: string, label: string, optional: boolean) => (
    <Form.Item label={label} htmlFor={id(key)}>
      <Select id={id(key)} style={{ width: 220 }} options={fieldChoices} allowClear={optional} showSearch optionFilterProp="label"
        value={typeof c[key] === 'string' ? c[key] : undefined} onChange={(v?: string) => set(key, v)} />
    </Form.Item>
  )
  const label = (c.label ?? {}) as Label
  return (
    <Card size="small" role="group" aria-label={t('appsettings.channel.named', { name })}
      title={<Space>{name}<Tag>{t(`appsettings.channel.kind.${c.kind}`)}</Tag></Space>}
      extra={<Button type="text" danger icon={<DeleteOutlined />} aria-label={t('appsettings.channel.remove', { name })}
        onClick={() => store.edit(removeChannel(channel))} />}>
      {problems.length > 0 && <Alert type="warning" showIcon style={{ marginBottom: 12 }}
        message={t('appsettings.channel.problems', { count: problems.length })}
        description={<ul className="channel-problems">{problems.map((p) => <li key={`${p.setting}:${p.message}`}>
          {p.setting && <Typography.Text code>{p.setting}</Typography.Text>} {p.message}</li>)}</ul>} />}
      <Form layout="inline" style={{ rowGap: 8 }}>
        {LOCALES.map((l) => <Form.Item key={l} label={t('appsettings.channel.nameIn', { lang: LOCALE_NAMES[l] })} htmlFor={id(`name-${l}`)}>
          <Input id={id(`name-${l}`)} style={{ width: 180 }} value={label[l] ?? ''}
            onChange={(e) => set('label', { ...label, [l]: e.target.value }, id(`name-${l}`))} />
        </Form.Item>)}
        <Form.Item label={t('appsettings.channel.form')} htmlFor={id('form')}>
          <Select id={id('form')} style={{ width: 180 }} options={scope.forms} showSearch optionFilterProp="label" value={form ?? undefined}
            onChange={(v: string) => store.edit(setChannelForm(channel, v, scope.fields(v)))} />
        </Form.Item>
        {c.kind === 'public_form' && <>
          <Form.Item label={t('appsettings.channel.fields')} htmlFor={id('fields')} style={{ width: '100%' }}>
            <Select id={id('fields')} mode="multiple" options={fieldChoices} optionFilterProp="label" style={{ minWidth: 360 }}
              value={Array.isArray(c.fields) ? c.fields as string[] : []} onChange={(v: string[]) => set('fields', v)} />
          </Form.Item>
          {fieldSelect('contact_field', t('appsettings.channel.contactField'), true)}
          {fieldSelect('status_field', t('appsettings.channel.statusField'), true)}
          <Form.Item label={t('appsettings.channel.statusLookup')} htmlFor={id('lookup')}>
            <Switch id={id('lookup')} checked={c.status_lookup !== false} onChange={(on) => set('status_lookup', on ? undefined : false)} />
          </Form.Item>
          <Form.Item label={t('appsettings.channel.rateLimit')} htmlFor={id('rate')}>
            <Space>
              <InputNumber id={id('rate')} min={1} max={10000} aria-label={t('appsettings.channel.rateMax')}
                value={(c.rate_limit as { max?: number } | undefined)?.max ?? 5}
                onChange={(v) => set('rate_limit', { max: v ?? 5, per_minutes: (c.rate_limit as { per_minutes?: number } | undefined)?.per_minutes ?? 10 })} />
              <Typography.Text>{t('appsettings.channel.per')}</Typography.Text>
              <InputNumber min={1} max={1440} aria-label={t('appsettings.channel.rateMinutes')}
                value={(c.rate_limit as { per_minutes?: number } | undefined)?.per_minutes ?? 10}
                onChange={(v) => set('rate_limit', { max: (c.rate_limit as { max?: number } | undefined)?.max ?? 5, per_minutes: v ?? 10 })} />
              <Typography.Text>{t('appsettings.channel.minutes')}</Typography.Text>
            </Space>
          </Form.Item>
        </>}
        {c.kind === 'inbound_email' && <>
          <Form.Item label={t('appsettings.channel.address')} htmlFor={id('address')}>
            <Input id={id('address')} style={{ width: 240 }} value={typeof c.address === 'string' ? c.address : ''}
              placeholder={t('appsettings.channel.addressExample')} onChange={(e) => set('address', e.target.value, id('address'))} />
          </Form.Item>
          {fieldSelect('subject_field', t('appsettings.channel.subjectField'), false)}
          {fieldSelect('body_field', t('appsettings.channel.bodyField'), true)}
          {fieldSelect('from_field', t('appsettings.channel.fromField'), true)}
        </>}
        {c.kind === 'inbound_webhook' && <WebhookMap channel={channel} store={store} fieldChoices={fieldChoices} />}
      </Form>
      <PublishedAddress appKey={appKey} channel={channel} />
    </Card>
  )
}

function WebhookMap({ channel, store, fieldChoices }: { channel: Channel; store: DraftStore; fieldChoices: Array<{ value: string; label: string }> }) {
  const { t } = useTranslation()
  const c = channel.doc
  const rows = mapRows(c)
  const setRows = (next: Array<{ field: string; path: string }>, coalesce?: string) =>
    store.edit(setChannel(channel, 'map', rowsToMap(next)), coalesce ? { coalesce } : undefined)
  return (
    <Flex vertical gap={6} style={{ width: '100%', marginTop: 8 }}>
      <Typography.Text strong>{t('appsettings.channel.map')}</Typography.Text>
      {rows.map((row, i) => (
        <Space key={row.field || i}>
          <Select aria-label={t('appsettings.channel.mapField', { n: i + 1 })} style={{ width: 220 }} options={fieldChoices} showSearch
            optionFilterProp="label" value={row.field || undefined} onChange={(v: string) => setRows(rows.map((r, j) => (j === i ? { ...r, field: v } : r)))} />
          <span aria-hidden>←</span>
          <Input aria-label={t('appsettings.channel.mapPath', { n: i + 1 })} style={{ width: 220 }} value={row.path}
            placeholder={t('appsettings.channel.pathExample')}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, path: e.target.value } : r)), `map-${c.key}-${String(i)}`)} />
          <Button type="text" icon={<DeleteOutlined />} aria-label={t('appsettings.channel.mapRemove', { n: i + 1 })}
            onClick={() => setRows(rows.filter((_, j) => j !== i))} />
        </Space>
      ))}
      <Button size="small" icon={<PlusOutlined />} style={{ alignSelf: 'start' }}
        disabled={fieldChoices.every((f) => rows.some((r) => r.field === f.value))}
        onClick={() => {
          const free = fieldChoices.find((f) => !rows.some((r) => r.field === f.value))
          if (free) setRows([...rows, { field: free.value, path: free.value }])
        }}>{t('appsettings.channel.mapAdd')}</Button>
      <Form.Item label={t('appsettings.channel.dedupe')} htmlFor={`channel-${c.key}-dedupe`}>
        <Input id={`channel-${c.key}-dedupe`} style={{ width: 220 }} placeholder={t('appsettings.channel.dedupeExample')}
          value={typeof c.dedupe === 'string' ? c.dedupe : ''}
          onChange={(e) => store.edit(setChannel(channel, 'dedupe', e.target.value || undefined), { coalesce: `dedupe-${c.key}` })} />
      </Form.Item>
    </Flex>
  )
}

/** Where the published channel is reached: the public form's link, the webhook's URL and signing secret. */
function PublishedAddress({ appKey, channel }: { appKey: string; channel: Channel }) {
  const { t } = useTranslation()
  const me = useMe()
  const published = usePublishedChannels(appKey)
  const live = published.data?.items.find((item) => item.key === channel.doc.key)
  if (!live) return <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
    {t('appsettings.channel.unpublished')}</Typography.Paragraph>
  const org = me.data?.org.key ?? ''
  if (channel.doc.kind === 'public_form' && typeof live.form === 'string') {
    const link = `${window.location.origin}/p/${org}/${appKey}/forms/${live.form}`
    return <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }}>
      {t('appsettings.channel.link')}: <Typography.Link href={link} target="_blank">{link}</Typography.Link>
      <Typography.Text copyable={{ text: link }} />
    </Typography.Paragraph>
  }
  if (channel.doc.kind === 'inbound_webhook' && live.url) {
    return <Flex vertical style={{ marginTop: 8 }}>
      <Typography.Text>{t('appsettings.channel.url')}: <Typography.Text code copyable>{`${window.location.origin}${live.url}`}</Typography.Text></Typography.Text>
      {live.secret && <Typography.Text>{t('appsettings.channel.secret')}: <Typography.Text code copyable={{ text: live.secret }}>
        {'•'.repeat(12)}</Typography.Text></Typography.Text>}
    </Flex>
  }
  return null
}
