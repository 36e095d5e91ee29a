// Who is signed in, and the queries every page shares. The session itself is the HttpOnly cookie.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { api, ApiError, unwrap } from './api/client'
import type { AppSummary, Me, PendingInbox } from './api/types'
import { applyLocale, isLocale } from './i18n'

export const ME_KEY = ['me'] as const

/** The signed-in user, or null when there is no valid session (401). */
export async function fetchMe(): Promise<Me | null> {
  const result = await api.GET('/api/v1/auth/me')
  if (result.response.status === 401) return null
  const me: Me = unwrap(result)
  if (isLocale(me.user.locale)) applyLocale(me.user.locale)
  return me
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, retry: false, staleTime: 60_000 })
}

export function useMyApps(enabled = true) {
  return useQuery({
    queryKey: ['apps'],
    enabled,
    queryFn: async (): Promise<AppSummary[]> => unwrap(await api.GET('/api/v1/apps')),
  })
}

/** My open tasks per app key. */
export function useOpenTaskCounts(enabled = true) {
  return useQuery({
    queryKey: ['inbox', 'pending', 'counts'],
    enabled,
    queryFn: async () => {
      const result = await api.GET('/api/v1/flows/inbox/{box}', { params: { path: { box: 'pending' }, query: { limit: 1 } } })
      const inbox = unwrap(result)
      return 'counts' in inbox ? (inbox as PendingInbox).counts : ({} as Record<string, number>)
    },
  })
}

export function useLogout() {
  const queryClient = useQueryClient()
  return useCallback(async () => {
    const result = await api.POST('/api/v1/auth/logout')
    // 401: the session had already ended; either way this browser is signed out now
    if (!result.response.ok && result.response.status !== 401) throw new ApiError(result.response.status, result.error)
    queryClient.clear()
    queryClient.setQueryData(ME_KEY, null)
  }, [queryClient])
}
