import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { NOTIFICATIONS_KEY } from './useNotifications'

/** Marks one notification read (its id) or all of them (no id); the bell's list and count refresh after. */
export function useMarkRead() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id?: number) =>
      id === undefined
        ? unwrap(await api.POST('/api/v1/notifications/read-all'))
        : unwrap(await api.POST('/api/v1/notifications/{notification_id}/read', { params: { path: { notification_id: id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  })
}
