import { useCallback, useSyncExternalStore } from 'react'
import type { FieldSnapshot, RecordStore } from '../../core/form/store'

/** One field's value and linkage state; the component redraws only when one of them changes. */
export function useFieldSnapshot(store: RecordStore, key: string): FieldSnapshot {
  const subscribe = useCallback((listener: () => void) => store.subscribeField(key, listener), [store, key])
  // a stable getSnapshot spares React a store check (an effect) on every redraw
  const read = useCallback(() => store.field(key), [store, key])
  return useSyncExternalStore(subscribe, read)
}
