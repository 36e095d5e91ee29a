import { Alert, Progress, Space, Steps, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import { jobBar, jobSteps, tableName } from '../../core/market/installJob'
import type { InstallJob } from './queries'

function isLabel(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string')
}

/** An install or upgrade job under way: the bar of steps done, the step under way by name and every planned
 *  step with where it stands; the error once it failed (nothing of it was stored). `formLabels`: the
 *  package's form labels by key, to name the tables (the plan's own labels win). */
export function JobProgress({ job, formLabels }: { job: InstallJob | undefined; formLabels: Readonly<Record<string, string>> }) {
  const { t, i18n } = useTranslation()
  const bar = jobBar(job)
  const labels: Record<string, string> = { ...formLabels }
  for (const planned of job?.progress?.plan ?? []) {
    const { form, label } = planned.params ?? {}
    if (typeof form === 'string' && isLabel(label)) labels[form] = pickLabel(label, i18n.language, form)
  }
  const failed = job?.state === 'failed'
  const title = (step: string, form: string | null, count: number | null) =>
    t(`install.job.steps.${step}`, { form: form ? tableName(form, labels) : '', count: count ?? 0 })
  const current = bar?.step ? `${t('install.job.stepOf', { n: Math.min(bar.done + 1, bar.total), total: bar.total })}${title(bar.step, bar.form, bar.count)}` : null
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Progress
        percent={bar?.percent ?? 0}
        status={failed ? 'exception' : job?.state === 'succeeded' ? 'success' : 'active'}
        aria-label={t(job?.action === 'upgrade' ? 'install.job.upgrading' : 'install.installing')}
      />
      <Typography.Text strong>{current ?? t(job?.state === 'succeeded' ? 'install.job.finished' : 'install.job.waiting')}</Typography.Text>
      <Steps
        direction="vertical"
        size="small"
        items={jobSteps(job).map((line) => ({ title: title(line.step, line.form, line.count), status: line.status }))}
      />
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
