import { UploadOutlined } from '@ant-design/icons'
import { Button, Image, Progress, Space, Upload } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { CSRF_COOKIE, CSRF_HEADER, readCookie } from '../api/client'
import type { DisplayProps, EditProps } from './types'

export interface StoredFile { id: number; name: string; size?: number; mime?: string; sha256: string }

const fileUrl = (f: StoredFile) => `/api/v1/files/${f.id}`
const isImage = (f: StoredFile) => (f.mime ?? '').startsWith('image/')

/** POST the raw file to the field's upload route, reporting progress (fetch cannot). */
function upload(p: EditProps, file: File, onProgress: (percent: number) => void): Promise<StoredFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/v1/apps/${p.ctx.appKey}/forms/${p.ctx.formKey}/fields/${p.field.key}/files`)
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name))
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    const token = readCookie(CSRF_COOKIE)
    if (token) xhr.setRequestHeader(CSRF_HEADER, token)
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100))
    xhr.onload = () => {
      try {
        const body = JSON.parse(xhr.responseText) as StoredFile & { detail?: string }
        if (xhr.status < 300) resolve(body)
        else reject(new Error(body.detail ?? `HTTP ${xhr.status}`))
      } catch {
        reject(new Error(`HTTP ${xhr.status}`))
      }
    }
    xhr.onerror = () => reject(new Error('network'))
    xhr.send(file)
  })
}

export function FilesEdit(p: EditProps) {
  const { t } = useTranslation()
  const [progress, setProgress] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const files = p.value as StoredFile[]
  const images = p.field.kind === 'image'
  return <div>
    <Upload id={p.id} disabled={p.disabled} showUploadList={false} accept={images ? 'image/*' : undefined} multiple
      customRequest={({ file }) => {
        setError(null)
        setProgress(0)
        upload(p, file as File, setProgress)
          .then((stored) => p.onChange([...(p.value as StoredFile[]), stored]))
          .catch((e: Error) => setError(e.message))
          .finally(() => setProgress(null))
      }}>
      <Button icon={<UploadOutlined />} disabled={p.disabled}>{t(images ? 'fields.uploadImage' : 'fields.upload')}</Button>
    </Upload>
    {progress !== null && <Progress percent={progress} size="small" aria-label={t('fields.uploading')} />}
    {error && <div role="alert" style={{ color: '#cf1322' }}>{error}</div>}
    <FileList files={files} onRemove={p.disabled ? undefined : (id) => p.onChange(files.filter((f) => f.id !== id))} />
  </div>
}

function FileList({ files, onRemove }: { files: StoredFile[]; onRemove?: (id: number) => void }) {
  const { t } = useTranslation()
  return <Space wrap style={{ marginTop: 4 }}>
    {files.map((f) => <Space key={f.id} size={4}>
      {isImage(f) ? <Image src={fileUrl(f)} alt={f.name} width={64} height={64} style={{ objectFit: 'cover' }} />
        : <a href={fileUrl(f)} target="_blank" rel="noreferrer">{f.name}</a>}
      {onRemove && <Button size="small" type="text" aria-label={t('fields.removeFile', { name: f.name })}
        onClick={() => onRemove(f.id)}>×</Button>}
    </Space>)}
  </Space>
}

export function FilesDisplay(p: DisplayProps) {
  return <FileList files={Array.isArray(p.value) ? (p.value as StoredFile[]) : []} />
}
