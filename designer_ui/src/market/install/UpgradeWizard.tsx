import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, Button, List, Modal, Progress, Result, Space, Steps, Tag, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError, unwrap } from '../../api/client'
import { type Resolutions, relevant, unresolved } from '../../core/market/conflicts'
import { ConflictTable } from './ConflictTable'
import { PackageSummary } from './PackageSummary'
import { JobProgress } from './JobProgress'
import { INSTALLS_KEY, type PackageUpload, type UpgradePreview } from './queries'
import { UploadStep } from './UploadStep'
import { useInstallJob } from './useInstallJob'

function Failure({ error }: { error: unknown }) {
  const lines = error instanceof ApiError ? error.errors.map((e) => `${e.path}: ${e.message}`) : []
  return <Alert type="error" showIcon message={error instanceof Error ? error.message : String(error)} description={lines.join('\n') || undefined} />
}

const NO_LABELS: Readonly<Record<string, string>> = {}

/** The migration plan: per form, the steps the new version takes on its table. */
function PlanList({ preview }: { preview: UpgradePreview }) {
  const { t } = useTranslation()
  const changed = preview.plan.plan.filter((form) => form.steps.length > 0)
  return (
    <List
      size="small"
      header={<Typography.Text strong>{t('install.upgrade.plan')}</Typography.Text>}
      dataSource={changed}
      locale={{ emptyText: t('install.upgrade.noTableChanges') }}
      renderItem={(form) => (
        <List.Item>
          <Space wrap size={4}>
            <Typography.Text strong>{form.form}</Typography.Text>
            {form.steps.map((step, i) => (
              <Tag key={i} color={step.ddl ? 'orange' : 'default'}>
                {step.op}
                {step.field ? ` ${step.field}` : ''}
              </Tag>
            ))}
          </Space>
        </List.Item>
      )}
    />
  )
}

/** Upgrade an installed app: choose the newer package → plan and conflicts (choose local or new) → apply → done. */
export function UpgradeWizard({ app, onClose }: { app: string | null; onClose: () => void }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [step, setStep] = useState(0)
  const [uploaded, setUploaded] = useState<PackageUpload | null>(null)
  const [chosen, setChosen] = useState<Resolutions>({})
  const [allowUnsigned, setAllowUnsigned] = useState(false)
  const [jobId, setJobId] = useState<number | null>(null)
  const job = useInstallJob(jobId).data
  const preview = useMutation({
    mutationFn: async ({ digest, resolutions }: { digest: string; resolutions: Resolutions }) =>
      unwrap(
        await api.POST('/api/v1/admin/market/installs/{app_key}/upgrade-preview/{digest}', {
          params: { path: { app_key: app ?? '', digest } },
          body: { resolutions, allow_unsigned: allowUnsigned },
        }),
      ),
  })
  const apply = useMutation({
    mutationFn: async (plan: UpgradePreview) =>
      unwrap(
        await api.POST('/api/v1/admin/market/installs/{app_key}/upgrade/{digest}', {
          params: { path: { app_key: app ?? '', digest: plan.id } },
          body: { resolutions: relevant(plan.conflicts, chosen), expected_version: plan.expected_version, allow_unsigned: allowUnsigned },
        }),
      ),
    onSuccess: (queued) => setJobId(queued.id),
    onError: () => setStep(1),
  })
  const succeeded = job?.state === 'succeeded'
  useEffect(() => {
    if (!succeeded) return
    void queryClient.invalidateQueries({ queryKey: INSTALLS_KEY })
  }, [succeeded, queryClient])
  const current = succeeded && step === 2 ? 3 : step // the job's end moves the wizard on
  const close = () => {
    setStep(0)
    setUploaded(null)
    setChosen({})
    setAllowUnsigned(false)
    setJobId(null)
    preview.reset()
    apply.reset()
    onClose()
  }
  const plan = preview.data
  const open = plan ? unresolved(plan.conflicts, chosen) : []
  const trusted = uploaded?.signature.status === 'trusted'
  const steps = ['choose', 'plan', 'progress', 'done'].map((key) => ({ title: t(`install.upgrade.steps.${key}`) }))
  return (
    <Modal open={app !== null} title={t('install.upgrade.title', { app })} onCancel={close} footer={null} width={960} destroyOnClose>
      <Steps current={current} items={steps} size="small" style={{ marginBottom: 16 }} />
      {current === 0 && (
        <UploadStep
          onUploaded={(answer) => {
            setUploaded(answer)
            setStep(1)
            preview.mutate({ digest: answer.id, resolutions: {} })
          }}
        />
      )}
      {current === 1 && uploaded && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <PackageSummary upload={uploaded} />
          {preview.isPending && <Progress percent={100} status="active" showInfo={false} aria-label={t('install.previewing')} />}
          {preview.error && <Failure error={preview.error} />}
          {apply.error && <Failure error={apply.error} />}
          {plan && (
            <>
              <Alert
                type={plan.bump && plan.bump !== 'patch' ? 'info' : 'success'}
                showIcon
                message={t('install.upgrade.fromTo', { from: plan.from_version, to: plan.to_version })}
                description={plan.breaking.map((b) => `${b.path}: ${b.message}`).join('\n') || undefined}
              />
              <PlanList preview={plan} />
              {plan.running_instances.length > 0 && (
                <Alert
                  type="info"
                  showIcon
                  message={t('install.upgrade.running', {
                    count: plan.running_instances.reduce((sum, r) => sum + r.running, 0),
                  })}
                />
              )}
              <Typography.Text strong>{t('install.upgrade.keptLocal', { count: plan.kept_local.length })}</Typography.Text>
              {plan.kept_local.length > 0 && (
                <Space wrap size={4}>
                  {plan.kept_local.map((path) => (
                    <Tag key={path} color="blue">
                      {path}
                    </Tag>
                  ))}
                </Space>
              )}
              {plan.conflicts.length > 0 ? (
                <>
                  <Alert type="warning" showIcon message={t('install.upgrade.conflicts', { count: plan.conflicts.length })} />
                  <ConflictTable conflicts={plan.conflicts} chosen={chosen} onChoose={(path, side) => setChosen({ ...chosen, [path]: side })} />
                </>
              ) : (
                <Alert type="success" showIcon message={t('install.upgrade.noConflicts')} />
              )}
              {!trusted && (
                <Alert
                  type="warning"
                  showIcon
                  message={t(`install.signature.${uploaded.signature.status}`)}
                  action={
                    <Button size="small" onClick={() => setAllowUnsigned(!allowUnsigned)} aria-pressed={allowUnsigned}>
                      {t('install.allowUnsigned')}
                    </Button>
                  }
                />
              )}
              <Space>
                <Button onClick={close}>{t('install.cancel')}</Button>
                <Button
                  type="primary"
                  disabled={open.length > 0 || (!trusted && !allowUnsigned)}
                  onClick={() => {
                    setStep(2)
                    apply.mutate(plan)
                  }}
                >
                  {t('install.upgrade.apply')}
                </Button>
              </Space>
            </>
          )}
        </Space>
      )}
      {current === 2 && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <JobProgress job={job} formLabels={NO_LABELS} />
          {job?.state === 'failed' && (
            <Space>
              <Button
                onClick={() => {
                  setJobId(null)
                  apply.reset()
                  setStep(1)
                }}
              >
                {t('install.back')}
              </Button>
              <Button onClick={close}>{t('install.cancel')}</Button>
            </Space>
          )}
        </Space>
      )}
      {current === 3 && job?.result && (
        <Result
          status="success"
          title={t('install.upgrade.done', { version: job.result.version })}
          subTitle={t('install.upgrade.keptLocal', { count: job.result.kept_local?.length ?? 0 })}
          extra={<Button onClick={close}>{t('install.close')}</Button>}
        />
      )}
    </Modal>
  )
}
