// The admin console's shared queries: users and departments appear on several pages.
import { useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'

export type UserEntry = components['schemas']['UserEntry']
export type Department = components['schemas']['Department']
export type AuditEntry = components['schemas']['AuditEntry']
export type Token = components['schemas']['Token']

export const USERS_KEY = ['admin', 'users'] as const
export const DEPARTMENTS_KEY = ['admin', 'departments'] as const

export function useUsers() {
  return useQuery({
    queryKey: USERS_KEY,
    // an admin's session carries the admin scope, so every row is a full UserEntry
    queryFn: async () => unwrap(await api.GET('/api/v1/admin/users')) as UserEntry[],
  })
}

export function useDepartments() {
  return useQuery({
    queryKey: DEPARTMENTS_KEY,
    queryFn: async () => unwrap(await api.GET('/api/v1/admin/departments')),
  })
}
