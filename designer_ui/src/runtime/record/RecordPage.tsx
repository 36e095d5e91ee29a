import { Placeholder } from '../Placeholder'

/** /a/:app/forms/:form/new and /a/:app/forms/:form/records/:record — the record page. */
export function RecordPage() {
  return <Placeholder />
}
