import { useQuery } from '@tanstack/react-query'
import { versionDefinition } from './designerApi'

/** The current published version's definition (null before the first publish). */
export function usePublishedDefinition(appKey: string, version: number | null | undefined) {
  return useQuery({
    queryKey: ['design', appKey, 'versions', version ?? 0],
    queryFn: async () => (version ? versionDefinition(appKey, version) : null),
    staleTime: Infinity,
  })
}
