import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../../../api/client'
import type { Person } from '../../../core/tasks/mentions'

interface PickerUser {
  id: number
  username: string
  display_name: string
}

/** The organisation's active people (picker columns): names for assignees and authors, @mentions,
 * transfer and add-signer choices. */
export function usePeople() {
  return useQuery({
    queryKey: ['people'],
    staleTime: 5 * 60_000,
    queryFn: async (): Promise<Person[]> => {
      const users = unwrap(await api.GET('/api/v1/admin/users')) as unknown as PickerUser[]
      return users.map((u) => ({ id: u.id, name: u.display_name || u.username }))
    },
  })
}
