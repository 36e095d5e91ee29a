// The pieces of the expression language the public pages use, in one place.
export { compileExpr, makeContext, parseFormula, schemaFromJson } from '../core/expr'
export type { Compiled, EvalContext } from '../core/expr'
export { truthy as truthyValue } from '../core/expr/values'
