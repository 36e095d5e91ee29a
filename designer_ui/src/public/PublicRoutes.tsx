import { Placeholder } from '../runtime/Placeholder'

/** /p/:org/:app/* — the pages customers reach without signing in. */
export function PublicRoutes() {
  return <Placeholder />
}
