import { useTranslation } from 'react-i18next'
import { explainProblem, type Problem } from '../core/expr/diagnostics'

/** A parser problem in words of the UI's language, with its line and column ("第 1 行第 9 列：…"). */
export function useExplainProblem(): (problem: Problem) => string {
  const { t } = useTranslation()
  return (p: Problem): string => {
    const known = explainProblem(p.reason)
    return t('formula.error.at', { line: p.line, column: p.column, message: known ? t(`formula.error.${known.key}`, known.values) : p.reason })
  }
}
