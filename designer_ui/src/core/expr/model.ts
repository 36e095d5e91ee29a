/** Type names, schemas, the checked node and the issue record (`model.py`, `nodes.py`, `errors.py`). */
import type Decimal from 'decimal.js'

export const TEXT = 'text'
export const INTEGER = 'integer'
export const DECIMAL = 'decimal'
export const BOOLEAN = 'boolean'
export const DATE = 'date'
export const DATETIME = 'datetime'
export const TEXT_LIST = 'text_list'
export const USER = 'user'
export const DEPARTMENT = 'department'
export const ANY = 'any'
/** Internal types, never in a schema: the null literal, a sub-table, a literal list. */
export const NULL = 'null'
export const COLLECTION = 'collection'
export const LIST = 'list'

export const NUMERIC: ReadonlySet<string> = new Set([INTEGER, DECIMAL])
export const TEMPORAL: ReadonlySet<string> = new Set([DATE, DATETIME])

export const CONTEXT_TYPES: Readonly<Record<string, string>> = {
  '$user.id': USER,
  '$user.dept_id': DEPARTMENT,
  $now: DATETIME,
  $today: DATE,
}

/** What a record holds: scalar fields, sub-tables (collections) and relations. */
export interface Schema {
  fields: Readonly<Record<string, string>>
  collections: Readonly<Record<string, Schema>>
  relations: Readonly<Record<string, Schema>>
}

export type SchemaJson = Readonly<
  Record<string, string | { collection: SchemaJson } | { relation: SchemaJson }>
>

/**
 * `schemaFromJson({"amount": "decimal", "items": {"collection": {"price": "decimal"}},
 * "customer": {"relation": {"level": "text"}}})`, the spelling of `Schema.from_json`.
 */
export function schemaFromJson(obj: SchemaJson): Schema {
  const schema: { fields: Record<string, string>; collections: Record<string, Schema>; relations: Record<string, Schema> } =
    { fields: {}, collections: {}, relations: {} }
  for (const [key, spec] of Object.entries(obj)) {
    if (typeof spec === 'string') schema.fields[key] = spec
    else if ('collection' in spec) schema.collections[key] = schemaFromJson(spec.collection)
    else schema.relations[key] = schemaFromJson(spec.relation)
  }
  return schema
}

/** A literal constant in a checked tree. */
export type Literal = null | boolean | bigint | Decimal | string | import('./dates').DateValue | import('./dates').DateTimeValue

/**
 * One checked node. `op` is the canonical operator, or `lit` (`value` is the constant),
 * `list` (`args` are the constants), `var` (`value` is the path, all but the last segment
 * relations), `ctx` (`value` is a context name such as `$user.id`) or `coll` (a sub-table name).
 */
export interface Node {
  readonly op: string
  readonly type: string
  readonly path: string
  readonly args: readonly Node[]
  readonly value: unknown
  readonly nullable: boolean
}

export function node(
  op: string,
  type: string,
  path: string,
  extra: { args?: readonly Node[]; value?: unknown; nullable?: boolean } = {},
): Node {
  return { op, type, path, args: extra.args ?? [], value: extra.value ?? null, nullable: extra.nullable ?? true }
}

/** One problem in an expression, located by a JSON pointer into the AST (or line and column). */
export interface ExprIssue {
  message: string
  path: string
  line?: number
  column?: number
}

export class ExprError extends Error {
  readonly issues: ExprIssue[]

  constructor(issues: ExprIssue[]) {
    const first = issues[0] ?? { message: 'the expression is not valid', path: '' }
    const where = first.line !== undefined ? ` at line ${first.line}, column ${first.column ?? 0}` : ''
    super(`${first.message}${where}${first.path ? ` (${first.path})` : ''}`)
    this.issues = issues
  }

  get path(): string {
    return this.issues[0]?.path ?? ''
  }
}

/** Extend a JSON pointer: `pointer("/and/1", ">", 0) == "/and/1/>/0"`. */
export function pointer(path: string, ...parts: (string | number)[]): string {
  let out = path
  for (const part of parts) out += '/' + String(part).replace(/~/g, '~0').replace(/\//g, '~1')
  return out
}

/** Raised by a type rule; `index` points at the offending argument. */
export class Bad extends Error {
  constructor(
    message: string,
    readonly index: number | null = null,
  ) {
    super(message)
  }
}

export interface Limits {
  maxNodes: number
  maxDepth: number
  maxString: number
  maxList: number
  maxRegex: number
  maxRegexInput: number
}

export const DEFAULT_LIMITS: Limits = {
  maxNodes: 500,
  maxDepth: 32,
  maxString: 1000,
  maxList: 200,
  maxRegex: 100,
  maxRegexInput: 10_000,
}
