import { Placeholder } from '../runtime/Placeholder'

/** /admin/* — the administrators' console. */
export function AdminRoutes() {
  return <Placeholder />
}
