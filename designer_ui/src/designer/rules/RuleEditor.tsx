import { Alert, Card, Form, Input, InputNumber, Select, Space, Switch, Tabs, Typography } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import { getAt } from '../../core/design/pointer'
import { setKeyOps, type Obj, type RuleElement } from '../../core/design/rules'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { ExpressionInput } from '../ExpressionInput'
import { JsonPanel } from '../JsonPanel'
import { ActionList } from './ActionList'
import { DryRunPanel } from './DryRunPanel'
import { RunLog } from './RunLog'
import { TriggerEditor } from './TriggerEditor'
import type { RuleScope } from './useRuleScope'

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  rule: RuleElement
  catalog: Catalog
  scope: RuleScope
  /** The draft's problems under this rule's path. */
  problems: readonly Problem[]
}

/** One rule: its name and form, triggers, condition and ordered actions; its dry run, its log and its JSON. */
export function RuleEditor({ appKey, store, doc, rule, catalog, scope, problems }: Props) {
  const { t, i18n } = useTranslation()
  const path = ['rules', String(rule.index)]
  const raw = (getAt(doc, path) ?? {}) as Obj
  const label = (raw.label ?? {}) as Record<string, string>
  const name = pickLabel(label, i18n.language, rule.key)
  const set = (key: string, value: unknown) => store.edit(setKeyOps(doc, path, key, value), { coalesce: `${path.join('/')}/${key}` })
  const base = `/rules/${String(rule.index)}`
  const flaggedActions = useMemo(() => new Set(problems.flatMap((p) => {
    const m = /^\/actions\/(\d+)/.exec(p.path.slice(base.length))
    return m ? [Number(m[1])] : []
  })), [problems, base])
  const whenProblems = problems.filter((p) => p.path.startsWith(`${base}/when`))

  const settings = <Space direction="vertical" style={{ width: '100%' }} size={12}>
    {problems.length > 0 && <Alert type="warning" showIcon message={t('designer.rules.problems', { n: problems.length })}
      description={<ul className="designer-json-problems">{problems.slice(0, 8).map((p) => <li key={p.path + p.message}>
        <code>{p.path.slice(base.length) || '/'}</code> {p.message}</li>)}</ul>} />}
    <Card size="small" title={t('designer.rules.section.basics')}>
      <Form layout="vertical" size="small" component="div">
        <Space wrap align="start">
          <Form.Item label={t('designer.rules.labelZh')} htmlFor="rule-label-zh">
            <Input id="rule-label-zh" style={{ width: 220 }} value={label['zh-CN'] ?? ''} onChange={(e) => set('label', { ...label, 'zh-CN': e.target.value })} />
          </Form.Item>
          <Form.Item label={t('designer.rules.labelEn')} htmlFor="rule-label-en">
            <Input id="rule-label-en" style={{ width: 220 }} value={label.en ?? ''} onChange={(e) => set('label', { ...label, en: e.target.value })} />
          </Form.Item>
          <Form.Item label={t('designer.rules.form')} htmlFor="rule-form">
            <Select id="rule-form" style={{ width: 160 }} options={scope.forms} value={rule.form ?? undefined} onChange={(v: string) => set('form', v)} />
          </Form.Item>
          <Form.Item label={t('designer.rules.priority')} htmlFor="rule-priority" tooltip={t('designer.rules.priorityHelp')}>
            <InputNumber id="rule-priority" value={typeof raw.priority === 'number' ? raw.priority : 100}
              onChange={(v) => set('priority', v ?? undefined)} />
          </Form.Item>
          <Form.Item label={t('designer.rules.enabled')} htmlFor="rule-enabled">
            <Switch id="rule-enabled" checked={rule.enabled} onChange={(on) => set('enabled', on ? undefined : false)} />
          </Form.Item>
        </Space>
        <Typography.Text type="secondary" className="designer-field-key">{rule.key}</Typography.Text>
      </Form>
    </Card>
    <Card size="small" title={t('designer.rules.section.triggers')}>
      <TriggerEditor store={store} doc={doc} index={rule.index} form={rule.form} triggers={rule.triggers} catalog={catalog} scope={scope} />
    </Card>
    <Card size="small" title={t('designer.rules.section.condition')}>
      <Form layout="vertical" size="small" component="div">
        <Form.Item label={t('designer.rules.when')} htmlFor="rule-when" help={t('designer.rules.whenHelp')}
          validateStatus={whenProblems.length > 0 ? 'error' : undefined}>
          <ExpressionInput id="rule-when" condition scope={{ form: rule.form ?? null }} value={raw.when} onChange={(v) => set('when', v ?? undefined)} />
        </Form.Item>
        {whenProblems.map((p) => <Typography.Text key={p.path + p.message} type="danger" style={{ display: 'block' }}>{p.message}</Typography.Text>)}
        {Array.isArray(raw.aggregates) && raw.aggregates.length > 0 && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('designer.rules.aggregates', { list: (raw.aggregates as Obj[]).map((a) => `agg.${String(a.key)} = ${String(a.fn ?? 'count')}(${String(a.form ?? rule.form)}${a.field ? `.${String(a.field)}` : ''})`).join('; ') })}
        </Typography.Paragraph>}
      </Form>
    </Card>
    <Card size="small" title={t('designer.rules.section.actions')}>
      <ActionList appKey={appKey} store={store} doc={doc} ruleIndex={rule.index} ruleLabel={name} actions={rule.actions} form={rule.form}
        catalog={catalog} scope={scope} flagged={flaggedActions} />
    </Card>
  </Space>

  return <Tabs className="rules-tabs" items={[
    { key: 'settings', label: t('designer.rules.tab.settings'), children: settings },
    { key: 'dry-run', label: t('designer.rules.tab.dryRun'), children: <DryRunPanel appKey={appKey} store={store} rule={rule.key} form={rule.form} scope={scope} /> },
    { key: 'log', label: t('designer.rules.tab.log'), children: <RunLog appKey={appKey} rules={[]} rule={rule.key} /> },
    { key: 'json', label: t('designer.json.tab'), children: <JsonPanel key={rule.index} store={store} doc={doc} pointer={`/${path.join('/')}`} /> },
  ]} />
}
