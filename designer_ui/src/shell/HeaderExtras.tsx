import { useParams } from 'react-router'
import { GlobalSearch } from './GlobalSearch'
import { NotificationBell } from './NotificationBell'
import './header.css'

/** The header's runtime tools before the language switch: global search (inside an app) and the notification bell. */
export function HeaderExtras() {
  const { app } = useParams()
  return (
    <>
      {app && <GlobalSearch app={app} />}
      <NotificationBell />
    </>
  )
}
