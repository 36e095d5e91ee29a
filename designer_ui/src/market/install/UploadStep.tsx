import { Alert, Button, Progress, Space, Typography, Upload } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client'
import { uploadRaw } from '../../admin/uploadRaw'
import { type PackageUpload, UPLOAD_URL } from './queries'

/** Choose a .dajian file: it is uploaded and checked (limits, hashes, definition) before anything else. */
export function UploadStep({ onUploaded }: { onUploaded: (upload: PackageUpload) => void }) {
  const { t } = useTranslation()
  const [percent, setPercent] = useState<number | null>(null)
  const [error, setError] = useState<unknown>(null)
  const send = async (file: File) => {
    setError(null)
    setPercent(0)
    try {
      onUploaded(await uploadRaw<PackageUpload>(UPLOAD_URL, file, setPercent))
    } catch (caught) {
      setError(caught)
    } finally {
      setPercent(null)
    }
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('install.chooseHint')}</Typography.Text>
      <Upload
        accept=".dajian,application/zip"
        showUploadList={false}
        beforeUpload={(file) => {
          void send(file)
          return false
        }}
      >
        <Button type="primary">{t('install.chooseFile')}</Button>
      </Upload>
      {percent !== null && <Progress percent={percent} status="active" aria-label={t('install.uploading')} />}
      {error !== null && (
        <Alert
          type="error"
          showIcon
          message={t('install.refused')}
          description={
            error instanceof ApiError
              ? [error.message, ...error.errors.map((e) => (e.message === error.message ? e.path : `${e.path}: ${e.message}`))].join('\n')
              : String(error)
          }
          style={{ whiteSpace: 'pre-wrap' }}
        />
      )}
    </Space>
  )
}
