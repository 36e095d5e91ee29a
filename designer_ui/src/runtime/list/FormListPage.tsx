import { Placeholder } from '../Placeholder'

/** /a/:app/forms/:form — the form's list view (list, kanban, calendar). */
export function FormListPage() {
  return <Placeholder />
}
