// What the holder of a task may do with it. The server lists each open task's `actions`, from its
// step's `allow` switches (flow engine: approvals.py task_actions): approve, 驳回 reject, 退回 send back
// to an earlier step, return for information, 转交 transfer, delegate, 前加签 / 后加签, 抄送 cc. A task
// without the list (an older server) falls back to what its role allowed before.
export type TaskAction =
  | 'approve' | 'reject' | 'send_back' | 'return' | 'transfer' | 'delegate'
  | 'add_signer_before' | 'add_signer_after' | 'add_signer' | 'cc'

const KNOWN = new Set<string>([
  'approve', 'reject', 'send_back', 'return', 'transfer', 'delegate', 'add_signer_before', 'add_signer_after',
  'add_signer', 'cc',
])

const BY_ROLE: Record<string, TaskAction[]> = {
  approval: ['approve', 'reject', 'return', 'transfer', 'add_signer'],
  task: ['approve', 'return', 'transfer'],
  info: ['approve'],
}

export function actionsFor(role: string | null | undefined): TaskAction[] {
  return BY_ROLE[role ?? ''] ?? []
}

/** The buttons of a task: the server's list when it sent one, else the role's. */
export function actionsOf(task: { role?: string | null; actions?: string[] | null }): TaskAction[] {
  if (Array.isArray(task.actions)) return task.actions.filter((a): a is TaskAction => KNOWN.has(a))
  return actionsFor(task.role)
}

/** Actions that send the work back or away: the UI asks for a confirmation first. */
export function isDestructive(action: TaskAction): boolean {
  return action === 'reject' || action === 'return' || action === 'send_back'
}

/** How many people the action names: none, exactly one, or one or more. */
export function peopleNeeded(action: TaskAction): 'none' | 'one' | 'many' {
  if (action === 'transfer' || action === 'delegate') return 'one'
  if (action === 'add_signer' || action === 'add_signer_before' || action === 'add_signer_after' || action === 'cc')
    return 'many'
  return 'none'
}

/** Whether the action names a step to go back to: 退回 always, 驳回 when its step lets the approver choose. */
export function needsTarget(action: TaskAction, task: { reject_to?: unknown[] | null }): boolean {
  return action === 'send_back' || (action === 'reject' && Array.isArray(task.reject_to))
}

/** A pending task can be approved from the inbox without opening its record when its step asks for
 * no record fields. */
export function canBulkApprove(task: { role?: string; needs_input?: boolean; status?: string }): boolean {
  return (task.role === 'approval' || task.role === 'task') && task.needs_input === false && task.status === 'pending'
}
