/** The formula editor's scope and completions on the complaint template, and its inline problems. */
import { describe, expect, it } from 'vitest'

import { callAt, completeAt, scopeOf } from '../../src/core/expr/scope'
import { parseForEditor } from '../../src/core/expr/diagnostics'
import { assembleTemplate } from '../design/template'

const TYPES = { text: 'text', single_select: 'text', multi_select: 'text_list', relation: 'integer', lookup: 'any',
  integer: 'integer', currency: 'decimal', datetime: 'datetime', date: 'date', user: 'user', boolean: 'boolean' }
const doc = assembleTemplate()
const FUNCTIONS = [
  { name: 'IF', signature: 'IF(condition, then, else)', description: 'a value by a condition', category: 'logic' },
  { name: 'ISBLANK', signature: 'ISBLANK(value)', description: 'empty?', category: 'logic' },
  { name: 'STARTSWITH', signature: 'STARTSWITH(text, prefix)', description: 'starts with', category: 'text' },
]

describe('scopeOf', () => {
  const scope = scopeOf(doc, { form: 'complaint' }, { types: TYPES, locale: 'zh-CN' })

  it('lists the form fields with labels, options and types', () => {
    const status = scope.find((f) => f.path === 'status')
    expect(status).toMatchObject({ label: '状态', type: 'text', kind: 'single_select' })
    expect(status?.options.map((o) => o.value)).toContain('closed')
  })

  it('reaches the fields of related forms as relation.field paths', () => {
    expect(scope.map((f) => f.path)).toEqual(expect.arrayContaining(['customer', 'customer.level', 'customer.name']))
    expect(scope.find((f) => f.path === 'customer.level')?.label).toMatch(/›/)
  })

  it('is a sub-table row inside a sub-table', () => {
    const rows = scopeOf(doc, { form: 'review_meeting', collection: 'action_items' }, { types: TYPES, locale: 'en' })
    expect(rows.map((f) => f.path)).toEqual(expect.arrayContaining(['item', 'owner', 'due_date', 'status']))
    const meeting = scopeOf(doc, { form: 'review_meeting' }, { types: TYPES, locale: 'en' })
    expect(meeting.find((f) => f.path === 'action_items')?.type).toBe('collection')
  })
})

describe('completeAt', () => {
  const scope = scopeOf(doc, { form: 'complaint' }, { types: TYPES, locale: 'zh-CN' })

  it('offers fields and functions for the word typed', () => {
    const result = completeAt('IF(sta', 6, scope, FUNCTIONS)
    expect(result?.from).toBe(3)
    const labels = result?.options.map((o) => o.label) ?? []
    expect(labels).toEqual(expect.arrayContaining(['status', 'STARTSWITH']))
    expect(result?.options.find((o) => o.label === 'STARTSWITH')).toMatchObject({ detail: 'STARTSWITH(text, prefix)', apply: 'STARTSWITH(' })
  })

  it('finds a field by its Chinese label', () => {
    const result = completeAt('状态', 2, scope, FUNCTIONS)
    expect(result?.options[0]).toMatchObject({ label: 'status', apply: 'status' })
  })

  it('completes relation paths after the dot', () => {
    const result = completeAt('customer.le', 11, scope, FUNCTIONS)
    expect(result?.from).toBe(0)
    expect(result?.options.map((o) => o.label)).toEqual(['customer.level'])
  })

  it('stays quiet inside a text constant', () => {
    expect(completeAt('status = "sta', 13, scope, FUNCTIONS)).toBeNull()
  })

  it('knows which call the cursor is in', () => {
    expect(callAt('IF(ISBLANK(x), ', 15)).toBe('IF')
    expect(callAt('a + b', 5)).toBeNull()
  })
})

const PROBLEMS: [string, number, string][] = [
  ['IF(a > , 1)', 7, "unexpected ','"],
  ['a >\n  (b +', 9, 'ends too early'],
  ['𠀀名 = 1 +* 2', 9, "unexpected '*'"],
  ['status = "open', 9, 'closing quote'],
]

describe('parseForEditor', () => {
  it.each(PROBLEMS)('marks %s at the parser\'s column', (text, from, message) => {
    const { ast, problems } = parseForEditor(text)
    expect(ast).toBeUndefined()
    expect(problems[0]?.from).toBe(from)
    expect(problems[0]?.message).toContain(message)
  })

  it('gives the AST of a good formula and no problem for empty text', () => {
    expect(parseForEditor('a > 1').ast).toEqual({ '>': [{ var: 'a' }, 1] })
    expect(parseForEditor('  ')).toEqual({ ast: undefined, problems: [] })
  })
})
