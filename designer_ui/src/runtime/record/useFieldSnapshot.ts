import { useCallback, useSyncExternalStore } from 'react'
import type { FieldSnapshot, RecordStore } from '../../core/form/store'

/** One field's linkage state only: the component redraws when it changes, not when the value does. */
export function useFieldState(store: RecordStore, key: string): FieldSnapshot['state'] {
  const subscribe = useCallback((listener: () => void) => store.subscribeField(key, listener), [store, key])
  const read = useCallback(() => store.field(key).state, [store, key])
  return useSyncExternalStore(subscribe, read)
}

/** One field's value (formulas computed) only: the component redraws when it changes, not when the state does. */
export function useFieldValue(store: RecordStore, key: string): unknown {
  const subscribe = useCallback((listener: () => void) => store.subscribeField(key, listener), [store, key])
  const read = useCallback(() => store.field(key).value, [store, key])
  return useSyncExternalStore(subscribe, read)
}
