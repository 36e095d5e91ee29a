import { Alert, Progress, Space, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { jobBar, tableName } from '../../core/market/installJob'
import type { InstallJob } from './queries'

/** An install or upgrade job under way: the bar of steps done and the step's name; its error once it failed
 *  (nothing of it was stored). `formLabels`: the package's form labels by key, to name the tables. */
export function JobProgress({ job, formLabels }: { job: InstallJob | undefined; formLabels: Readonly<Record<string, string>> }) {
  const { t } = useTranslation()
  const bar = jobBar(job)
  const failed = job?.state === 'failed'
  const name = (form: string | null) => (form ? tableName(form, formLabels) : '')
  const stepText = bar?.step
    ? t(`install.job.steps.${bar.step}`, { form: name(bar.form), count: bar.count ?? 0 })
    : t(job?.state === 'succeeded' ? 'install.job.finished' : 'install.job.waiting')
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Progress
        percent={bar?.percent ?? 0}
        status={failed ? 'exception' : job?.state === 'succeeded' ? 'success' : 'active'}
        aria-label={t(job?.action === 'upgrade' ? 'install.job.upgrading' : 'install.installing')}
      />
      <Typography.Text>
        {bar?.step ? t('install.job.stepOf', { n: Math.min(bar.done + 1, bar.total), total: bar.total }) : ''}
        {stepText}
      </Typography.Text>
      {failed && job.error && (
        <Alert
          type="error"
          showIcon
          message={t('install.job.failed', { detail: job.error.detail })}
          description={(job.error.errors ?? []).map((e) => `${String(e.path)}: ${String(e.message)}`).join('\n') || undefined}
          style={{ whiteSpace: 'pre-wrap' }}
        />
      )}
    </Space>
  )
}
