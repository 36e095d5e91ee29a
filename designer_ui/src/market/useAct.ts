import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App as AntApp } from 'antd'
import { useTranslation } from 'react-i18next'
import { api, unwrap } from '../api/client'
import { type Action, MARKET_KEY } from './queries'

/** Move a version along its lifecycle (submit, approve, publish, …); every market query is refreshed. */
export function useAct() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ id, action, comment }: { id: number; action: Action; comment?: string }) =>
      unwrap(await api.POST('/api/v1/market/versions/{version_id}/act', { params: { path: { version_id: id } }, body: { action, comment } })),
    onSuccess: async (answer) => {
      message.success(t('market.moved', { version: answer.version, state: t(`market.states.${answer.state}`) }))
      await queryClient.invalidateQueries({ queryKey: MARKET_KEY })
    },
    onError: (error) => message.error(error.message),
  })
}
