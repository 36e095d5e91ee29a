import type { FieldDef, FormDef, LayoutSection } from './types'

export interface SectionModel {
  key: string
  label: LayoutSection['label']
  help: LayoutSection['help']
  columns: number
  fields: FieldDef[]
}

export interface TabModel {
  key: string
  label: Record<string, string> | null
  sections: SectionModel[]
}

/**
 * The form's layout as tabs of sections of fields. Fields no section names go into a last section
 * (a form without a layout is one section of all its fields); sections without a tab, or naming an
 * unknown one, go into a first unnamed tab; fields the caller may not read are left out.
 *
 *   layoutOf({fields: [a, b], tabs: [], layout: [{key: 's', fields: ['a']}]})
 *   → [{key: '', sections: [{key: 's', fields: [a]}, {key: '_rest', fields: [b]}]}]
 */
export function layoutOf(form: FormDef, canRead: (key: string) => boolean = () => true): TabModel[] {
  const byKey = new Map((form.fields ?? []).map((f) => [f.key, f]))
  const placed = new Set<string>()
  const sections: (SectionModel & { tab: string })[] = []
  for (const section of form.layout ?? []) {
    const fields = (section.fields ?? []).flatMap((k) => {
      const f = byKey.get(k)
      return f && !placed.has(k) ? (placed.add(k), [f]) : []
    })
    sections.push({ key: section.key, label: section.label, help: section.help, columns: section.columns ?? 2,
      fields, tab: section.tab ?? '' })
  }
  const rest = (form.fields ?? []).filter((f) => !placed.has(f.key))
  if (rest.length > 0) sections.push({ key: '_rest', label: null, help: null, columns: 2, fields: rest, tab: '' })
  const tabKeys = new Set((form.tabs ?? []).map((t) => t.key))
  const tabs: TabModel[] = [{ key: '', label: null, sections: [] }, ...(form.tabs ?? []).map((t) => ({
    key: t.key, label: t.label, sections: [] as SectionModel[] }))]
  for (const { tab, ...section } of sections) {
    const readable = { ...section, fields: section.fields.filter((f) => canRead(f.key)) }
    if (readable.fields.length === 0) continue
    const target = tabs.find((t) => t.key === (tabKeys.has(tab) ? tab : '')) ?? tabs[0]
    target?.sections.push(readable)
  }
  return tabs.filter((t) => t.sections.length > 0)
}
