import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useSyncExternalStore } from 'react'
import { DraftStore, type Snapshot } from '../core/design/draftStore'
import { first, keepTrash, loadApp, loadTrash, saveDraft } from './designerApi'

/** The app's draft in a DraftStore (autosaving to the server), and its current snapshot.
 *
 * The recycle bin lives on the server beside the draft: a deletion saves the draft at once and then the
 * bin, so another machine (or this one after a reload) finds the element gone and restorable. */
export function useDraftStore(appKey: string) {
  const client = useQueryClient()
  const detail = useQuery({ queryKey: ['design', appKey, 'app'], queryFn: () => first(`app:${appKey}`, () => loadApp(appKey)),
    staleTime: Infinity, gcTime: 0 })
  const trash = useQuery({ queryKey: ['design', appKey, 'trash'], queryFn: () => first(`trash:${appKey}`, () => loadTrash(appKey)),
    staleTime: Infinity, gcTime: 0 })
  const store = useMemo(() => {
    if (!detail.data || !trash.data) return null
    const created: DraftStore = new DraftStore(detail.data.draft, {
      save: async (body) => {
        const answer = await saveDraft(appKey, body)
        void client.invalidateQueries({ queryKey: ['design', appKey, 'history'] })
        return answer
      },
      trash: trash.data,
      onTrash: (items) => {
        void created.flush().then(() => keepTrash(appKey, items))
      },
    })
    return created
  }, [appKey, client, detail.data, trash.data])
  // leaving the designer saves what autosave has not yet
  useEffect(() => () => {
    void store?.flush()
  }, [store])
  return { store, detail, error: detail.error ?? trash.error }
}

const EMPTY = () => () => {}
const NOTHING = (): Snapshot | null => null

export function useDraftSnapshot(store: DraftStore | null): Snapshot | null {
  return useSyncExternalStore(store ? store.subscribe : EMPTY, store ? store.getSnapshot : NOTHING)
}
