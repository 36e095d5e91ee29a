/** Which record the side panel is about. */
export interface RecordRef {
  appKey: string
  formKey: string
  recordId: number
}

/** The query keys of everything shown about a record: invalidating the prefix refreshes the record
 * page and the side panel after an action. */
export function recordKey(ref: RecordRef): unknown[] {
  return ['record', ref.appKey, ref.formKey, ref.recordId]
}
