// @mentions in a comment: the people picked from the suggestion list whose "@name" is still in the
// text when it is sent (deleting the text drops the mention).
export interface Person {
  id: number
  name: string
}

export function mentionedIds(text: string, picked: Person[]): number[] {
  const ids: number[] = []
  for (const person of picked) {
    if (text.includes(`@${person.name}`) && !ids.includes(person.id)) ids.push(person.id)
  }
  return ids
}
