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

/** A person's name; `outsider` names user 0, who acts for anonymous channels (a public form). */
export function nameOf(people: Person[] | undefined, id: number | null | undefined, outsider?: string): string {
  if (id === null || id === undefined) return '—'
  if (id === 0 && outsider !== undefined) return outsider
  return people?.find((p) => p.id === id)?.name ?? `#${id}`
}
