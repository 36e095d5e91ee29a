import { useQuery } from '@tanstack/react-query'
import { first, loadCatalog } from './designerApi'

/** The server's palettes (field kinds and groups, …); it changes only with the server's version. */
export function useCatalog() {
  return useQuery({ queryKey: ['catalog'], queryFn: () => first('catalog', loadCatalog), staleTime: Infinity })
}
