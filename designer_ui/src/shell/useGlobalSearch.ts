import { useQuery } from '@tanstack/react-query'
import { api, ApiError, unwrap } from '../api/client'
import type { NavForm } from '../api/types'

export interface SearchHit {
  id: number
  text: string
  score: number
}

export interface SearchGroup {
  form: string
  hits: SearchHit[]
}

type Item = Record<string, unknown> & { id?: number; _score?: number }

/** What to show for a hit: the readable text that holds a searched word (the title field usually does), else the first text. */
export function hitText(item: Item, words: string[]): string {
  const texts = Object.entries(item)
    .filter(([key, value]) => !key.startsWith('_') && typeof value === 'string' && value.trim() !== '')
    .map(([, value]) => (value as string).replace(/<[^>]*>/g, ' ').trim())
  const matching = texts.find((text) => words.some((word) => text.includes(word)))
  const text = matching ?? texts[0] ?? ''
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}

/**
 * The records matching `q` in every form of the app I may read, grouped by form (the search API is per form,
 * so the forms are asked side by side). A form without searchable fields answers 422 and is left out.
 */
export function useGlobalSearch(app: string, forms: NavForm[], q: string) {
  return useQuery({
    queryKey: ['apps', app, 'search', q, forms.map((f) => f.key)],
    enabled: app !== '' && q.trim() !== '' && forms.length > 0,
    staleTime: 30_000,
    queryFn: async ({ signal }): Promise<SearchGroup[]> => {
      const answers = await Promise.all(
        forms.map(async (form) => {
          try {
            const result = unwrap(
              await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/search', {
                params: { path: { app_key: app, form_key: form.key }, query: { q, limit: 5 } },
                signal,
              }),
            ) as unknown as { items: Item[]; words: string[] }
            const hits = result.items
              .filter((item) => typeof item.id === 'number')
              .map((item) => ({ id: item.id as number, text: hitText(item, result.words), score: item._score ?? 0 }))
            return { form: form.key, hits }
          } catch (error) {
            if (error instanceof ApiError && error.status === 422) return { form: form.key, hits: [] }
            throw error
          }
        }),
      )
      return answers.filter((group) => group.hits.length > 0)
    },
  })
}
