import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, ApiError } from '../../api/client'

export interface BulkResult {
  done: number[]
  failed: { taskId: number; message: string }[]
}

/** Approve several tasks, one request each (each its own transaction: one refused task leaves the
 * others approved), then refresh the inboxes and records. */
export function useBulkApprove() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (taskIds: number[]): Promise<BulkResult> => {
      const result: BulkResult = { done: [], failed: [] }
      for (const taskId of taskIds) {
        const answer = await api.POST('/api/v1/flows/tasks/{task_id}/act', {
          params: { path: { task_id: taskId } },
          body: { action: 'approve', users: [], client_request_id: crypto.randomUUID() },
        })
        if (answer.response.ok) result.done.push(taskId)
        else result.failed.push({ taskId, message: new ApiError(answer.response.status, answer.error).message })
      }
      return result
    },
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['inbox'] }),
        queryClient.invalidateQueries({ queryKey: ['record'] }),
      ])
    },
  })
}
