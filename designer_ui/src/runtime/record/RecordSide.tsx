/** Beside a saved record's form: flow panel, task actions, comments, history, related lists. */
export function RecordSide(props: { appKey: string; formKey: string; recordId: string }) {
  void props
  return null
}
