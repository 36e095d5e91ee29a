/**
 * Keys for new elements: made from the English label when there is one, else from the kind, and
 * never one already taken (`^[a-z][a-z0-9_]{0,62}$`, the definition's key pattern).
 *
 *   keyFromLabel({en: 'Repair cost'}, 'currency', new Set())   → 'repair_cost'
 *   keyFromLabel({'zh-CN': '维修费'}, 'currency', new Set(['currency_1'])) → 'currency_2'
 */
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/

export function slug(text: string): string {
  const s = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  if (!s) return ''
  return (/^[a-z]/.test(s) ? s : `f_${s}`).slice(0, 50)
}

export function uniqueKey(base: string, taken: ReadonlySet<string>, { numbered = false } = {}): string {
  if (!numbered && !taken.has(base)) return base
  for (let n = 1; ; n++) {
    const key = `${base}_${String(n)}`
    if (!taken.has(key)) return key
  }
}

export function keyFromLabel(label: Record<string, string> | null | undefined, kind: string,
  taken: ReadonlySet<string>): string {
  const fromLabel = slug(label?.en ?? '')
  return fromLabel ? uniqueKey(fromLabel, taken) : uniqueKey(slug(kind) || 'field', taken, { numbered: true })
}
