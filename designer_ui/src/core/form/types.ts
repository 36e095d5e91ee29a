// The form definition as GET …/forms/{form}/definition gives it (generated from the server's models).
import type { components } from '../../api/schema'

export type FieldDef = components['schemas']['FieldDef']
export type FormDef = components['schemas']['FormDef']
export type LayoutSection = components['schemas']['LayoutSection']
/** A node of a cascade field's option tree (`config.tree`). */
export interface OptionNode {
  value: string
  label: Record<string, string>
  children?: OptionNode[]
}
export type RuntimeForm = components['schemas']['RuntimeForm']
export type FieldKindEntry = components['schemas']['FieldKindEntry']

/** A record's values as the record API reads and writes them (JSON). */
export type Values = Record<string, unknown>
