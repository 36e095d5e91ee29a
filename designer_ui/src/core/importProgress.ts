/**
 * A running Excel import as a bar: rows done of the rows in the sheet. The total is the server's when it
 * knows it, else the preview's row count; with neither (or a poll that reached another server) there is
 * no figure and the bar stays indeterminate.
 *
 *   importBar({ state: 'running', done: 1000, total: 2500 }, 2500) → { percent: 40, done: 1000, total: 2500 }
 *   importBar({ state: 'unknown', done: 0, total: null }, 2500)   → null
 */
export interface ImportProgress {
  state: 'running' | 'finished' | 'unknown'
  done: number
  total: number | null
}

export interface ImportBar {
  percent: number
  done: number
  total: number
}

export function importBar(progress: ImportProgress | undefined, previewRows: number | null | undefined): ImportBar | null {
  if (!progress || progress.state === 'unknown') return null
  const total = progress.total ?? previewRows ?? null
  if (total === null || total <= 0) return null
  const done = Math.min(progress.done, total)
  return { percent: Math.floor((done * 100) / total), done, total }
}
