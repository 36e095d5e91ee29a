import { useEffect } from 'react'

/**
 * Marks `name` (performance.mark) in the frame after `data` was committed to the page, each time it changes:
 * bench/ui.py measures from the data's arrival (Resource Timing) to this mark. Costs one timer per change.
 */
export function useRenderedMark(name: string, data: unknown) {
  useEffect(() => {
    if (data === undefined) return
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => performance.mark(name), 0)
    })
    return () => {
      cancelAnimationFrame(frame)
      if (timer !== undefined) clearTimeout(timer)
    }
  }, [name, data])
}
