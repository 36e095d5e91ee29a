// A template install or upgrade running as a background job, as its wizard shows it (plain TypeScript, no
// React): whether it has ended, the bar (steps done of the steps planned) and what the step under way works on.
//
//   jobBar({ state: 'running', progress: { done: 2, total: 5, step: 'table', params: { form: 'ticket' } } })
//     → { percent: 40, done: 2, total: 5, step: 'table', form: 'ticket', count: null }

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed'

export interface PlannedStep {
  step: string
  params?: Record<string, unknown>
}

export interface JobProgress {
  done: number
  total: number
  step: string | null
  params?: Record<string, unknown>
  plan?: PlannedStep[]
}

export interface JobLike {
  state: JobState
  progress: JobProgress | null
}

export interface JobBar {
  percent: number
  done: number
  total: number
  step: string | null
  form: string | null
  count: number | null
}

export const STEPS = ['check', 'table', 'roles', 'flows_rules', 'record', 'seed_people', 'seed_records', 'demo_records'] as const

export type StepStatus = 'wait' | 'process' | 'finish' | 'error'

export interface StepLine {
  step: string
  form: string | null
  count: number | null
  status: StepStatus
}

function known(step: string | null | undefined): string | null {
  return step && (STEPS as readonly string[]).includes(step) ? step : null
}

function detail(params: Record<string, unknown> | undefined): { form: string | null; count: number | null } {
  const form = params?.form
  const count = params?.count
  return { form: typeof form === 'string' ? form : null, count: typeof count === 'number' ? count : null }
}

/** The job's planned steps with where each stands: done before the one under way, that one working (or
 *  failed, when the job failed on it), the rest waiting; all done once the job succeeded. */
export function jobSteps(job: JobLike | undefined): StepLine[] {
  const progress = job?.progress
  if (!job || !progress) return []
  const lines: StepLine[] = []
  ;(progress.plan ?? []).forEach((planned, index) => {
    const step = known(planned.step)
    if (!step) return
    let status: StepStatus = 'wait'
    if (job.state === 'succeeded' || index < progress.done) status = 'finish'
    else if (index === progress.done && progress.step) status = job.state === 'failed' ? 'error' : 'process'
    lines.push({ step, ...detail(planned.params), status })
  })
  return lines
}

export function finished(job: JobLike | undefined): boolean {
  return job !== undefined && (job.state === 'succeeded' || job.state === 'failed')
}

/** The bar: `null` while no worker has started the job (no figure yet); full once it succeeded. */
export function jobBar(job: JobLike | undefined): JobBar | null {
  const progress = job?.progress
  if (!job || !progress || progress.total <= 0) return null
  const total = progress.total
  const done = job.state === 'succeeded' ? total : Math.min(progress.done, total)
  return { percent: Math.floor((done * 100) / total), done, total, step: known(progress.step), ...detail(progress.params) }
}

/** A table's name for people: the form's label; a sub-table (`order__items`) as its form's label and its field. */
export function tableName(stateKey: string, labels: Readonly<Record<string, string>>): string {
  const [form = stateKey, child] = stateKey.split('__', 2)
  const name = labels[form] ?? form
  return child ? `${name} · ${labels[stateKey] ?? child}` : name
}
