import { useCallback, useSyncExternalStore } from 'react'
import type { RecordStore } from '../../core/form/store'

/**
 * A value derived from the record being edited (whether it is dirty, which fields a section shows), read
 * after every change: the component redraws only when the (primitive) result differs.
 */
export function useStoreSelect<T extends string | number | boolean | null>(store: RecordStore, select: (store: RecordStore) => T): T {
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store])
  return useSyncExternalStore(subscribe, () => select(store))
}
