import { useQuery } from '@tanstack/react-query'
import { useEffect, useMemo, useSyncExternalStore } from 'react'
import { DraftStore, type Snapshot, type TrashItem } from '../core/design/draftStore'
import { loadApp, saveDraft } from './designerApi'

const trashKey = (appKey: string) => `dajian.designer.trash.${appKey}`

function storedTrash(appKey: string): TrashItem[] {
  try {
    const raw = globalThis.localStorage?.getItem(trashKey(appKey))
    const parsed: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(parsed) ? (parsed as TrashItem[]) : []
  } catch {
    return []
  }
}

function keepTrash(appKey: string, trash: readonly TrashItem[]): void {
  try {
    globalThis.localStorage?.setItem(trashKey(appKey), JSON.stringify(trash.slice(0, 100)))
  } catch {
    // a full or private storage: the bin lasts as long as the page
  }
}

/** The app's draft in a DraftStore (autosaving to the server), and its current snapshot. */
export function useDraftStore(appKey: string) {
  const detail = useQuery({ queryKey: ['design', appKey, 'app'], queryFn: () => loadApp(appKey),
    staleTime: Infinity, gcTime: 0 })
  const store = useMemo(() => (detail.data ? new DraftStore(detail.data.draft, {
    save: (body) => saveDraft(appKey, body),
    trash: storedTrash(appKey),
    onTrash: (trash) => keepTrash(appKey, trash),
  }) : null), [appKey, detail.data])
  // leaving the designer saves what autosave has not yet
  useEffect(() => () => {
    void store?.flush()
  }, [store])
  return { store, detail }
}

const EMPTY = () => () => {}
const NOTHING = (): Snapshot | null => null

export function useDraftSnapshot(store: DraftStore | null): Snapshot | null {
  return useSyncExternalStore(store ? store.subscribe : EMPTY, store ? store.getSnapshot : NOTHING)
}
