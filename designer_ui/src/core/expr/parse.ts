/**
 * Excel-like formulas → JSON AST, the same AST as the server's lark grammar (`grammar.lark`,
 * `parse.py`), with the same line/column errors. A hand-written recursive descent:
 *
 *   expr := and (OR and)* ;  and := not (AND not)* ;  not := NOT not | cmp
 *   cmp := cat (COMPARE cat)? ;  cat := add ("&" add)* ;  add := mul (("+"|"-") mul)*
 *   mul := unary (("*"|"/"|"%") unary)* ;  unary := "-" unary | "+" unary | atom
 *   atom := NUMBER | STRING | TRUE | FALSE | NULL | NAME "(" args ")" | CONTEXT | NAME ("." NAME)* | "(" expr ")"
 *
 * `parseFormula('IF(amount > 5000, "L3", "L1")')` gives
 * `{"if": [{">": [{"var": "amount"}, 5000]}, "L3", "L1"]}`. Decimal constants are `Decimal`s.
 */
import type Decimal from 'decimal.js'

import { makeDate } from './datefns'
import { isoDate } from './dates'
import { DEFAULT_LIMITS, ExprError, type Limits } from './model'
import { asciiDigit } from './text'
import { Dec } from './values'

export type Ast = null | boolean | number | bigint | Decimal | string | Ast[] | { [op: string]: Ast }

/** Formula function name → AST operator (`catalog.CATALOG`, argument counts checked later). */
export const FUNCTIONS: Readonly<Record<string, string>> = {
  IF: 'if', AND: 'and', OR: 'or', NOT: '!', XOR: 'xor', IFERROR: 'coalesce', ISBLANK: 'is_empty',
  ISNULL: 'is_null', IN: 'in', BETWEEN: 'between', CONCATENATE: 'cat', CONCAT: 'cat', LEFT: 'left',
  RIGHT: 'right', MID: 'mid', LEN: 'length', UPPER: 'upper', LOWER: 'lower', TRIM: 'trim',
  SUBSTITUTE: 'substitute', REPLACE: 'replace', FIND: 'find', SEARCH: 'search', REPT: 'rept',
  VALUE: 'value', TEXT: 'text', CONTAINS: 'contains', STARTSWITH: 'starts_with', ENDSWITH: 'ends_with',
  REGEXMATCH: 'regex', SUM: 'sum', AVERAGE: 'avg', MAX: 'max', MIN: 'min', COUNT: 'count',
  PRODUCT: 'product', ROUND: 'round', ROUNDUP: 'roundup', ROUNDDOWN: 'rounddown', INT: 'int', ABS: 'abs',
  MOD: '%', POWER: 'power', SQRT: 'sqrt', CEILING: 'ceiling', FLOOR: 'floor', TODAY: 'today', NOW: 'now',
  YEAR: 'year', MONTH: 'month', DAY: 'day', HOUR: 'hour', MINUTE: 'minute', WEEKDAY: 'weekday',
  WEEKNUM: 'weeknum', DATEDIF: 'datediff', EDATE: 'edate', EOMONTH: 'eomonth', DATEADD: 'date_add',
  DATESUB: 'date_sub', WORKDAYS: 'workdays', NETWORKDAYS: 'networkdays', WEEKSTART: 'week_start',
  MONTHSTART: 'month_start', TODATE: 'to_date', ANY: 'any', ALL: 'all',
}
/** Functions the parser rewrites (IFS into nested IF, …); with FUNCTIONS, every function of the catalog. */
export const SPECIAL_FUNCTIONS = ['DATE', 'IFS', 'SWITCH', 'EXACT', 'DAYS', 'DATEVALUE', 'DATETIMEVALUE', 'IN'] as const

const COMPARE: Record<string, string> = { '=': '==', '==': '==', '<>': '!=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' }
const MAX_NESTING = 200

type Kind = 'NUMBER' | 'STRING' | 'CONTEXT' | 'NAME' | 'OP' | 'END'

interface Token {
  kind: Kind
  text: string
  line: number
  column: number
}

const WORD_START = /[\p{L}\p{Nl}\p{No}_]/u
const WORD = /[\p{L}\p{N}_]/u
const DIGIT = /\p{Nd}/u // Python's \d: any Unicode decimal digit
const SPACE = /[ \t\f\r\n]/
const OPERATORS = ['<=', '>=', '<>', '!=', '==', '=', '<', '>', '&', '+', '-', '*', '/', '%', '(', ')', ',', '.']

/** Reads tokens on demand, so an error later in the text does not hide an earlier one (as lark). */
class Lexer {
  private readonly chars: string[]
  private pos = 0
  private line = 1
  private column = 1
  last: Token | null = null

  constructor(text: string) {
    this.chars = [...text]
  }

  next(): Token {
    this.skipSpace()
    const at = { line: this.line, column: this.column }
    const ch = this.chars[this.pos]
    if (ch === undefined) {
      const end = this.last ?? { line: 1, column: 1 }
      return { kind: 'END', text: '', line: end.line, column: end.column }
    }
    const token = this.read(ch, at)
    this.last = token
    return token
  }

  private read(ch: string, at: { line: number; column: number }): Token {
    const make = (kind: Kind, length: number): Token => {
      const text = this.chars.slice(this.pos, this.pos + length).join('')
      this.advance(length)
      return { kind, text, ...at }
    }
    if (DIGIT.test(ch)) return make('NUMBER', this.numberLength())
    if (ch === '"') return make('STRING', this.stringLength(at))
    if (ch === '$' && /[A-Za-z_]/.test(this.chars[this.pos + 1] ?? '')) return make('CONTEXT', this.contextLength())
    if (WORD_START.test(ch)) return make('NAME', this.wordLength(this.pos))
    const op = OPERATORS.find((o) => this.chars.slice(this.pos, this.pos + o.length).join('') === o)
    if (op) return make('OP', op.length)
    throw new ExprError([{ message: `unexpected character '${ch}'`, path: '', ...at }])
  }

  private advance(length: number): void {
    for (let i = 0; i < length; i++) {
      if (this.chars[this.pos] === '\n') {
        this.line += 1
        this.column = 1
      } else this.column += 1
      this.pos += 1
    }
  }

  private skipSpace(): void {
    while (SPACE.test(this.chars[this.pos] ?? '')) this.advance(1)
  }

  private run(from: number, test: RegExp): number {
    let end = from
    while (test.test(this.chars[end] ?? '')) end++
    return end
  }

  private numberLength(): number {
    let end = this.run(this.pos, DIGIT)
    if (this.chars[end] === '.' && DIGIT.test(this.chars[end + 1] ?? '')) end = this.run(end + 1, DIGIT)
    return end - this.pos
  }

  private wordLength(from: number): number {
    return this.run(from + 1, WORD) - this.pos
  }

  private contextLength(): number {
    let end = this.run(this.pos + 2, /[\p{L}\p{N}_]/u)
    if (this.chars[end] === '.' && /[A-Za-z_]/.test(this.chars[end + 1] ?? '')) end = this.run(end + 2, WORD)
    return end - this.pos
  }

  private stringLength(at: { line: number; column: number }): number {
    let end = this.pos + 1
    for (;;) {
      const c = this.chars[end]
      if (c === undefined) throw new ExprError([{ message: 'a text value is missing its closing quote', path: '', ...at }])
      if (c === '"' && this.chars[end + 1] === '"') end += 2
      else if (c === '"') return end + 1 - this.pos
      else end += 1
    }
  }
}

const keyword = (t: Token, word: string): boolean => t.kind === 'NAME' && t.text.toUpperCase() === word

function fail(message: string, token: Token): ExprError {
  return new ExprError([{ message, path: '', line: token.line, column: token.column }])
}

function unexpected(token: Token): ExprError {
  if (token.kind === 'END') return fail('the formula ends too early (a missing value or closing parenthesis?)', token)
  return fail(`unexpected '${token.text}' here`, token)
}

/** Parse a formula into the JSON AST; throws `ExprError` with line and column. */
export function parseFormula(text: string, limits: Limits = DEFAULT_LIMITS): Ast {
  if ([...text].length > limits.maxString * 4) {
    throw new ExprError([{ message: `the formula is longer than ${limits.maxString * 4} characters`, path: '', line: 1, column: 1 }])
  }
  return new Parser(new Lexer(text)).formula()
}

class Parser {
  private token: Token
  private depth = 0

  constructor(private readonly lexer: Lexer) {
    this.token = lexer.next()
  }

  formula(): Ast {
    const result = this.expr()
    if (this.token.kind !== 'END') throw unexpected(this.token)
    return result
  }

  private take(): Token {
    const token = this.token
    this.token = this.lexer.next()
    return token
  }

  private isOp(...ops: string[]): boolean {
    return this.token.kind === 'OP' && ops.includes(this.token.text)
  }

  private expect(op: string): void {
    if (!this.isOp(op)) throw unexpected(this.token)
    this.take()
  }

  private expr(): Ast {
    if (++this.depth > MAX_NESTING) throw fail('the formula is nested too deeply', { kind: 'END', text: '', line: 1, column: 1 })
    try {
      return this.joined('OR', 'or', () => this.joined('AND', 'and', () => this.not()))
    } finally {
      this.depth -= 1
    }
  }

  private joined(word: string, op: string, part: () => Ast): Ast {
    const items = [part()]
    while (keyword(this.token, word)) {
      this.take()
      items.push(part())
    }
    return items.length === 1 ? (items[0] as Ast) : { [op]: items }
  }

  private not(): Ast {
    if (keyword(this.token, 'NOT')) {
      this.take()
      if (++this.depth > MAX_NESTING) throw fail('the formula is nested too deeply', this.token)
      const value = this.not()
      this.depth -= 1
      return { '!': [value] }
    }
    const left = this.concat()
    if (this.token.kind === 'OP' && this.token.text in COMPARE) {
      const op = COMPARE[this.take().text] as string
      return { [op]: [left, this.concat()] }
    }
    return left
  }

  private concat(): Ast {
    const items = [this.binary(['+', '-'], () => this.binary(['*', '/', '%'], () => this.unary()))]
    while (this.isOp('&')) {
      this.take()
      items.push(this.binary(['+', '-'], () => this.binary(['*', '/', '%'], () => this.unary())))
    }
    return items.length === 1 ? (items[0] as Ast) : { cat: items }
  }

  private binary(ops: string[], part: () => Ast): Ast {
    let result = part()
    while (this.isOp(...ops)) {
      const op = this.take().text
      result = { [op]: [result, part()] }
    }
    return result
  }

  private unary(): Ast {
    if (this.isOp('-', '+')) {
      const sign = this.take().text
      if (++this.depth > MAX_NESTING) throw fail('the formula is nested too deeply', this.token)
      const value = this.unary()
      this.depth -= 1
      return sign === '+' ? value : negate(value)
    }
    return this.atom()
  }

  private atom(): Ast {
    const token = this.token
    if (token.kind === 'NUMBER') return number(this.take().text)
    if (token.kind === 'STRING') return this.take().text.slice(1, -1).replace(/""/g, '"')
    if (token.kind === 'CONTEXT') return { var: this.take().text }
    if (keyword(token, 'TRUE') || keyword(token, 'FALSE') || keyword(token, 'NULL')) {
      this.take()
      return token.text.toUpperCase() === 'NULL' ? null : token.text.toUpperCase() === 'TRUE'
    }
    if (token.kind === 'NAME') {
      this.take()
      return this.isOp('(') ? this.call(token) : this.field(token)
    }
    if (this.isOp('(')) {
      this.take()
      const inner = this.expr()
      this.expect(')')
      return inner
    }
    throw unexpected(token)
  }

  private field(first: Token): Ast {
    const names = [first.text]
    while (this.isOp('.')) {
      this.take()
      if (this.token.kind !== 'NAME') throw unexpected(this.token)
      names.push(this.take().text)
    }
    return { var: names.join('.') }
  }

  private call(name: Token): Ast {
    this.take() // "("
    const args: Ast[] = []
    if (!this.isOp(')')) {
      args.push(this.expr())
      while (this.isOp(',')) {
        this.take()
        args.push(this.expr())
      }
    }
    this.expect(')')
    const upper = name.text.toUpperCase()
    const special = SPECIAL[upper]
    if (special) return special(name, args)
    const op = FUNCTIONS[upper]
    if (op === undefined) throw fail(`unknown function ${name.text}`, name)
    return { [op]: args }
  }
}

function number(text: string): Ast {
  const ascii = [...text].map(asciiDigit).join('')
  if (ascii.includes('.')) return new Dec(ascii)
  const value = BigInt(ascii)
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

const isDecimal = (v: Ast): v is Decimal => Dec.isDecimal(v)

function negate(value: Ast): Ast {
  if (typeof value === 'number') return value === 0 ? 0 : -value
  if (typeof value === 'bigint') return -value
  if (isDecimal(value)) return value.neg()
  return { '-': [value] }
}

const isInt = (v: Ast): v is number | bigint => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint'
const isOperation = (v: Ast): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isDecimal(v)

/** Constants become a date constant (rolled over as Excel does); anything else `make_date`. */
function dateCall(name: Token, args: Ast[]): Ast {
  if (args.length !== 3) throw fail('DATE takes a year, a month and a day, e.g. DATE(2024, 1, 31)', name)
  if (!args.every(isInt)) return { make_date: args }
  const [y, m, d] = (args as (number | bigint)[]).map((a) => BigInt(a)) as [bigint, bigint, bigint]
  const made = makeDate(y, m, d)
  if (made === null) throw fail('DATE was given a date outside the years 1 to 9999', name)
  return { date: isoDate(made.days) }
}

/** `IFS(c1, v1, c2, v2)` → `IF(c1, v1, IF(c2, v2))`. */
function ifs(name: Token, args: Ast[]): Ast {
  if (args.length < 2 || args.length % 2) throw fail('IFS takes pairs of a condition and a value', name)
  let result: Ast = { if: args.slice(-2) }
  for (let i = args.length - 4; i >= 0; i -= 2) result = { if: [args[i] as Ast, args[i + 1] as Ast, result] }
  return result
}

/** `SWITCH(x, 1, "a", 2, "b", "c")` → `IF(x = 1, "a", IF(x = 2, "b", "c"))`. */
function switchCall(name: Token, args: Ast[]): Ast {
  if (args.length < 3) {
    throw fail('SWITCH takes a value, then pairs of a case and a result, then an optional default', name)
  }
  const [value, ...rest] = args as [Ast, ...Ast[]]
  let result: Ast | undefined = rest.length % 2 ? (rest.at(-1) as Ast) : undefined
  const pairs = rest.slice(0, rest.length - (rest.length % 2))
  for (let i = pairs.length - 2; i >= 0; i -= 2) {
    const test: Ast = { '==': [value, pairs[i] as Ast] }
    result = { if: [test, pairs[i + 1] as Ast, ...(result === undefined || result === null ? [] : [result])] }
  }
  return result ?? null
}

const pair =
  (op: string, message: string) =>
  (name: Token, args: Ast[]): Ast => {
    if (args.length !== 2) throw fail(message, name)
    return { [op]: args }
  }

const temporalText =
  (op: string, message: string) =>
  (name: Token, args: Ast[]): Ast => {
    if (args.length !== 1 || typeof args[0] !== 'string') throw fail(message, name)
    return { [op]: args[0] }
  }

/** `IN(status, "open", "closed")` → a list; `IN("vip", tags)` → membership. */
function inCall(name: Token, args: Ast[]): Ast {
  if (args.length < 2) throw fail('IN takes a value and what to look in', name)
  if (args.length === 2 && isOperation(args[1] as Ast)) return { in: args }
  return { in: [args[0] as Ast, args.slice(1)] }
}

const SPECIAL: Record<string, (name: Token, args: Ast[]) => Ast> = {
  DATE: dateCall,
  IFS: ifs,
  SWITCH: switchCall,
  EXACT: pair('==', 'EXACT takes two texts'),
  DAYS: pair('-', 'DAYS takes an end date and a start date'),
  DATEVALUE: temporalText('date', 'DATEVALUE takes one date written as text, e.g. DATEVALUE("2024-01-31")'),
  DATETIMEVALUE: temporalText(
    'datetime',
    'DATETIMEVALUE takes one date-time as text, e.g. DATETIMEVALUE("2024-01-31T09:00:00Z")',
  ),
  IN: inCall,
}
