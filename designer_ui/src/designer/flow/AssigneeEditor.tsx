import { InputNumber, Select, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import { useDirectory } from '../../fields/people'
import { pickLabel, type Label } from '../../core/labels'
import type { Catalog } from '../designerApi'

export type AssigneeSpec = Record<string, unknown> & { strategy?: string }
export interface DecisionTableRef { key: string; label?: Label; outputs: string[] }

interface Props {
  id: string
  value: AssigneeSpec | undefined
  catalog: Catalog
  /** The app's roles and the flow form's user fields, for the strategies that name one. */
  roles: { key: string; label?: Label }[]
  userFields: { key: string; label?: Label }[]
  /** The app's decision tables, for the decision-table strategy. */
  tables?: DecisionTableRef[]
  /** The new rule (attributes the strategy does not read are dropped), or undefined to clear it. */
  onChange: (value: AssigneeSpec | undefined) => void
  allowClear?: boolean
}

/** What each strategy reads besides `strategy` (the engine's Assignee model). */
const READS: Record<string, string[]> = {
  users: ['users'], role: ['role'], dept_manager: ['of', 'levels'], user_field: ['field'],
  round_robin: ['role', 'dept'], least_open: ['role', 'dept'], decision_table: ['table', 'output'],
}

/** Who gets a task: a strategy from the server's catalog and what that strategy needs. */
export function AssigneeEditor({ id, value, catalog, roles, userFields, tables = [], onChange, allowClear = false }: Props) {
  const { t, i18n } = useTranslation()
  const users = useDirectory('users')
  const strategy = value?.strategy
  const reads = new Set(READS[strategy ?? ''] ?? [])
  const set = (name: string, v: unknown) => {
    const next: AssigneeSpec = { ...(value ?? {}) }
    if (v === undefined || v === null) delete next[name]
    else next[name] = v
    onChange(next)
  }
  const changeStrategy = (s: string | undefined) => {
    if (!s) return onChange(undefined)
    const keep = new Set(READS[s] ?? [])
    onChange({ strategy: s, ...Object.fromEntries(Object.entries(value ?? {}).filter(([k]) => keep.has(k))) })
  }
  return <Space direction="vertical" style={{ width: '100%' }} size={6}>
    <Select id={id} aria-label={t('designer.flow.assignee.strategy')} value={strategy} allowClear={allowClear} showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('designer.flow.assignee.pick')} onChange={changeStrategy} style={{ width: '100%' }}
      options={catalog.flows.assignee_strategies.map((s) => ({ value: s.key, label: pickLabel(s.label, i18n.language, s.key) }))} />
    {reads.has('users') && <Select mode="multiple" aria-label={t('designer.flow.assignee.users')} style={{ width: '100%' }}
      showSearch={{ optionFilterProp: 'label' }} loading={users.isLoading} value={(value?.users as number[] | undefined) ?? []}
      onChange={(v: number[]) => set('users', v.length ? v : undefined)}
      options={(users.data ?? []).map((u) => ({ value: u.id, label: u.display_name || u.username || `#${String(u.id)}` }))} />}
    {reads.has('role') && <Select aria-label={t('designer.flow.assignee.role')} style={{ width: '100%' }} allowClear showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('designer.flow.assignee.role')} value={value?.role as string | undefined} onChange={(v?: string) => set('role', v)}
      options={roles.map((r) => ({ value: r.key, label: pickLabel(r.label, i18n.language, r.key) }))} />}
    {reads.has('field') && <Select aria-label={t('designer.flow.assignee.field')} style={{ width: '100%' }} showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('designer.flow.assignee.field')} value={value?.field as string | undefined} onChange={(v?: string) => set('field', v)}
      options={userFields.map((f) => ({ value: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />}
    {reads.has('table') && <Select aria-label={t('designer.flow.assignee.table')} style={{ width: '100%' }} showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('designer.flow.assignee.table')} value={value?.table as string | undefined}
      onChange={(v?: string) => {
        const next: AssigneeSpec = { ...(value ?? {}) }
        delete next.output
        if (v) next.table = v
        else delete next.table
        onChange(next)
      }}
      notFoundContent={t('designer.flow.assignee.noTables')}
      options={tables.map((d) => ({ value: d.key, label: pickLabel(d.label, i18n.language, d.key) }))} />}
    {reads.has('output') && value?.table !== undefined && <Select aria-label={t('designer.flow.assignee.output')} style={{ width: '100%' }}
      allowClear placeholder={t('designer.flow.assignee.outputFirst')} value={value?.output as string | undefined}
      onChange={(v?: string) => set('output', v)}
      options={(tables.find((d) => d.key === value?.table)?.outputs ?? []).map((o) => ({ value: o, label: o }))} />}
    {reads.has('of') && <Space>
      <Select aria-label={t('designer.flow.assignee.of')} value={(value?.of as string | undefined) ?? 'initiator'} style={{ width: 150 }}
        onChange={(v: string) => set('of', v === 'initiator' ? undefined : v)}
        options={['initiator', 'record', 'assignee'].map((o) => ({ value: o, label: t(`designer.flow.assignee.ofs.${o}`) }))} />
      <InputNumber aria-label={t('designer.flow.assignee.levels')} min={0} max={10} value={(value?.levels as number | undefined) ?? 0}
        style={{ width: 80 }} onChange={(v) => set('levels', v ? v : undefined)} />
      <span>{t('designer.flow.assignee.levelsUnit')}</span>
    </Space>}
  </Space>
}
