import { acceptCompletion, autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, completionStatus, type CompletionContext,
  type CompletionResult } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands'
import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StringStream } from '@codemirror/language'
import { linter, type Diagnostic } from '@codemirror/lint'
import { Annotation, EditorState, Prec } from '@codemirror/state'
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view'
import { tags } from '@lezer/highlight'
import { useEffect, useRef } from 'react'
import type { Problem } from '../core/expr/diagnostics'
import { problemsAt } from '../core/expr/embedded'
import { FUNCTIONS, SPECIAL_FUNCTIONS } from '../core/expr/parse'
import { completeAt, type FunctionInfo, type ScopeField } from '../core/expr/scope'

/** Marks a change that came from outside (undo, the JSON view): not reported back as typing. */
const external = Annotation.define<boolean>()

const FUNCTION_NAMES = new Set([...Object.keys(FUNCTIONS), ...SPECIAL_FUNCTIONS])
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'TRUE', 'FALSE', 'NULL'])

/** Formula tokens for highlighting, the same classes as the parser's lexer (`core/expr/parse.ts`). */
const formulaLanguage = StreamLanguage.define<null>({
  name: 'dajian-formula',
  startState: () => null,
  token(stream: StringStream): string | null {
    if (stream.eatSpace()) return null
    if (stream.match(/^"(?:[^"]|"")*"?/)) return 'string'
    if (stream.match(/^\p{Nd}+(?:\.\p{Nd}+)?/u)) return 'number'
    if (stream.match(/^\$[A-Za-z_][\p{L}\p{N}_]*(?:\.[A-Za-z_][\p{L}\p{N}_]*)?/u)) return 'atom'
    const word = stream.match(/^[\p{L}\p{Nl}\p{No}_][\p{L}\p{N}_]*/u) as RegExpMatchArray | null
    if (word) {
      const upper = word[0].toUpperCase()
      if (KEYWORDS.has(upper)) return 'keyword'
      if (FUNCTION_NAMES.has(upper) && stream.match(/^\s*\(/u, false)) return 'function'
      return 'variableName'
    }
    if (stream.match(/^(<=|>=|<>|!=|==|[=<>&+\-*/%])/)) return 'operator'
    stream.next()
    return 'punctuation'
  },
  tokenTable: { function: tags.function(tags.variableName) },
})

const highlight = HighlightStyle.define([
  { tag: tags.string, color: '#a31515' },
  { tag: tags.number, color: '#098658' },
  { tag: tags.keyword, color: '#0000c8', fontWeight: 'bold' },
  { tag: tags.atom, color: '#7a3e9d' },
  { tag: tags.function(tags.variableName), color: '#795e26', fontWeight: 'bold' },
  { tag: tags.variableName, color: '#001080' },
  { tag: tags.operator, color: '#555' },
])

const theme = EditorView.theme({
  '&': { border: '1px solid #d9d9d9', borderRadius: '6px', background: '#fff', fontSize: '13px' },
  '&.cm-focused': { outline: 'none', borderColor: '#4096ff', boxShadow: '0 0 0 2px rgba(5,145,255,0.1)' },
  '.cm-content': { fontFamily: 'monospace', padding: '4px 0', minHeight: '22px' },
  '.cm-line': { padding: '0 8px' },
  '.cm-tooltip-autocomplete ul li': { fontFamily: 'monospace' },
  '.cm-completionDetail': { marginLeft: '8px', color: '#888', fontStyle: 'normal' },
})

/** In a grid cell: no frame of its own (the cell is the frame), one line. */
const compactTheme = EditorView.theme({
  '&': { background: 'transparent', fontSize: '13px', width: '100%' },
  '&.cm-focused': { outline: '1px solid #4096ff', borderRadius: '4px', background: '#fff' },
  '.cm-content': { fontFamily: 'monospace', padding: '2px 0', minHeight: '20px' },
  '.cm-line': { padding: '0 4px' },
  '.cm-tooltip-autocomplete ul li': { fontFamily: 'monospace' },
  '.cm-completionDetail': { marginLeft: '8px', color: '#888', fontStyle: 'normal' },
})

const wholeText = (): number => 0

export interface EditorLabels {
  /** Accessible name when no <label> names it. */
  ariaLabel?: string
  placeholder: string
}

interface Props extends EditorLabels {
  id: string
  value: string
  invalid: boolean
  fields: readonly ScopeField[]
  functions: readonly FunctionInfo[]
  onChange: (text: string) => void
  /** A parser problem in words of the UI's language. */
  explain: (problem: Problem) => string
  /** The cursor moved: where it is, for the signature of the call it is in. */
  onCursor?: (pos: number) => void
  /** Where the formula starts in the text (a cell's `=amount > 2` → 1); null: no formula, nothing to check or complete. */
  formulaStart?: (text: string) => number | null
  /** One line in a grid cell: Enter and Escape go to these (after an open completion list had them), no line breaks. */
  singleLine?: { onEnter: () => void; onEscape: () => void; onBlur: () => void }
  /** Takes the focus (and scrolls into view) when this turns true, e.g. a problem link named it. */
  focused?: boolean
  /** Read with the name, e.g. the problems the server found on the cell. */
  ariaDescription?: string
}

function infoOf(text: string): () => Node {
  return () => {
    const div = document.createElement('div')
    div.textContent = text
    div.style.maxWidth = '320px'
    return div
  }
}

/**
 * CodeMirror 6 over formula text: highlighting, completion of the fields in scope and the catalog's
 * functions (Ctrl+Space lists them all), the parser's error marked where it is.
 */
export function FormulaEditor({ id, value, invalid, fields, functions, onChange, explain, onCursor, ariaLabel, placeholder,
  formulaStart = wholeText, singleLine, ariaDescription, focused = false }: Props) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const latest = useRef({ fields, functions, onChange, onCursor, explain, formulaStart, singleLine })
  useEffect(() => {
    latest.current = { fields, functions, onChange, onCursor, explain, formulaStart, singleLine }
  })
  const oneLine = singleLine !== undefined

  useEffect(() => {
    const complete = (context: CompletionContext): CompletionResult | null => {
      const text = context.state.doc.toString()
      const start = latest.current.formulaStart(text)
      if (start === null || context.pos < start) return null
      const found = completeAt(text.slice(start), context.pos - start, latest.current.fields, latest.current.functions, context.explicit)
      if (!found) return null
      return {
        from: found.from + start,
        filter: false,
        options: found.options.map((o) => ({ label: o.label, detail: o.detail, type: o.type, apply: o.apply,
          info: o.info ? infoOf(o.info) : undefined })),
      }
    }
    const lint = (v: EditorView): Diagnostic[] =>
      problemsAt(v.state.doc.toString(), latest.current.formulaStart(v.state.doc.toString()))
        .map((p) => ({ from: p.from, to: p.to, message: latest.current.explain(p), severity: 'error' }))
    const lineKeys = Prec.high(keymap.of([
      // with the completion list open Enter is for the list (even in its first moments, when it does not take it yet)
      { key: 'Enter', run: (v) => { if (completionStatus(v.state) === 'active') acceptCompletion(v); else latest.current.singleLine?.onEnter(); return true } },
      { key: 'Escape', run: () => { latest.current.singleLine?.onEscape(); return true } },
    ]))
    const state = EditorState.create({
      doc: value,
      extensions: [
        ...(oneLine ? [lineKeys, EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr)),
          EditorView.domEventHandlers({ blur: () => { latest.current.singleLine?.onBlur() } })] : []),
        history(),
        closeBrackets(),
        keymap.of([...closeBracketsKeymap, ...completionKeymap, ...defaultKeymap, ...historyKeymap]),
        formulaLanguage,
        syntaxHighlighting(highlight),
        autocompletion({ override: [complete], icons: true }),
        linter(lint, { delay: 250 }),
        placeholderText(placeholder),
        ...(oneLine ? [compactTheme] : [EditorView.lineWrapping, theme]),
        EditorView.contentAttributes.of({ id, 'aria-multiline': oneLine ? 'false' : 'true', ...(ariaLabel ? { 'aria-label': ariaLabel } : {}) }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !update.transactions.some((tr) => tr.annotation(external))) latest.current.onChange(update.state.doc.toString())
          if (update.selectionSet || update.docChanged) latest.current.onCursor?.(update.state.selection.main.head)
        }),
      ],
    })
    const created = new EditorView({ state, parent: host.current ?? undefined })
    view.current = created
    return () => {
      created.destroy()
      view.current = null
    }
    // the editor is made once; value changes from outside arrive through the effect below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id])

  useEffect(() => {
    const v = view.current
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, annotations: external.of(true) })
  }, [value])

  useEffect(() => {
    if (!focused || !view.current) return
    view.current.focus()
    view.current.dom.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  }, [focused, id])

  useEffect(() => {
    const content = view.current?.contentDOM
    if (!content) return
    // a <label for=id> names an input, not an editable div: point the editor at the label instead
    const label = document.querySelector(`label[for="${CSS.escape(id)}"]`)
    if (label) {
      if (!label.id) label.id = `${id}-label`
      content.setAttribute('aria-labelledby', label.id)
    }
    content.setAttribute('aria-invalid', invalid ? 'true' : 'false')
    if (ariaDescription) content.setAttribute('aria-description', ariaDescription)
    else content.removeAttribute('aria-description')
  }, [id, invalid, ariaDescription])

  return <div ref={host} className={`formula-editor${invalid ? ' formula-editor-invalid' : ''}`} />
}
