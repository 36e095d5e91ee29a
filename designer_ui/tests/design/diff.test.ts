import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { countChanges, diffDefinitions } from '../../src/core/design/diff'
import { planSentences } from '../../src/core/design/plan'
import { compileSchema, elementProblems } from '../../src/core/design/schemaCheck'
import { assembleTemplate } from './template'

describe('the definition diff', () => {
  const before = {
    key: 'a', label: { en: 'A' },
    forms: [{ key: 'f', label: { en: 'F' }, fields: [{ key: 'x', kind: 'text' }, { key: 'y', kind: 'text' }] }],
    flows: [{ key: 'w', nodes: [{ id: 'start', kind: 'start' }], edges: [{ source: 'start', target: 'end' }] }],
    rules: [{ key: 'r1' }],
  }
  const after = {
    key: 'a', label: { en: 'A2' },
    forms: [{ key: 'f', label: { en: 'F' }, fields: [{ key: 'y', kind: 'integer' }, { key: 'z', kind: 'date' }] }],
    flows: [{ key: 'w', nodes: [{ id: 'start', kind: 'start' }], edges: [{ source: 'start', target: 'done' }] }],
    reports: [{ key: 'p' }],
  }

  it('names elements added, removed and changed, fields and nodes inside their form and flow', () => {
    const diff = diffDefinitions(before, after)
    expect(diff.app).toEqual(['label'])
    const flat = diff.elements.map((e) => ({ at: `${e.section}/${e.key}`, change: e.change, attributes: e.attributes,
      children: e.children.map((c) => `${c.change} ${c.section}/${c.key}${c.attributes.length ? ` (${c.attributes.join(',')})` : ''}`) }))
    expect(flat).toEqual([
      { at: 'forms/f', change: 'changed', attributes: [], children: ['changed fields/y (kind)', 'added fields/z', 'removed fields/x'] },
      { at: 'flows/w', change: 'changed', attributes: [], children: ['added edges/start→done', 'removed edges/start→end'] },
      { at: 'rules/r1', change: 'removed', attributes: [], children: [] },
      { at: 'reports/p', change: 'added', attributes: [], children: [] },
    ])
    expect(countChanges(diff)).toEqual({ added: 3, removed: 3, changed: 1 })
  })

  it('finds nothing between a definition and itself, and everything is added from nothing', () => {
    const doc = assembleTemplate()
    expect(diffDefinitions(doc, JSON.parse(JSON.stringify(doc)))).toEqual({ app: [], elements: [] })
    const fromNothing = diffDefinitions({}, doc)
    expect(fromNothing.elements.every((e) => e.change === 'added')).toBe(true)
    expect(fromNothing.elements.filter((e) => e.section === 'forms')).toHaveLength(9)
  })
  it('says from which kind to which a retyped field changed', () => {
    const before = { forms: [{ key: 'ticket', fields: [{ key: 'qty', kind: 'text', label: { en: 'Qty' } }] }] }
    const after = { forms: [{ key: 'ticket', fields: [{ key: 'qty', kind: 'number', label: { en: 'Qty' } }] }] }
    const field = diffDefinitions(before, after).elements[0]?.children[0]
    expect(field).toMatchObject({ section: 'fields', key: 'qty', change: 'changed', attributes: ['kind'],
      kind: { from: 'text', to: 'number' } })
    const relabelled = diffDefinitions(before, { forms: [{ key: 'ticket', fields: [{ key: 'qty', kind: 'text', label: { en: 'Q' } }] }] })
    expect(relabelled.elements[0]?.children[0]?.kind).toBeUndefined()
  })
})

describe('the migration plan in words', () => {
  it('names forms and fields by their labels', () => {
    const sentences = planSentences([
      { form: 'ticket', table: 't_ticket', steps: [{ op: 'add_field', field: 'cost', ddl: true, kind: 'currency' },
        { op: 'retype_field', field: 'n', ddl: true, from_kind: 'text', to_kind: 'integer', archive_column: 'n_arch2' },
        { op: 'relabel', field: 'cost', ddl: false }, { op: 'surprise', field: null, ddl: true }] },
      { form: 'ticket__parts', table: 't_parts', steps: [{ op: 'create_table', field: null, ddl: true }] },
    ], { form: (k) => k.toUpperCase(), field: (_f, k) => `«${k}»` })
    expect(sentences.map((s) => [s.key, s.values.form, s.values.field, s.ddl])).toEqual([
      ['designer.plan.add_field', 'TICKET', '«cost»', true],
      ['designer.plan.retype_field', 'TICKET', '«n»', true],
      ['designer.plan.relabel', 'TICKET', '«cost»', false],
      ['designer.plan.other', 'TICKET', '', true],
      ['designer.plan.create_table', 'TICKET · «parts»', '', true],
    ])
    expect(sentences[1]?.values.to_kind).toBe('integer')
  })
})

describe('the JSON view checks an element against the app schema', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'dajian', 'platform', 'definition',
    'app.schema.json'), 'utf-8')) as object
  const validate = compileSchema(schema)
  const doc = assembleTemplate()

  it('accepts the template and reports a bad field key with its path inside the element', () => {
    const field = (doc as { forms: { fields: object[] }[] }).forms[0]?.fields[0] ?? {}
    expect(elementProblems(validate, doc, '/forms/0/fields/0', field)).toEqual([])
    const problems = elementProblems(validate, doc, '/forms/0/fields/0', { ...field, key: 'Bad Key' })
    expect(problems.map((p) => p.path)).toContain('/key')
  })

  it('reports an attribute the schema does not know', () => {
    const field = (doc as { forms: { fields: object[] }[] }).forms[0]?.fields[0] ?? {}
    const problems = elementProblems(validate, doc, '/forms/0/fields/0', { ...field, colour: 'red' })
    expect(problems.some((p) => p.message.includes('colour'))).toBe(true)
  })
})
