import { useEffect, useRef } from 'react'
import { followRenamed } from '../core/design/selection'

/** Keeps a selection by key on its element when an undo or redo changes the element's key. */
export function useFollowRenamed(keys: readonly string[], selected: string | null, onFollow: (key: string) => void): void {
  const previous = useRef(keys)
  useEffect(() => {
    const now = followRenamed(previous.current, keys, selected)
    previous.current = keys
    if (now !== null) onFollow(now)
  }, [keys, selected, onFollow])
}
