import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'

export const NOTIFICATIONS_KEY = ['notifications'] as const

/** One in-app notification (GET /api/v1/notifications); `link` names the record it is about, when there is one. */
export interface NotificationItem {
  id: number
  title: string
  body: string
  link: { app?: string; form?: string; record?: number; instance?: number } | null
  source: string | null
  created_at: string
  read_at: string | null
}

/** My latest notifications and the unread count; polled so the bell notices new ones without a reload. */
export function useNotifications() {
  return useQuery({
    queryKey: NOTIFICATIONS_KEY,
    refetchInterval: 60_000,
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/notifications', { params: { query: { limit: 30 } } })) as unknown as {
        items: NotificationItem[]
        unread: number
      },
  })
}
