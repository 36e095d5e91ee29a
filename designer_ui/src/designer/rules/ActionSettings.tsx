import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Checkbox, Form, Input, InputNumber, Select, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../../core/design/draftStore'
import { setKeyOps, type Obj } from '../../core/design/rules'
import { JsonPanel } from '../JsonPanel'
import { KeyedValues } from './KeyedValues'
import { MessagePreviewButton } from './MessagePreviewButton'
import type { RuleScope } from './useRuleScope'
import { WebhookTestButton } from './WebhookTestButton'

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  ruleIndex: number
  index: number
  action: Obj
  form: string | null
  scope: RuleScope
}

const RECIPIENTS = ['role', 'user_field', 'email_field', 'phone_field', 'user', 'email'] as const
const asObj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {})
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** One action's settings, by kind; a kind this page does not know is edited as JSON. */
export function ActionSettings({ appKey, store, doc, ruleIndex, index, action, form, scope }: Props) {
  const { t } = useTranslation()
  const path = ['rules', String(ruleIndex), 'actions', String(index)]
  const id = (what: string) => `action-${String(index)}-${what}`
  const set = (key: string, value: unknown) => store.edit(setKeyOps(doc, path, key, value), { coalesce: `${path.join('/')}/${key}` })
  const item = (what: string, control: React.ReactNode) => <Form.Item label={t(`designer.rules.action.${what}`)} htmlFor={id(what)}>
    {control}</Form.Item>
  const fieldSelect = (what: string, value: unknown, onChange: (v: string) => void, ofForm = form, kinds?: readonly string[]) =>
    <Select id={id(what)} showSearch={{ optionFilterProp: 'label' }} options={scope.fieldChoices(ofForm, kinds)}
      value={str(value)} onChange={onChange} />
  const values = (target: string | null) => <>
    {item('values', <KeyedValues id={id('values')} title={t('designer.rules.action.values')} value={asObj(action.values)}
      fields={scope.fieldChoices(target)} onChange={(v) => set('values', v)} />)}
    {item('formulas', <KeyedValues id={id('formulas')} title={t('designer.rules.action.formulas')} formulas
      value={asObj(action.formulas)} fields={scope.fieldChoices(target)}
      onChange={(v) => set('formulas', Object.keys(v).length > 0 ? v : undefined)} />)}
  </>

  switch (action.kind) {
    case 'set':
      return <Form layout="vertical" size="small" component="div">{values(form)}</Form>
    case 'escalate':
      return <Form layout="vertical" size="small" component="div"><Space>
        {item('field', fieldSelect('field', action.field ?? 'escalation_level', (v) => set('field', v), form, ['integer']))}
        {item('to', <InputNumber id={id('to')} min={0} value={typeof action.to === 'number' ? action.to : null}
          onChange={(v) => set('to', v ?? undefined)} />)}
        {item('by', <InputNumber id={id('by')} min={1} value={typeof action.by === 'number' ? action.by : 1}
          onChange={(v) => set('by', v ?? undefined)} />)}
      </Space></Form>
    case 'start_flow':
      return <Form layout="vertical" size="small" component="div">
        {item('flow', <Select id={id('flow')} options={scope.flows} value={str(action.flow)} onChange={(v: string) => set('flow', v)} />)}
      </Form>
    case 'decide':
      return <Form layout="vertical" size="small" component="div">
        {item('table', <Select id={id('table')} options={scope.tables} value={str(action.table)} onChange={(v: string) => set('table', v)} />)}
      </Form>
    case 'assign': {
      const to = asObj(action.to)
      return <Form layout="vertical" size="small" component="div"><Space wrap>
        {item('field', fieldSelect('field', action.field, (v) => set('field', v), form, ['user']))}
        {item('role', <Select id={id('role')} options={scope.roles} value={str(to.role)} onChange={(v: string) => set('to', { ...to, role: v })} />)}
        {item('pick', <Select id={id('pick')} value={str(to.pick) ?? 'first'} style={{ width: 140 }}
          options={['first', 'least_loaded', 'round_robin'].map((p) => ({ value: p, label: t(`designer.rules.pick.${p}`) }))}
          onChange={(v: string) => set('to', { ...to, pick: v })} />)}
      </Space></Form>
    }
    case 'create':
    case 'update': {
      const target = str(action.form) ?? null
      return <Form layout="vertical" size="small" component="div">
        {item('form', <Select id={id('form')} options={scope.forms} value={target ?? undefined} onChange={(v: string) => set('form', v)} />)}
        {action.kind === 'update' && item('match', <KeyedValues id={id('match')} title={t('designer.rules.action.match')} formulas
          value={asObj(action.match)} fields={scope.fieldChoices(target)} onChange={(v) => set('match', v)} />)}
        {values(target)}
      </Form>
    }
    case 'notify':
      return <NotifySettings {...{ appKey, action, form, scope, set, id }} />
    case 'webhook':
      return <Form layout="vertical" size="small" component="div">
        {item('subscription', <Select id={id('subscription')} allowClear options={scope.webhooks} value={str(action.subscription)}
          onChange={(v: string | undefined) => store.edit([...setKeyOps(doc, path, 'subscription', v),
            ...(v ? setKeyOps(doc, path, 'url', undefined) : [])])} />)}
        {action.subscription === undefined && item('url', <Input id={id('url')} value={str(action.url) ?? ''}
          onChange={(e) => set('url', e.target.value)} />)}
        {item('payload', <Input.TextArea id={id('payload')} autoSize={{ minRows: 2, maxRows: 8 }} style={{ fontFamily: 'monospace' }}
          defaultValue={action.payload === undefined ? '' : JSON.stringify(action.payload, null, 2)}
          onBlur={(e) => {
            const text = e.target.value.trim()
            if (text === '') return set('payload', undefined)
            try {
              set('payload', JSON.parse(text))
            } catch {
              // not JSON yet: the field shows the text until it parses
            }
          }} />)}
        <WebhookTestButton appKey={appKey} form={form} scope={scope} action={action} />
      </Form>
    default:
      return <JsonPanel store={store} doc={doc} pointer={`/${path.join('/')}`} />
  }
}

interface NotifyProps {
  appKey: string
  action: Obj
  form: string | null
  scope: RuleScope
  set: (key: string, value: unknown) => void
  id: (what: string) => string
}

function NotifySettings({ appKey, action, form, scope, set, id }: NotifyProps) {
  const { t } = useTranslation()
  const to = (Array.isArray(action.to) ? action.to : []).map(asObj)
  const channels = [{ value: 'in_app', label: t('designer.rules.channel.in_app') }, { value: 'email', label: t('designer.rules.channel.email') },
    ...scope.notifyChannels]
  const setRecipient = (n: number, next: Record<string, unknown>) => set('to', to.map((r, i) => (i === n ? next : r)))
  const kindOf = (r: Record<string, unknown>) => RECIPIENTS.find((k) => k in r) ?? 'role'
  const valueControl = (r: Record<string, unknown>, n: number) => {
    const kind = kindOf(r)
    const label = t('designer.rules.recipient.value', { n: n + 1 })
    if (kind === 'role') return <Select aria-label={label} style={{ minWidth: 160 }} options={scope.roles} value={str(r.role)}
      onChange={(v: string) => setRecipient(n, { role: v })} />
    if (kind === 'user') return <InputNumber aria-label={label} min={1} value={typeof r.user === 'number' ? r.user : null}
      onChange={(v) => setRecipient(n, { user: v })} />
    if (kind === 'email') return <Input aria-label={label} style={{ width: 220 }} value={str(r.email) ?? ''}
      onChange={(e) => setRecipient(n, { email: e.target.value })} />
    const kinds = kind === 'user_field' ? ['user'] : kind === 'email_field' ? ['email', 'text'] : ['phone', 'text']
    return <Select aria-label={label} style={{ minWidth: 180 }} options={scope.fieldChoices(form, kinds)} value={str(r[kind])}
      onChange={(v: string) => setRecipient(n, { [kind]: v })} />
  }
  return <Form layout="vertical" size="small" component="div">
    <Form.Item label={t('designer.rules.action.to')}>
      <Space direction="vertical" size={4}>
        {to.map((r, n) => <Space key={n} size={4}>
          <Select aria-label={t('designer.rules.recipient.kind', { n: n + 1 })} style={{ width: 150 }} value={kindOf(r)}
            options={RECIPIENTS.map((k) => ({ value: k, label: t(`designer.rules.recipient.${k}`) }))}
            onChange={(k: string) => setRecipient(n, { [k]: k === 'user' ? null : '' })} />
          {valueControl(r, n)}
          <Button size="small" type="text" icon={<DeleteOutlined />} disabled={to.length <= 1}
            aria-label={t('designer.rules.recipient.remove', { n: n + 1 })} onClick={() => set('to', to.filter((_, i) => i !== n))} />
        </Space>)}
        <Button size="small" icon={<PlusOutlined />} onClick={() => set('to', [...to, { role: '' }])}>{t('designer.rules.recipient.add')}</Button>
      </Space>
    </Form.Item>
    <Form.Item label={t('designer.rules.action.channels')} htmlFor={id('channels')}>
      <Select id={id('channels')} mode="multiple" options={channels} value={Array.isArray(action.channels) ? action.channels as string[] : ['in_app']}
        onChange={(v: string[]) => set('channels', v)} />
    </Form.Item>
    <Form.Item label={t('designer.rules.action.subject')} htmlFor={id('subject')}>
      <Input id={id('subject')} value={str(action.subject) ?? ''} onChange={(e) => set('subject', e.target.value)} />
    </Form.Item>
    <Form.Item label={t('designer.rules.action.body')} htmlFor={id('body')}>
      <Input.TextArea id={id('body')} autoSize={{ minRows: 2, maxRows: 8 }} value={str(action.body) ?? ''}
        onChange={(e) => set('body', e.target.value || undefined)} />
    </Form.Item>
    <Checkbox checked={action.digest === true} onChange={(e) => set('digest', e.target.checked || undefined)}>
      {t('designer.rules.action.digest')}</Checkbox>
    <div style={{ marginTop: 8 }}>
      <MessagePreviewButton appKey={appKey} form={form} scope={scope} subject={str(action.subject) ?? ''} body={str(action.body) ?? ''} />
    </div>
  </Form>
}
