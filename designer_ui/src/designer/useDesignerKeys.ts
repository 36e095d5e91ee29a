import { useEffect, useRef } from 'react'

interface Keys {
  undo: () => void
  redo: () => void
  save: () => void
}

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA'].includes(target.tagName))

/**
 * Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) undo and redo across the whole draft, Ctrl+S saves. Inside a
 * text input the browser's own undo edits the text being typed; the draft's history takes over once
 * the focus leaves it.
 */
export function useDesignerKeys(keys: Keys) {
  const latest = useRef(keys)
  useEffect(() => {
    latest.current = keys
  })
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return
      const key = e.key.toLowerCase()
      if (key === 's') {
        e.preventDefault()
        latest.current.save()
      } else if ((key === 'z' || key === 'y') && !typing(e.target)) {
        e.preventDefault()
        if (key === 'y' || e.shiftKey) latest.current.redo()
        else latest.current.undo()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
