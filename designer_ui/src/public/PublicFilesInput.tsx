import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons'
import { Button, Progress, Typography, Upload } from 'antd'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatBytes, UploadError, uploadRaw } from '../core/upload'
import type { PublicField, PublicUpload } from './types'

interface Props {
  field: PublicField
  label: string
  /** the public upload route of this field */
  url: string
  id?: string
  value?: unknown
  onChange?: (value: unknown) => void
  disabled?: boolean
}

interface Sending {
  uid: string
  name: string
  size: number
  percent: number
}

const DEFAULT_MAX_FILES = 10 // the server's cap when the field sets none
const REASONS: Record<number, string> = { 0: 'public.offline', 413: 'public.uploadTooLarge', 422: 'public.uploadRefused', 429: 'public.tooManyUploads' }

/** Why an upload failed, in the visitor's language; the server's own words for anything unforeseen. */
function reason(error: UploadError, t: (key: string) => string): string {
  const key = REASONS[error.status]
  return key ? t(key) : (error.problems[0]?.message ?? error.message)
}

/** Attachments on a public form: each file goes up at once with its progress; the form submits the
 * uploads' tokens, which bind them to this submission. */
export function PublicFilesInput({ field, label, url, id, value, onChange, disabled }: Props) {
  const { t } = useTranslation()
  const files = useMemo(() => (Array.isArray(value) ? (value as PublicUpload[]) : []), [value])
  // uploads finish in any order: each adds to the latest list, not to the one it started with
  const latest = useRef(files)
  useEffect(() => {
    latest.current = files
  }, [files])
  const [sending, setSending] = useState<Sending[]>([])
  const [problems, setProblems] = useState<string[]>([])
  const config = (field.config ?? {}) as { accept?: string[]; max_files?: number }
  const maxFiles = config.max_files ?? DEFAULT_MAX_FILES
  const maxBytes = field.upload_max_bytes ?? undefined
  const images = field.kind === 'image'

  const send = (file: File, uid: string) => {
    if (maxBytes !== undefined && file.size > maxBytes) {
      setProblems((p) => [...p, t('public.fileTooLarge', { name: file.name, size: formatBytes(maxBytes) })])
      return
    }
    if (latest.current.length + sending.length >= maxFiles) {
      setProblems((p) => [...p, t('public.tooManyFiles', { count: maxFiles })])
      return
    }
    const progress = (percent: number) => setSending((s) => s.map((f) => (f.uid === uid ? { ...f, percent } : f)))
    setSending((s) => [...s, { uid, name: file.name, size: file.size, percent: 0 }])
    uploadRaw(url, file, progress)
      .then((stored) => {
        latest.current = [...latest.current, stored as PublicUpload]
        onChange?.(latest.current)
      })
      .catch((caught: unknown) => {
        const message = caught instanceof UploadError ? reason(caught, t) : String(caught)
        setProblems((p) => [...p, t('public.uploadFailed', { name: file.name, message })])
      })
      .finally(() => setSending((s) => s.filter((f) => f.uid !== uid)))
  }

  const remove = (fileId: number) => {
    latest.current = latest.current.filter((f) => f.id !== fileId)
    onChange?.(latest.current)
  }

  return (
    <div className="public-files">
      <Upload
        id={id}
        disabled={disabled}
        multiple
        showUploadList={false}
        accept={config.accept?.join(',') ?? (images ? 'image/*' : undefined)}
        customRequest={({ file }) => {
          setProblems([])
          const raw = file as File & { uid: string } // antd gives every chosen file a uid
          send(raw, raw.uid)
        }}
      >
        <Button icon={<UploadOutlined aria-hidden />} disabled={disabled} block>
          {t(images ? 'public.addImages' : 'public.addFiles')}
        </Button>
      </Upload>
      <Typography.Text type="secondary" className="public-files-hint">
        {maxBytes !== undefined
          ? t('public.filesHint', { count: maxFiles, size: formatBytes(maxBytes) })
          : t('public.filesHintCount', { count: maxFiles })}
      </Typography.Text>
      <ul className="public-files-list" aria-label={t('public.filesOf', { field: label })}>
        {files.map((f) => (
          <li key={f.id}>
            <PaperClipOutlined aria-hidden />
            <span className="public-files-name">{f.name}</span>
            <span className="public-files-size">{formatBytes(f.size)}</span>
            <Progress percent={100} size="small" status="success" aria-label={t('public.uploadProgress', { name: f.name })} />
            <Button size="small" type="link" danger disabled={disabled} onClick={() => remove(f.id)} aria-label={t('public.removeFile', { name: f.name })}>
              {t('public.remove')}
            </Button>
          </li>
        ))}
        {sending.map((f) => (
          <li key={f.uid}>
            <PaperClipOutlined aria-hidden />
            <span className="public-files-name">{f.name}</span>
            <span className="public-files-size">{formatBytes(f.size)}</span>
            <Progress percent={f.percent} size="small" status="active" aria-label={t('public.uploadProgress', { name: f.name })} />
          </li>
        ))}
      </ul>
      {problems.map((p, i) => (
        <div key={i} role="alert" className="public-files-problem">
          {p}
        </div>
      ))}
    </div>
  )
}
