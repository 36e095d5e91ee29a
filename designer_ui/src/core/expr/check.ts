/**
 * Type checking, as `check.py`: raw JSON AST + schema → typed node tree and every issue.
 *
 * `check({"and": [{">": [{"var": "amount"}, 5000]}, {"==": [{"var": "nope"}, 1]}]}, schema)`
 * gives `[{message: "unknown field 'nope'", path: "/and/1/==/0"}]`.
 */
import Decimal from 'decimal.js'

import { DateTimeValue, DateValue, parseIsoDate, parseIsoDateTime } from './dates'
import {
  ANY,
  Bad,
  BOOLEAN,
  COLLECTION,
  CONTEXT_TYPES,
  DATE,
  DATETIME,
  DECIMAL,
  DEFAULT_LIMITS,
  ExprError,
  type ExprIssue,
  INTEGER,
  type Limits,
  LIST,
  type Node,
  node,
  NULL,
  NUMERIC,
  pointer,
  type Schema,
  TEMPORAL,
  TEXT,
  TEXT_LIST,
} from './model'
import { AGGREGATES, canonical, COMPARISONS, DEFAULTS, OPS, SCALAR_FORMS } from './ops'
import { regexIssues } from './regex'
import { Dec } from './values'

type Raw = unknown
type RawObject = Readonly<Record<string, unknown>>

const INT_LIMIT = 2n ** 63n
const DECIMAL_LIMIT = new Decimal('1e18')

export function check(ast: Raw, schema: Schema, limits: Limits = DEFAULT_LIMITS): ExprIssue[] {
  return analyze(ast, schema, limits)[1]
}

export function analyze(ast: Raw, schema: Schema, limits: Limits = DEFAULT_LIMITS): [Node | null, ExprIssue[]] {
  const sized = sizeIssues(ast, limits)
  if (sized.length) return [null, sized]
  const checker = new Checker(limits)
  const result = checker.node(ast, '', schema, false)
  return [checker.issues.length ? null : result, checker.issues]
}

/** The typed tree, or `ExprError` carrying every issue. */
export function checked(ast: Raw, schema: Schema, limits: Limits = DEFAULT_LIMITS): Node {
  const [result, issues] = analyze(ast, schema, limits)
  if (result === null) throw new ExprError(issues)
  return result
}

const isObject = (raw: Raw): raw is RawObject =>
  typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !Decimal.isDecimal(raw)

/** Count nodes and depth of a raw AST without recursion (it may be hostile). */
export function sizeIssues(ast: Raw, limits: Limits = DEFAULT_LIMITS): ExprIssue[] {
  let nodes = 0
  const stack: [Raw, number][] = [[ast, 1]]
  while (stack.length) {
    const [item, depth] = stack.pop() as [Raw, number]
    nodes += 1
    if (depth > limits.maxDepth) {
      return [{ message: `the expression is nested more than ${limits.maxDepth} levels deep`, path: '' }]
    }
    if (nodes > limits.maxNodes) return [{ message: `the expression has more than ${limits.maxNodes} parts`, path: '' }]
    const children = isObject(item) ? Object.values(item) : Array.isArray(item) ? (item as Raw[]) : []
    for (const child of children) stack.push([child, depth + 1])
  }
  return []
}

export function parseTemporal(kind: string, text: string): DateValue | DateTimeValue | null {
  if (kind === DATE) {
    const days = parseIsoDate(text)
    return days === null ? null : new DateValue(days)
  }
  return parseIsoDateTime(text.replace(/Z/g, '+00:00'))
}

class Checker {
  readonly issues: ExprIssue[] = []

  constructor(private readonly limits: Limits) {}

  fail(message: string, path: string): null {
    this.issues.push({ message, path })
    return null
  }

  node(raw: Raw, path: string, schema: Schema, collectionOk: boolean): Node | null {
    if (isObject(raw)) return this.operation(raw, path, schema, collectionOk)
    if (Array.isArray(raw)) return this.listLiteral(raw as Raw[], path)
    return this.literal(raw, path)
  }

  literal(raw: Raw, path: string): Node | null {
    if (raw === null || raw === undefined) return node('lit', NULL, path, { value: null })
    if (typeof raw === 'boolean') return node('lit', BOOLEAN, path, { value: raw, nullable: false })
    if (typeof raw === 'number' && Number.isInteger(raw) && Math.abs(raw) < 2 ** 63) {
      return node('lit', INTEGER, path, { value: BigInt(raw), nullable: false })
    }
    if (typeof raw === 'bigint' && raw < INT_LIMIT && raw > -INT_LIMIT) {
      return node('lit', INTEGER, path, { value: raw, nullable: false })
    }
    if ((typeof raw === 'number' && Number.isFinite(raw)) || Decimal.isDecimal(raw)) {
      const value = new Dec(typeof raw === 'number' ? String(raw) : (raw as Decimal))
      if (value.isFinite() && significantDigits(value) <= 28 && value.abs().lt(DECIMAL_LIMIT)) {
        return node('lit', DECIMAL, path, { value, nullable: false })
      }
    }
    if (typeof raw === 'string') {
      if ([...raw].length <= this.limits.maxString) return node('lit', TEXT, path, { value: raw, nullable: false })
      return this.fail(`the text is longer than ${this.limits.maxString} characters`, path)
    }
    return this.fail(`${JSON.stringify(raw) ?? String(raw)} is not a value an expression can hold`, path)
  }

  listLiteral(raw: Raw[], path: string): Node | null {
    if (raw.length > this.limits.maxList) return this.fail(`the list has more than ${this.limits.maxList} values`, path)
    const items = raw.map((v, i) => (isObject(v) || Array.isArray(v) ? null : this.literal(v, pointer(path, i))))
    const bad = items.flatMap((n, i) => (n === null || n.type === NULL ? [i] : []))
    for (const i of bad) this.fail('a list may only hold constant values (no NULL)', pointer(path, i))
    return bad.length ? null : node('list', LIST, path, { args: items as Node[], nullable: false })
  }

  operation(raw: RawObject, path: string, schema: Schema, collectionOk: boolean): Node | null {
    const keys = Object.keys(raw)
    if (keys.length !== 1) return this.fail('an operation must have exactly one operator key', path)
    const key = keys[0] as string
    const value = raw[key]
    const rawArgs = Array.isArray(value) ? (value as Raw[]) : [value]
    const paths = rawArgs.map((_, i) => (Array.isArray(value) ? pointer(path, key, i) : pointer(path, key)))
    let op = canonical(key)
    if (op === 'var') return this.var(rawArgs, path, schema, collectionOk)
    if (op === 'date' || op === 'datetime') return this.temporalLiteral(op, rawArgs, path)
    if (op in SCALAR_FORMS && !overRows(rawArgs, schema)) op = SCALAR_FORMS[op] as string
    else if (AGGREGATES.has(op)) return this.aggregate(op, rawArgs, paths, path, schema)
    if (!OPS.has(op)) return this.fail(`unknown operator '${key}'`, path)
    return this.apply(op, rawArgs, paths, path, schema)
  }

  apply(op: string, rawArgs: Raw[], paths: string[], path: string, schema: Schema): Node | null {
    const spec = OPS.get(op)
    if (!spec || !this.arityOk(op, rawArgs.length, spec.minArgs, spec.maxArgs, path)) return null
    const args = rawArgs.map((r, i) => this.node(r, paths[i] as string, schema, op === 'is_empty'))
    if (args.some((a) => a === null)) return null
    let typed = args as Node[]
    if (op === 'if' && typed.length === 2) typed.push(node('lit', NULL, path, { value: null }))
    const fill = DEFAULTS[op]
    if (fill && typed.length === fill[0]) typed.push(node('lit', INTEGER, path, { value: fill[1], nullable: false }))
    let result: string
    try {
      typed = coerceTemporal(op, typed)
      if ((op === '+' || op === '-') && typed.length === 2 && typed.some((a) => TEMPORAL.has(a.type))) {
        return dateArithmetic(op, typed, path)
      }
      result = spec.rule(typed)
    } catch (error) {
      if (!(error instanceof Bad)) throw error
      return this.fail(error.message, error.index !== null ? (paths[error.index] ?? path) : path)
    }
    if (op === 'regex') for (const message of regexIssues((typed[1] as Node).value as string)) this.fail(message, paths[1] as string)
    return node(op, result, path, { args: typed, nullable: spec.nullable(typed) })
  }

  arityOk(op: string, count: number, low: number, high: number, path: string): boolean {
    if (low <= count && (high < 0 || count <= high)) return true
    const expected = low === high ? `${low}` : high >= 0 ? `${low} to ${high}` : `at least ${low}`
    this.fail(`'${op}' takes ${expected} argument(s), got ${count}`, path)
    return false
  }

  var(rawArgs: Raw[], path: string, schema: Schema, collectionOk: boolean): Node | null {
    const name = rawArgs.length === 1 ? rawArgs[0] : null
    if (typeof name !== 'string' || !name) return this.fail("'var' takes one field name", path)
    if (name.startsWith('$')) {
      const type = CONTEXT_TYPES[name]
      if (type) return node('ctx', type, path, { value: name })
      return this.fail(`unknown context value '${name}' (known: ${Object.keys(CONTEXT_TYPES).join(', ')})`, path)
    }
    return this.fieldPath(name.split('.'), path, schema, collectionOk)
  }

  fieldPath(segments: string[], path: string, start: Schema, collectionOk: boolean): Node | null {
    const hops: string[] = []
    let schema = start
    for (const [i, seg] of segments.entries()) {
      const last = i === segments.length - 1
      const dotted = [...hops, seg].join('.')
      if (Object.hasOwn(schema.fields, seg) && last) {
        return node('var', schema.fields[seg] as string, path, { value: [...hops, seg] })
      }
      if (Object.hasOwn(schema.relations, seg) && !last) {
        hops.push(seg)
        schema = schema.relations[seg] as Schema
        continue
      }
      if (Object.hasOwn(schema.collections, seg) && last && collectionOk && !hops.length) {
        return node('coll', COLLECTION, path, { value: seg })
      }
      if (Object.hasOwn(schema.collections, seg)) {
        return this.fail(`'${dotted}' is a sub-table: use SUM, COUNT, AVERAGE, MIN, MAX, ANY or ALL`, path)
      }
      if (Object.hasOwn(schema.relations, seg)) return this.fail(`'${dotted}' is a related record: name one of its fields`, path)
      return this.fail(`unknown field '${dotted}'`, path)
    }
    return null
  }

  temporalLiteral(kind: string, rawArgs: Raw[], path: string): Node | null {
    const text = rawArgs.length === 1 ? rawArgs[0] : null
    const value = typeof text === 'string' ? parseTemporal(kind, text) : null
    if (value === null) return this.fail(`'${kind}' takes one ${kind} written as ISO text, e.g. 2024-01-31`, path)
    return node('lit', kind, path, { value, nullable: false })
  }

  aggregate(op: string, rawArgs: Raw[], paths: string[], path: string, schema: Schema): Node | null {
    if (!this.arityOk(op, rawArgs.length, 1, 2, path)) return null
    const source = sourceName(rawArgs[0])
    if (source === null) return this.fail(`'${op}' needs a sub-table or multi-select field as its first argument`, paths[0] as string)
    const dot = source.indexOf('.')
    const [head, rest] = dot < 0 ? [source, ''] : [source.slice(0, dot), source.slice(dot + 1)]
    if (Object.hasOwn(schema.collections, head)) return this.overRows(op, head, rest, rawArgs, paths, path, schema)
    return this.overList(op, source, rawArgs, paths, path, schema)
  }

  overRows(op: string, name: string, rest: string, rawArgs: Raw[], paths: string[], path: string, schema: Schema): Node | null {
    const coll = node('coll', COLLECTION, paths[0] as string, { value: name })
    if (rawArgs.length === 2 && rest) return this.fail('name the sub-table alone when giving an expression per row', paths[0] as string)
    const [itemRaw, itemPath] = rawArgs.length === 2 ? [rawArgs[1], paths[1] as string] : [{ var: rest }, paths[0] as string]
    if (!rest && rawArgs.length === 1) {
      if (op === 'count') return node('count', INTEGER, path, { args: [coll], nullable: false })
      return this.fail(`'${op}' needs a field of '${name}', e.g. ${name}.amount`, paths[0] as string)
    }
    const item = this.node(itemRaw, itemPath, schema.collections[name] as Schema, false)
    return item && this.aggregateNode(op, path, coll, item, itemPath)
  }

  overList(op: string, source: string, rawArgs: Raw[], paths: string[], path: string, schema: Schema): Node | null {
    const field = this.fieldPath(source.split('.'), paths[0] as string, schema, false)
    if (field === null) return null
    if (field.type !== TEXT_LIST || op !== 'count' || rawArgs.length !== 1) {
      return this.fail(
        `'${op}' works over a sub-table (or COUNT over a multi-select), not over '${source}' (${field.type})`,
        paths[0] as string,
      )
    }
    return node('count', INTEGER, path, { args: [field], nullable: false })
  }

  aggregateNode(op: string, path: string, coll: Node, item: Node, itemPath: string): Node | null {
    const allowed: Record<string, ReadonlySet<string> | null> = {
      sum: NUMERIC,
      avg: NUMERIC,
      min: new Set([...NUMERIC, ...TEMPORAL]),
      max: new Set([...NUMERIC, ...TEMPORAL]),
      any: new Set([BOOLEAN]),
      all: new Set([BOOLEAN]),
      count: null,
    }
    const kinds = allowed[op]
    if (kinds && !kinds.has(item.type) && item.type !== ANY) return this.fail(`'${op}' cannot work on ${item.type} values`, itemPath)
    const results: Record<string, string> = { count: INTEGER, avg: DECIMAL, any: BOOLEAN, all: BOOLEAN }
    return node(op, results[op] ?? item.type, path, { args: [coll, item], nullable: ['avg', 'min', 'max'].includes(op) })
  }
}

function significantDigits(value: Decimal): number {
  return value.isZero() ? 1 : value.toFixed().replace(/^-/, '').replace('.', '').replace(/^0+/, '').length
}

function sourceName(first: Raw): string | null {
  if (!isObject(first) || Object.keys(first).length !== 1) return null
  let source = first['var']
  if (Array.isArray(source) && source.length === 1) source = source[0]
  return typeof source === 'string' ? source : null
}

/** `SUM(items.price)`, `SUM(items, expr)`, `COUNT(items)`, `COUNT(tags)`: the sub-table form. */
function overRows(rawArgs: Raw[], schema: Schema): boolean {
  const source = sourceName(rawArgs[0])
  if (source === null) return false
  const head = source.split('.')[0] as string
  if (Object.hasOwn(schema.collections, head)) return true
  return rawArgs.length === 1 && schema.fields[source] === TEXT_LIST
}

/** `end - start` (days), `date + n` and `date - n` (days), as in Excel. */
function dateArithmetic(op: string, args: Node[], path: string): Node {
  const [a, b] = args as [Node, Node]
  const nullable = a.nullable || b.nullable
  const days = node('lit', TEXT, path, { value: 'days', nullable: false })
  if (op === '-' && TEMPORAL.has(a.type) && TEMPORAL.has(b.type)) {
    if (a.type === DATETIME || b.type === DATETIME) throw new Bad('subtract date-times with DATEDIF(start, end, "h") (or "d")', 1)
    const unit = node('lit', TEXT, path, { value: 'd', nullable: false })
    return node('datediff', INTEGER, path, { args: [b, a, unit], nullable })
  }
  const [moved, n] = op === '+' && TEMPORAL.has(b.type) ? [b, a] : [a, b]
  if (!TEMPORAL.has(moved.type) || !(n.type === INTEGER || n.type === NULL)) {
    throw new Bad('add or subtract a whole number of days to a date', moved === a ? 1 : 0)
  }
  return node(op === '+' ? 'date_add' : 'date_sub', moved.type, path, { args: [moved, n, days], nullable })
}

/** `{">": [{"var": "due"}, "2024-01-31"]}`: text constants next to a date become dates. */
function coerceTemporal(op: string, args: Node[]): Node[] {
  if (!(COMPARISONS.has(op) || op === 'between' || op === 'in')) return args
  const kind = args.find((a) => TEMPORAL.has(a.type))?.type
  return kind ? args.map((a, i) => toTemporal(a, kind, i)) : args
}

function toTemporal(n: Node, kind: string, index: number): Node {
  if (n.op === 'list') return node('list', LIST, n.path, { args: n.args.map((a) => toTemporal(a, kind, index)), nullable: false })
  if (n.op !== 'lit' || n.type !== TEXT) return n
  const value = parseTemporal(kind, n.value as string)
  if (value === null) throw new Bad(`'${n.value as string}' is not a ${kind} (write it as 2024-01-31)`, index)
  return node('lit', kind, n.path, { value, nullable: false })
}
