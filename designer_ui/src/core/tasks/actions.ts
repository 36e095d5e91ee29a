// What the holder of a task may do with it, by the task's role (flow engine: approvals.py):
// approval steps vote (approve / reject) and may add signers; task steps are completed; both can be
// returned for information and handed to someone else; an "info" task is answered by completing it.
export type TaskAction = 'approve' | 'reject' | 'return' | 'transfer' | 'add_signer'

const BY_ROLE: Record<string, TaskAction[]> = {
  approval: ['approve', 'reject', 'return', 'transfer', 'add_signer'],
  task: ['approve', 'return', 'transfer'],
  info: ['approve'],
}

export function actionsFor(role: string | null | undefined): TaskAction[] {
  return BY_ROLE[role ?? ''] ?? []
}

/** Actions that send the work back or away: the UI asks for a confirmation first. */
export function isDestructive(action: TaskAction): boolean {
  return action === 'reject' || action === 'return'
}

/** How many people the action names: none, exactly one, or one or more. */
export function peopleNeeded(action: TaskAction): 'none' | 'one' | 'many' {
  if (action === 'transfer') return 'one'
  if (action === 'add_signer') return 'many'
  return 'none'
}

/** A pending task can be approved from the inbox without opening its record when its step asks for
 * no record fields. */
export function canBulkApprove(task: { role?: string; needs_input?: boolean; status?: string }): boolean {
  return (task.role === 'approval' || task.role === 'task') && task.needs_input === false && task.status === 'pending'
}
