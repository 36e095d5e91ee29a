import { useQuery } from '@tanstack/react-query'
import { loadMembers } from './rolesApi'

/** The app's people, each role's member count and the departments (for view-as and removing a role). */
export function useMembers(appKey: string) {
  return useQuery({ queryKey: ['design', appKey, 'members'], queryFn: () => loadMembers(appKey) })
}
