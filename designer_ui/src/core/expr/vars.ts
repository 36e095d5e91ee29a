/**
 * The fields an expression reads: the first segment of every `var` (a relation hop or a sub-table
 * column reads the field it starts from), or null when a name is computed and cannot be known.
 *
 *   fieldsRead({"and": [{">": [{"var": "amount"}, 5000]}, {"==": [{"var": "customer.level"}, "vip"]}]})
 *   → Set {"amount", "customer"}
 */
export function fieldsRead(ast: unknown): Set<string> | null {
  const found = new Set<string>()
  const walk = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.every(walk)
    if (node === null || typeof node !== 'object') return true
    for (const [op, args] of Object.entries(node)) {
      if (op === 'var') {
        const name: unknown = Array.isArray(args) ? args[0] : args
        if (typeof name !== 'string') return false
        found.add(name.split('.')[0] ?? name)
        if (Array.isArray(args) && !args.slice(1).every(walk)) return false
      } else if (!walk(args)) return false
    }
    return true
  }
  return walk(ast) ? found : null
}
