/**
 * The JSON view's check: an element edited as JSON, validated against the app's JSON Schema (draft
 * 2020-12, GET /api/v1/schema/app.json) in its place in the draft, so what it may hold depends on
 * where it stands. Only the problems inside the element are reported, with paths relative to it.
 *
 *   elementProblems(validator, doc, '/forms/0/fields/2', {key: 'Bad'})
 *   → [{path: '/key', message: 'must match pattern "^[a-z][a-z0-9_]{0,62}$"'}]
 */
import type { ValidateFunction } from 'ajv'
import Ajv2020 from 'ajv/dist/2020'
import type { Problem } from './draftStore'
import { parsePointer, setAt } from './pointer'

export function compileSchema(schema: object): ValidateFunction {
  // the server's schema carries annotations of its own (a discriminator for tagged unions): not strict
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
  return ajv.compile(schema)
}

export function elementProblems(validate: ValidateFunction, doc: unknown, pointer: string, element: unknown): Problem[] {
  const next = pointer ? setAt(doc, parsePointer(pointer), element) : element
  if (validate(next)) return []
  const seen = new Set<string>()
  return (validate.errors ?? []).flatMap((e) => {
    if (e.instancePath !== pointer && !e.instancePath.startsWith(pointer + '/')) return []
    const path = e.instancePath.slice(pointer.length) || '/'
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''
    const message = `${e.message ?? e.keyword}${extra}`
    const id = `${path} ${message}`
    if (seen.has(id)) return []
    seen.add(id)
    return [{ path, message }]
  })
}
