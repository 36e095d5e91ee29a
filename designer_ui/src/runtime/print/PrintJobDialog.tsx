import { DownloadOutlined } from '@ant-design/icons'
import { Alert, Button, Modal, Progress, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { printJobBar, printJobFileUrl } from '../../core/print/printJob'
import { usePrintJob } from './usePrintJob'

/** A selection's PDF being made in the background: the records rendered so far, then the download. */
export function PrintJobDialog({ app, jobId, name, onClose }: { app: string; jobId: number | null; name: string; onClose: () => void }) {
  const { t } = useTranslation()
  const job = usePrintJob(app, jobId)
  const data = job.data
  const bar = printJobBar(data)
  const file = printJobFileUrl(data)
  const failed = data?.state === 'failed' || job.isError
  return (
    <Modal
      open={jobId !== null}
      title={t('print.run.jobTitle', { name })}
      onCancel={onClose}
      footer={[
        <Button key="close" onClick={onClose}>{t('print.run.close')}</Button>,
        file && <Button key="download" type="primary" icon={<DownloadOutlined aria-hidden />} href={file} download>{t('print.run.download')}</Button>,
      ]}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Progress percent={bar.percent} status={failed ? 'exception' : file ? 'success' : 'active'} aria-label={t('print.run.jobProgress')} />
        <Typography.Text>
          {file
            ? t('print.run.jobDone', { count: bar.count, pages: data?.pages ?? 0 })
            : data?.state === 'running'
              ? t('print.run.jobRunning', { done: bar.done, count: bar.count })
              : failed ? null : t('print.run.jobQueued', { count: bar.count })}
        </Typography.Text>
        {!file && !failed && <Typography.Text type="secondary">{t('print.run.jobHint')}</Typography.Text>}
        {failed && <Alert type="error" showIcon message={t('print.run.jobFailed', { detail: data?.error?.detail ?? job.error?.message ?? '' })} />}
      </Space>
    </Modal>
  )
}
