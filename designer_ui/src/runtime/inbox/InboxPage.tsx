import { Placeholder } from '../Placeholder'

/** /a/:app/inbox — my tasks: to do, done, copied to me. */
export function InboxPage() {
  return <Placeholder />
}
