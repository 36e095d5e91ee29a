import { describe, expect, it } from 'vitest'
import { inputScope, type TableDef } from '../../src/core/design/decisionTable'
import { parseForEditor } from '../../src/core/expr/diagnostics'
import { cellFormulaStart, problemsAt } from '../../src/core/expr/embedded'

describe('a formula inside a decision-table cell', () => {
  it('starts after = and its spaces; values, lists, ranges and comparisons are no formula', () => {
    expect(cellFormulaStart('=amount > 2')).toBe(1)
    expect(cellFormulaStart('  = amount')).toBe(4)
    for (const text of ['', 'quality', 'a, b', '[1..5)', '>= 5000', '!= x']) expect(cellFormulaStart(text)).toBeNull()
  })

  it("places the parser's problem on the cell's text, column included", () => {
    const [problem] = problemsAt('= amount >', 2)
    expect(problem).toMatchObject({ line: 1, column: 10, from: 9 })
    expect(problemsAt('= amount > 2', 2)).toEqual([])
    expect(problemsAt('[1..5)', null)).toEqual([])
    expect(problemsAt('=  ', 1)).toEqual([])
  })

  it('reads the whole text when the formula starts at 0', () => {
    expect(problemsAt('amount >', 0)[0]).toEqual(parseForEditor('amount >').problems[0])
    expect(problemsAt('amount >', 0)[0]).toMatchObject({ column: 8, from: 7 })
  })
})

describe("a decision table's inputs as a formula's scope", () => {
  it('offers each input by key with its label in the language, its type and its listed values', () => {
    const table: TableDef = {
      key: 'routing',
      inputs: [{ key: 'category', label: { 'zh-CN': '类别', en: 'Category' }, values: ['quality', 'logistics'] },
        { key: 'amount', type: 'decimal' }],
      outputs: [{ key: 'team' }],
      rows: [],
    }
    expect(inputScope(table, 'en')).toEqual([
      { path: 'category', label: 'Category', kind: 'any', type: 'any', options: [{ value: 'quality', label: 'quality' }, { value: 'logistics', label: 'logistics' }] },
      { path: 'amount', label: 'amount', kind: 'decimal', type: 'decimal', options: [] },
    ])
  })
})
