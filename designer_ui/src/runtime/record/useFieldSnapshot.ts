import { useCallback, useSyncExternalStore } from 'react'
import type { FieldSnapshot, RecordStore } from '../../core/form/store'

/** One field's value and linkage state; the component redraws only when one of them changes. */
export function useFieldSnapshot(store: RecordStore, key: string): FieldSnapshot {
  const subscribe = useCallback((listener: () => void) => store.subscribeField(key, listener), [store, key])
  return useSyncExternalStore(subscribe, () => store.field(key))
}
