import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App as AntApp } from 'antd'
import { api, unwrap } from '../api/client'
import { sandboxesKey } from './queries'

/** Make, enter and discard sandbox installs of version `versionId`; entering signs this browser in as the
 *  sandbox's administrator and opens its app (a full page load: the session changed). */
export function useSandboxActions(versionId: number) {
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const refresh = () => queryClient.invalidateQueries({ queryKey: sandboxesKey(versionId) })
  const onError = (error: Error) => void message.error(error.message)
  const make = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/market/versions/{version_id}/sandboxes', { params: { path: { version_id: versionId } } })),
    onSuccess: refresh,
    onError,
  })
  const enter = useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.POST('/api/v1/market/sandboxes/{sandbox_id}/enter', { params: { path: { sandbox_id: id } } })),
    onSuccess: ({ url }) => window.location.assign(url),
    onError,
  })
  const discard = useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.DELETE('/api/v1/market/sandboxes/{sandbox_id}', { params: { path: { sandbox_id: id } } })),
    onSuccess: refresh,
    onError,
  })
  return { make, enter, discard }
}
