import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../../../api/client'
import type { TaskAction } from '../../../core/tasks/actions'

export interface TaskActionInput {
  taskId: number
  /** 抄送 is an action on the task's flow instance. */
  instanceId: number
  action: TaskAction
  comment?: string
  users?: number[]
  /** 退回 / a chosen rejection: the earlier step to go back to. */
  target?: string | null
}

/** Act on one of my tasks; afterwards every query about records, flows and inboxes is refreshed. */
export function useTaskAction() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ taskId, instanceId, action, comment, users, target }: TaskActionInput) =>
      action === 'cc'
        ? unwrap(
          await api.POST('/api/v1/flows/instances/{instance_id}/act', {
            params: { path: { instance_id: instanceId } },
            body: { action, comment: comment || null, users: users ?? [], client_request_id: crypto.randomUUID() },
          }),
        )
        : unwrap(
          await api.POST('/api/v1/flows/tasks/{task_id}/act', {
            params: { path: { task_id: taskId } },
            body: { action, comment: comment || null, users: users ?? [], target: target ?? null,
              client_request_id: crypto.randomUUID() },
          }),
        ),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['record'] }),
        queryClient.invalidateQueries({ queryKey: ['records'] }),
        queryClient.invalidateQueries({ queryKey: ['inbox'] }),
      ])
    },
  })
}
