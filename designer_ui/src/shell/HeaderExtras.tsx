/** The header's runtime tools before the language switch: global search and the notification bell. */
export function HeaderExtras() {
  return null
}
