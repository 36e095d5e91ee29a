import type { Person } from './mentions'

/** A person's name; `outsider` names user 0, who acts for anonymous channels (a public form). */
export function nameOf(people: Person[] | undefined, id: number | null | undefined, outsider?: string): string {
  if (id === null || id === undefined) return '—'
  if (id === 0 && outsider !== undefined) return outsider
  return people?.find((p) => p.id === id)?.name ?? `#${id}`
}
