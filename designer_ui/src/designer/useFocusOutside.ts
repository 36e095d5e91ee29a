import { useCallback, useEffect, useState } from 'react'

/**
 * A non-modal panel's focus: while it is open, the last element focused outside it (a problem link focuses the cell
 * or field it names; the person may also have clicked into the canvas). Once the panel has closed, `restore` gives
 * that element focus back, instead of the button that opened the panel; `returnsFocus` says whether there is one.
 * Call `restore` when the panel has closed (its after-close callback).
 */
export function useFocusOutside(open: boolean, panelClass: string): { returnsFocus: boolean; restore: () => void } {
  const [outside, setOutside] = useState<HTMLElement | null>(null)
  useEffect(() => {
    if (!open) return
    const onFocus = (event: FocusEvent) => {
      const element = event.target
      if (element instanceof HTMLElement && !element.closest(`.${panelClass}`)) setOutside(element)
    }
    document.addEventListener('focusin', onFocus)
    return () => document.removeEventListener('focusin', onFocus)
  }, [open, panelClass])
  const restore = useCallback(() => {
    if (outside?.isConnected) outside.focus({ preventScroll: true })
    setOutside(null)  // the next opening starts afresh
  }, [outside])
  return { returnsFocus: outside !== null, restore }
}
