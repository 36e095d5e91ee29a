import { Modal } from 'antd'
import { useCallback, useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { useBlocker } from 'react-router'

/**
 * While `dirty`, leaving the page (a link, back, closing the tab) asks first. The answer lets the
 * page leave once without asking (after a save that moves to the new record's address).
 */
export function useUnsavedGuard(dirty: boolean): () => void {
  const { t } = useTranslation()
  const bypass = useRef(false)
  const blocker = useBlocker(({ currentLocation, nextLocation }) =>
    dirty && !bypass.current && currentLocation.pathname !== nextLocation.pathname)
  useEffect(() => {
    if (blocker.state !== 'blocked') return
    Modal.confirm({
      title: t('record.leaveTitle'), content: t('record.leaveText'),
      okText: t('record.leave'), cancelText: t('record.stay'), okButtonProps: { danger: true },
      onOk: () => blocker.proceed(), onCancel: () => blocker.reset(),
    })
  }, [blocker, t])
  useEffect(() => {
    if (!dirty) return
    const warn = (e: BeforeUnloadEvent) => e.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [dirty])
  return useCallback(() => {
    bypass.current = true
  }, [])
}
