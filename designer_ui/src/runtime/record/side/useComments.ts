import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, CSRF_COOKIE, CSRF_HEADER, readCookie, unwrap, ApiError } from '../../../api/client'
import type { components } from '../../../api/schema'
import { recordKey, type RecordRef } from './recordRef'

export type Comment = components['schemas']['Comment']
export type AttachedFile = components['schemas']['FileRef']

export function useComments(ref: RecordRef) {
  return useQuery({
    queryKey: [...recordKey(ref), 'comments'],
    queryFn: async (): Promise<Comment[]> => {
      const result = await api.GET('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}/comments', {
        params: { path: { app_key: ref.appKey, form_key: ref.formKey, record_id: ref.recordId } },
      })
      return unwrap(result).items
    },
  })
}

export interface NewComment {
  body: string
  mentions: number[]
  files: number[]
}

/** Post a comment; the comments and the history (a comment is an audit entry) are read again. */
export function useAddComment(ref: RecordRef) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (comment: NewComment) =>
      unwrap(
        await api.POST('/api/v1/apps/{app_key}/forms/{form_key}/records/{record_id}/comments', {
          params: { path: { app_key: ref.appKey, form_key: ref.formKey, record_id: ref.recordId } },
          body: { ...comment, public: false },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: recordKey(ref) }),
  })
}

/** Upload one file for the next comment: the raw body, its name percent-encoded in X-Filename. */
export async function uploadCommentFile(ref: RecordRef, file: File): Promise<AttachedFile> {
  const headers: Record<string, string> = { 'X-Filename': encodeURIComponent(file.name) }
  const csrf = readCookie(CSRF_COOKIE)
  if (csrf) headers[CSRF_HEADER] = csrf
  const url = `/api/v1/apps/${encodeURIComponent(ref.appKey)}/forms/${encodeURIComponent(ref.formKey)}/comments/files`
  const response = await fetch(url, { method: 'POST', body: file, headers, credentials: 'same-origin' })
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) throw new ApiError(response.status, body)
  return body as AttachedFile
}

export function commentFileUrl(ref: RecordRef, commentId: number, fileId: number): string {
  return `/api/v1/apps/${encodeURIComponent(ref.appKey)}/forms/${encodeURIComponent(ref.formKey)}/records/${ref.recordId}/comments/${commentId}/files/${fileId}`
}
