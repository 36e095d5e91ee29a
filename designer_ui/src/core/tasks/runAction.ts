/**
 * The order of a task action taken beside a record's form: first the form is saved (what the user typed
 * for the step is what the step completes on; a refused save keeps the task open), then the action,
 * then the record is read back (the flow may have written a status or a time).
 */
export interface ActionSteps {
  /** Saves unsaved edits; false when the save was refused (its errors are shown on the form). */
  beforeAct?: () => Promise<boolean>
  act: () => Promise<void>
  /** Reads the record back; failing is no failure of the action (the step's end may take the record out of reach). */
  afterAct?: () => Promise<void>
}

export type ActionOutcome = { done: true } | { done: false; reason: 'not_saved' } | { done: false; reason: 'failed'; error: unknown }

export async function runTaskAction(steps: ActionSteps): Promise<ActionOutcome> {
  if (steps.beforeAct && !(await steps.beforeAct())) return { done: false, reason: 'not_saved' }
  try {
    await steps.act()
  } catch (error) {
    return { done: false, reason: 'failed', error }
  }
  await steps.afterAct?.().catch(() => undefined)
  return { done: true }
}
