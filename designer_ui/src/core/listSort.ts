/**
 * The list's sort after a click on a column's header, as antd's tables cycle it: not sorted by the column →
 * ascending → descending → not sorted. A sort is the column's key, with a leading "-" when descending.
 */
export function nextSort(current: string | null | undefined, key: string): string | null {
  if (current === key) return `-${key}`
  if (current === `-${key}`) return null
  return key
}
