// A selection's PDF made in the background (POST …/prints/{template}/pdf-jobs): how far it got, for the bar.
import type { components } from '../../api/schema'

export type PrintJob = components['schemas']['PrintJob']

/** The job has ended, well or not: stop polling. */
export function printJobFinished(job: PrintJob | undefined): boolean {
  return job?.state === 'succeeded' || job?.state === 'failed'
}

/** Records rendered so far and the percentage the bar shows (100 once it succeeded; 0 while queued). */
export function printJobBar(job: PrintJob | undefined): { done: number; count: number; percent: number } {
  const count = job?.count ?? 0
  if (!job || count === 0) return { done: 0, count, percent: 0 }
  if (job.state === 'succeeded') return { done: count, count, percent: 100 }
  const done = Number(job.progress?.params?.done ?? 0)
  const safe = Number.isFinite(done) ? Math.max(0, Math.min(done, count)) : 0
  // a part under way is not done: the bar never shows 100 % before the file is there
  return { done: safe, count, percent: Math.min(99, Math.floor((safe / count) * 100)) }
}

/** The download address of the finished PDF (the reader's own file). */
export function printJobFileUrl(job: PrintJob | undefined): string | null {
  return job?.state === 'succeeded' && job.file ? `/api/v1/files/${job.file.id}` : null
}
