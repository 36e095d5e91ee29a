// Live linkage on public pages: a field's visible_if / required_if / readonly_if, compiled once with the
// shared expression language and evaluated on every change. The server stays authoritative: a condition
// that reads a field the public form does not carry is left to it (the field stays shown and optional).
import {
  compileExpr,
  makeContext,
  parseFormula,
  schemaFromJson,
  truthyValue,
  type Compiled,
  type EvalContext,
} from './exprBridge'

export interface LinkedField {
  key: string
  kind: string
  visible_if?: unknown
  required_if?: unknown
  readonly_if?: unknown
}

export interface FieldState {
  visible: boolean
  required: boolean
  readonly: boolean
}

// the expression type each field kind carries (the server's form engine agrees for these kinds)
const KIND_TYPES: Record<string, string> = {
  text: 'text', long_text: 'text', phone: 'text', email: 'text', url: 'text', single_select: 'text',
  integer: 'integer', rating: 'integer', slider: 'decimal', decimal: 'decimal', money: 'decimal',
  boolean: 'boolean', date: 'date', datetime: 'datetime', multi_select: 'text_list', cascade_select: 'text_list',
}

type Rule = Compiled | null

function compileRule(source: unknown, schemaJson: Record<string, string>): Rule {
  if (source === null || source === undefined) return null
  try {
    const ast = typeof source === 'string' ? parseFormula(source) : source
    return compileExpr(ast, schemaFromJson(schemaJson))
  } catch {
    return null // reads something this form does not have: the server decides on submit
  }
}

export interface Linkage {
  state(values: Record<string, unknown>): Record<string, FieldState>
}

/** `fixed`: values the server sets on every submission (the channel's key), as text.
 * `linkage(fields).state({expectation: ["compensation"]})` → `{amount: {visible: true, …}, …}`. */
export function linkage(
  fields: readonly LinkedField[],
  fixed: Readonly<Record<string, string>> = {},
  ctx: EvalContext = makeContext(),
): Linkage {
  const schemaJson: Record<string, string> = {
    ...Object.fromEntries(Object.keys(fixed).map((k) => [k, 'text'])),
    ...Object.fromEntries(fields.map((f) => [f.key, KIND_TYPES[f.kind] ?? 'any'])),
  }
  const rules = fields.map((f) => ({
    key: f.key,
    visible: compileRule(f.visible_if, schemaJson),
    required: compileRule(f.required_if, schemaJson),
    readonly: compileRule(f.readonly_if, schemaJson),
  }))
  const holds = (rule: Rule, record: Record<string, unknown>, fallback: boolean) => {
    if (rule === null) return fallback
    try {
      return truthyValue(rule(record, ctx))
    } catch {
      return fallback
    }
  }
  return {
    state(values) {
      const record = { ...fixed, ...Object.fromEntries(fields.map((f) => [f.key, values[f.key] ?? null])) }
      return Object.fromEntries(
        rules.map((r) => [
          r.key,
          {
            visible: holds(r.visible, record, true),
            required: holds(r.required, record, false),
            readonly: holds(r.readonly, record, false),
          },
        ]),
      )
    },
  }
}
