import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { fieldsOf, type FieldLike } from '../../core/design/formModel'
import { getAt } from '../../core/design/pointer'
import { pickLabel } from '../../core/labels'

type Obj = Record<string, unknown>

export interface Choice { value: string; label: string }

export interface RuleScope {
  forms: Choice[]
  /** A form's fields as select options (label with the key), optionally only of some kinds. */
  fieldChoices: (form: string | null, kinds?: readonly string[]) => Choice[]
  fieldLabel: (form: string | null, key: string) => string
  fields: (form: string | null) => FieldLike[]
  flows: Choice[]
  roles: Choice[]
  tables: Choice[]
  webhooks: Choice[]
  notifyChannels: Choice[]
  titleField: (form: string | null) => string | null
}

const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => typeof x === 'object' && x !== null) : [])
const keyOf = (o: Obj): string => (typeof o.key === 'string' ? o.key : '')

/** What a rule of the draft may name: forms and their fields, flows, roles, tables, webhooks, channels. */
export function useRuleScope(doc: unknown): RuleScope {
  const { i18n } = useTranslation()
  const locale = i18n.language
  return useMemo(() => {
    const forms = objects(getAt(doc, ['forms']))
    const byKey = new Map(forms.map((f) => [keyOf(f), f]))
    const choices = (list: Obj[]) => list.map((o) => ({ value: keyOf(o), label: pickLabel(o.label as never, locale, keyOf(o)) }))
    const rules = objects(getAt(doc, ['rules']))
    const ofKind = (kind: string) => choices(rules.filter((r) => r.kind === kind))
    const fields = (form: string | null) => fieldsOf(byKey.get(form ?? ''))
    return {
      forms: choices(forms),
      fields,
      fieldChoices: (form, kinds) => fields(form).filter((f) => !kinds || kinds.includes(String(f.kind)))
        .map((f) => ({ value: f.key, label: `${pickLabel(f.label, locale, f.key)} (${f.key})` })),
      fieldLabel: (form, key) => {
        const found = fields(form).find((f) => f.key === key)
        return found ? pickLabel(found.label, locale, key) : key
      },
      flows: choices(objects(getAt(doc, ['flows']))),
      roles: choices(objects(getAt(doc, ['roles']))),
      tables: ofKind('decision_table'),
      webhooks: ofKind('webhook'),
      notifyChannels: ofKind('notify_channel'),
      titleField: (form) => {
        const found = byKey.get(form ?? '')
        return typeof found?.title_field === 'string' ? found.title_field : null
      },
    }
  }, [doc, locale])
}
