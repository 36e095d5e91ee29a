/**
 * Edits of a draft as data: each is applied with the copy-on-path functions of pointer.ts, and a list
 * of them is one step of the undo history.
 *
 *   applyOps({forms: []}, [{op: 'insert', path: ['forms', '0'], value: {key: 'a'}}]) → {forms: [{key: 'a'}]}
 */
import { getAt, insertAt, type Path, removeAt, setAt } from './pointer'

export type Op =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'insert'; path: Path; value: unknown; clamp?: boolean }
  | { op: 'remove'; path: Path }
  | { op: 'move'; from: Path; path: Path }

/** An insert index past the end of its (since shortened) array appends instead. */
function clamped(doc: unknown, path: Path): Path {
  const parent = getAt(doc, path.slice(0, -1))
  const last = Number(path[path.length - 1])
  if (!Array.isArray(parent) || !Number.isInteger(last) || last <= parent.length) return path
  return [...path.slice(0, -1), String(parent.length)]
}

function applyOp(doc: unknown, op: Op): unknown {
  switch (op.op) {
    case 'set':
      return setAt(doc, op.path, op.value)
    case 'insert':
      return insertAt(doc, op.clamp ? clamped(doc, op.path) : op.path, op.value)
    case 'remove':
      return removeAt(doc, op.path)
    case 'move': {
      // `path` is where the element ends up once it has left `from`
      const value = getAt(doc, op.from)
      return insertAt(removeAt(doc, op.from), op.path, value)
    }
  }
}

export function applyOps(doc: unknown, ops: readonly Op[]): unknown {
  return ops.reduce(applyOp, doc)
}
