import type { ComponentType } from 'react'
import type { FieldDef } from '../core/form/types'

/** What every widget may need besides its value: where the record lives and the form's data. */
export interface FieldContext {
  appKey: string
  formKey: string
  locale: string
  /** Display names of linked records, from the record's `_display`. */
  display: Record<string, string>
  /** A picker names the record it linked, so the page shows it before the save answers. */
  setDisplay: (key: string, label: string) => void
}

export interface EditProps {
  field: FieldDef
  /** The widget value (src/core/form/values.ts toWidget). */
  value: unknown
  onChange: (value: unknown) => void
  /** The id of the input the field's label points at. */
  id: string
  disabled: boolean
  invalid: boolean
  ctx: FieldContext
}

export interface DisplayProps {
  field: FieldDef
  value: unknown
  ctx: FieldContext
}

export interface FieldWidget {
  edit: ComponentType<EditProps> | null // null: computed by the server or the form, never typed in
  display: ComponentType<DisplayProps>
}
