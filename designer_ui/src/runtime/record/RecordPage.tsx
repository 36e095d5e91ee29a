import { Skeleton } from 'antd'
import { lazy, Suspense } from 'react'

// The widgets of every field kind (pickers, upload, cascader, grids) load with the first record
// opened, not with the runtime's first screen (login → list).
const RecordScreen = lazy(() => import('./RecordScreen'))

/** /a/:app/forms/:form/new and /a/:app/forms/:form/records/:record — the record page. */
export function RecordPage() {
  return <Suspense fallback={<Skeleton active />}><RecordScreen /></Suspense>
}
