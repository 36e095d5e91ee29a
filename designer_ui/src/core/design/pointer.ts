/**
 * JSON Pointers (RFC 6901) over an app definition, and edits that copy only the path they change.
 * Everything off the path is shared with the old document untouched, and an object keeps its key
 * order, so a draft edited here still serialises exactly as it came for every part no edit touched.
 *
 *   parsePointer('/forms/0/fields/2')        → ['forms', '0', 'fields', '2']
 *   setAt({a: {b: 1, c: 2}}, ['a', 'b'], 5)   → {a: {b: 5, c: 2}}   (a new `a`, the same everything else)
 */
export type Path = readonly string[]

export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return []
  return pointer.replace(/^\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
}

export function formatPointer(path: readonly (string | number)[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('')
}

type Container = Record<string, unknown> | unknown[]

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null

export function getAt(doc: unknown, path: Path): unknown {
  let node: unknown = doc
  for (const part of path) {
    if (Array.isArray(node)) node = node[Number(part)]
    else if (isContainer(node)) node = (node as Record<string, unknown>)[part]
    else return undefined
  }
  return node
}

function index(part: string, length: number, { allowEnd }: { allowEnd: boolean }): number {
  const i = part === '-' ? length : Number(part)
  if (!Number.isInteger(i) || i < 0 || i > length || (!allowEnd && i === length)) {
    throw new RangeError(`index ${part} is outside 0..${String(length)}`)
  }
  return i
}

/** `change(parent, last)` on a copy of the parent container at `path`, its ancestors copied too. */
function update(doc: unknown, path: Path, change: (parent: Container, last: string) => Container): unknown {
  if (path.length === 0) throw new RangeError('the document itself cannot be changed here')
  const [head, ...rest] = path
  if (!isContainer(doc)) throw new RangeError(`no container at ${String(head)}`)
  if (rest.length === 0) return change(doc, head ?? '')
  const child = Array.isArray(doc) ? doc[index(head ?? '', doc.length, { allowEnd: false })] : doc[head ?? '']
  const next = update(child, rest, change)
  if (Array.isArray(doc)) {
    const copy = doc.slice()
    copy[Number(head)] = next
    return copy
  }
  return { ...doc, [head ?? '']: next }
}

/** Replace (or add, at the end of an object's keys) the value at `path`. */
export function setAt(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value
  return update(doc, path, (parent, last) => {
    if (Array.isArray(parent)) {
      const copy = parent.slice()
      copy[index(last, parent.length, { allowEnd: true })] = value
      return copy
    }
    return { ...parent, [last]: value }
  })
}

/** Insert into an array at `path`'s index (`-` or the length appends). */
export function insertAt(doc: unknown, path: Path, value: unknown): unknown {
  return update(doc, path, (parent, last) => {
    if (!Array.isArray(parent)) throw new RangeError('insert needs an array')
    const copy = parent.slice()
    copy.splice(index(last, parent.length, { allowEnd: true }), 0, value)
    return copy
  })
}

/** Remove an array element (later ones move up) or an object key. */
export function removeAt(doc: unknown, path: Path): unknown {
  return update(doc, path, (parent, last) => {
    if (Array.isArray(parent)) {
      const copy = parent.slice()
      copy.splice(index(last, parent.length, { allowEnd: false }), 1)
      return copy
    }
    if (!(last in parent)) throw new RangeError(`no key ${last}`)
    const copy = { ...parent }
    delete copy[last]
    return copy
  })
}

/** Whether `prefix` is `path` or one of its ancestors. */
export function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p)
}
