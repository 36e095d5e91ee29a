import { DeleteOutlined, PlusOutlined, TableOutlined, ThunderboltOutlined, UnorderedListOutlined } from '@ant-design/icons'
import { Badge, Button, Empty, Space, Switch, Typography } from 'antd'
import { useEffect, useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { uniqueKey } from '../../core/design/keys'
import { newAction, newRule, newTable, ruleElements, sectionKeys, setKeyOps, triggerSummary, type RuleElement } from '../../core/design/rules'
import { pickLabel } from '../../core/labels'
import type { AreaProps } from '../designerAreas'
import { DecisionTableEditor } from './DecisionTableEditor'
import { RuleEditor } from './RuleEditor'
import { RunLog } from './RunLog'
import { useRuleScope } from './useRuleScope'
import './rules.css'

/** /design/:app/rules[/:rule] — the rules and decision tables of the draft, one opened beside the list; the run log. */
export function RulesDesigner({ appKey, store, doc, catalog, problems }: AreaProps) {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const { rule: selectedKey } = useParams()
  const at = useSearchParams()[0].get('at')
  const scope = useRuleScope(doc)
  const elements = useMemo(() => ruleElements(doc), [doc])
  const selected = elements.find((e) => e.key === selectedKey)
  const list = useRef<HTMLElement>(null)
  useEffect(() => { // the opened rule is in view in the list, also when a link or a problem opened it
    list.current?.querySelector('.rules-item.selected')?.scrollIntoView({ block: 'nearest' })
  }, [selectedKey])
  const problemsOf = (e: RuleElement) => problems.filter((p) => p.path === `/rules/${String(e.index)}` || p.path.startsWith(`/rules/${String(e.index)}/`))
  const eventLabels = new Map(catalog.rules.triggers.map((e) => [e.key, pickLabel(e.label, i18n.language, e.key)]))
  const name = (e: RuleElement) => pickLabel(e.label, i18n.language, e.key)
  const summary = (e: RuleElement) => e.triggers.map((trigger) => {
    const { event, params } = triggerSummary(trigger)
    const fields = { ...params, field: params.field ? scope.fieldLabel(e.form, params.field) : '' }
    return t(`designer.rules.summary.${event}`, { ...fields, defaultValue: eventLabels.get(event) ?? event })
  }).join(t('designer.rules.summary.or'))
  const tableSummary = (e: RuleElement) => {
    const raw = (doc as { rules: { inputs?: unknown[]; rows?: unknown[]; hit_policy?: string }[] }).rules[e.index]
    const policy = catalog.rules.hit_policies.find((h) => h.key === (raw?.hit_policy ?? 'first'))
    return t('designer.rules.tableSummary', { inputs: raw?.inputs?.length ?? 0, rows: raw?.rows?.length ?? 0,
      policy: policy ? pickLabel(policy.label, i18n.language, policy.key) : '' })
  }
  const open = (key: string) => void navigate(`/design/${appKey}/rules/${key}`)
  const bilingual = (word: string) => ({ 'zh-CN': t(word, { lng: 'zh-CN' }), en: t(word, { lng: 'en' }) })
  const add = (kind: 'rule' | 'table') => {
    const key = uniqueKey(kind, sectionKeys(doc), { numbered: true })
    const value = kind === 'rule' ? newRule(key, bilingual('designer.rules.newRule'), scope.forms[0]?.value ?? '', newAction('set'))
      : newTable(key, bilingual('designer.rules.newTable'))
    const rules = (doc as { rules?: unknown }).rules
    store.edit(Array.isArray(rules) ? [{ op: 'insert', path: ['rules', String(rules.length)], value }] : [{ op: 'set', path: ['rules'], value: [value] }])
    open(key)
  }
  const remove = (e: RuleElement) => {
    const path = ['rules', String(e.index)]
    store.remove([{ op: 'remove', path }], { kind: e.kind, label: name(e),
      restore: [{ op: 'insert', path, value: (doc as { rules: unknown[] }).rules[e.index], clamp: true }] })
    if (e.key === selectedKey) void navigate(`/design/${appKey}/rules`)
  }

  const item = (e: RuleElement) => {
    const count = problemsOf(e).length
    return <li key={e.key} className={`rules-item${e.key === selectedKey ? ' selected' : ''}${count > 0 ? ' flagged' : ''}`}>
      <button type="button" className="rules-item-open" onClick={() => open(e.key)}
        aria-label={t(e.kind === 'rule' ? 'designer.rules.openRule' : 'designer.rules.openTable', { name: name(e) })}
        aria-current={e.key === selectedKey ? 'page' : undefined}>
        <span className="rules-item-name">{e.kind === 'rule' ? <ThunderboltOutlined /> : <TableOutlined />} {name(e)}
          {count > 0 && <Badge count={count} size="small" style={{ marginLeft: 6 }} />}</span>
        <Typography.Text type="secondary" className="rules-item-summary">
          {e.kind === 'rule' ? summary(e) : tableSummary(e)}</Typography.Text>
      </button>
      <Space size={0} className="rules-item-tools">
        {e.kind === 'rule' && <Switch size="small" checked={e.enabled} aria-label={t('designer.rules.enable', { name: name(e) })}
          onChange={(on) => store.edit(setKeyOps(doc, ['rules', String(e.index)], 'enabled', on ? undefined : false))} />}
        <Button size="small" type="text" icon={<DeleteOutlined />} aria-label={t('designer.rules.remove', { name: name(e) })}
          onClick={() => remove(e)} />
      </Space>
    </li>
  }
  const rules = elements.filter((e) => e.kind === 'rule')
  const tables = elements.filter((e) => e.kind === 'decision_table')

  return <div className="rules-designer">
    <nav ref={list} className="rules-list" aria-label={t('designer.rules.list')}>
      <div className="rules-list-head">
        <Typography.Text strong>{t('designer.rules.rulesTitle', { n: rules.length })}</Typography.Text>
        <Button size="small" icon={<PlusOutlined />} onClick={() => add('rule')}>{t('designer.rules.addRule')}</Button>
      </div>
      <ul className="rules-items">{rules.map(item)}</ul>
      <div className="rules-list-head">
        <Typography.Text strong>{t('designer.rules.tablesTitle', { n: tables.length })}</Typography.Text>
        <Button size="small" icon={<PlusOutlined />} onClick={() => add('table')}>{t('designer.rules.addTable')}</Button>
      </div>
      <ul className="rules-items">{tables.map(item)}</ul>
      <Link to={`/design/${appKey}/rules`} className="rules-log-link"><UnorderedListOutlined /> {t('designer.rules.log.title')}</Link>
    </nav>
    <main className="rules-main" aria-label={selected ? name(selected) : t('designer.rules.log.title')}>
      {selectedKey !== undefined && !selected ? <Empty description={t('designer.rules.missing', { key: selectedKey })} />
        : selected?.kind === 'rule'
          ? <RuleEditor key={selected.key} appKey={appKey} store={store} doc={doc} rule={selected} catalog={catalog} scope={scope}
            problems={problemsOf(selected)} />
          : selected
            ? <DecisionTableEditor key={selected.key} appKey={appKey} store={store} doc={doc} element={selected} catalog={catalog}
              scope={scope} problems={problemsOf(selected)} at={at} />
            : <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Title level={5}>{t('designer.rules.log.title')}</Typography.Title>
              <RunLog appKey={appKey} rules={rules.map((r) => ({ value: r.key, label: name(r) }))} />
            </Space>}
    </main>
  </div>
}
