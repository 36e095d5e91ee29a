/** The `?filter=` of a list address without the formula parser: expression JSON is read here, formula text
 * needs `filterFromUrl` in ./filters (which loads the parser). A list opened without formula text in its
 * address does not load the parser at all (72 KB gzip off the first screen). */

/** True when ``raw`` is formula text (not empty, not expression JSON). */
export function isFormulaText(raw: string): boolean {
  const text = raw.trimStart()
  return text !== '' && !text.startsWith('{')
}

/** Expression JSON from an address; null when it is empty or not JSON. */
export function jsonFilterFromUrl(raw: string): unknown {
  if (!raw.trim()) return null
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return null
  }
}
