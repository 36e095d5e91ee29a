import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../api/client'
import type { Inbox } from '../../core/tasks/types'

export type Box = 'pending' | 'done' | 'cc' | 'started'

/** One of my inboxes (up to 500 rows; pending is soonest due first). */
export function useInbox(box: Box, enabled = true) {
  return useQuery({
    queryKey: ['inbox', box, 'items'],
    enabled,
    queryFn: async (): Promise<Inbox> =>
      unwrap(await api.GET('/api/v1/flows/inbox/{box}', { params: { path: { box }, query: { limit: 500 } } })) as unknown as Inbox,
  })
}
