import { useContext, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { scopeOf, type ScopeAt, type ScopeField } from '../../core/expr/scope'
import { useValueTypes } from '../../fields/useValueTypes'
import { ExpressionScope } from './expressionScope'

/** The fields an expression may read here (the designer's scope, or `at` when given), with labels in the UI language. */
export function useScopeFields(at?: ScopeAt): ScopeField[] {
  const scope = useContext(ExpressionScope)
  const types = useValueTypes().data
  const { i18n } = useTranslation()
  const form = at?.form ?? scope.form
  const collection = at ? at.collection : scope.collection
  return useMemo(() => scopeOf(scope.doc, { form, collection }, { types: types ?? {}, locale: i18n.language }),
    [scope.doc, form, collection, types, i18n.language])
}
