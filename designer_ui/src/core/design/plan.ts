/**
 * A publish dry run's migration plan in words: one sentence per step, as an i18n key and its values,
 * so the designer reads "add column 'repair_cost' to Complaint" instead of `add_field`.
 *
 *   planSentences([{form: 'ticket', table: 't', steps: [{op: 'add_field', field: 'cost', ddl: true}]}], names)
 *   → [{key: 'designer.plan.add_field', values: {form: 'Ticket', field: 'cost', …}, ddl: true}]
 */
export interface PlanStep {
  op: string
  field?: string | null
  ddl: boolean
  [detail: string]: unknown
}

export interface FormPlan {
  form: string
  table: string
  steps: PlanStep[]
}

export interface Sentence {
  key: string
  values: Record<string, string>
  ddl: boolean
}

const KNOWN = new Set(['create_table', 'add_field', 'rename_field', 'retype_field', 'archive_field', 'relabel', 'index'])

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v))

/** `names(formKey)` and `fieldName(formKey, fieldKey)` give display labels (the key when unknown). */
export function planSentences(plans: readonly FormPlan[], names: {
  form: (key: string) => string
  field: (form: string, key: string) => string
}): Sentence[] {
  return plans.flatMap((plan) => plan.steps.map((step) => {
    const [form = plan.form, sub] = plan.form.split('__')
    const formName = sub ? `${names.form(form)} · ${names.field(form, sub)}` : names.form(form)
    const field = step.field ? (sub ? step.field : names.field(form, step.field)) : ''
    const values: Record<string, string> = { form: formName, field, key: text(step.field), table: plan.table }
    for (const [name, value] of Object.entries(step)) {
      if (!['op', 'field', 'ddl'].includes(name)) values[name] = text(value)
    }
    return { key: `designer.plan.${KNOWN.has(step.op) ? step.op : 'other'}`, values: { ...values, op: step.op }, ddl: step.ddl }
  }))
}
