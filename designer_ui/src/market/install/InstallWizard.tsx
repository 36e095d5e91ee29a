import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, Button, Checkbox, Modal, Progress, Result, Space, Steps, Typography } from 'antd'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { api, ApiError, unwrap } from '../../api/client'
import { pickLabel } from '../../core/labels'
import { CreatesList } from './CreatesList'
import { PackageSummary } from './PackageSummary'
import { JobProgress } from './JobProgress'
import { INSTALLS_KEY, type InstallPreview, type PackageUpload } from './queries'
import { UploadStep } from './UploadStep'
import { useInstallJob } from './useInstallJob'

function Failure({ error }: { error: unknown }) {
  const { t } = useTranslation()
  const lines = error instanceof ApiError ? error.errors.map((e) => `${e.path}: ${e.message}`) : []
  return (
    <Alert
      type="error"
      showIcon
      message={error instanceof Error ? error.message : t('install.failed')}
      description={lines.join('\n') || undefined}
      style={{ whiteSpace: 'pre-wrap' }}
    />
  )
}

/** Install a package: choose the file → preview (what it creates, the plan) → options → progress → done.
 *  `start`: a package already uploaded (from the template center): the wizard, mounted with it, opens at its preview. */
export function InstallWizard({ open, onClose, start }: { open: boolean; onClose: () => void; start?: PackageUpload | null }) {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [step, setStep] = useState(start ? 1 : 0)
  const [uploaded, setUploaded] = useState<PackageUpload | null>(start ?? null)
  const [preview, setPreview] = useState<InstallPreview | null>(null)
  const [allowUnsigned, setAllowUnsigned] = useState(false)
  const [demo, setDemo] = useState(false)
  const [jobId, setJobId] = useState<number | null>(null)
  const job = useInstallJob(jobId).data
  const loadPreview = useMutation({
    mutationFn: async (digest: string) =>
      unwrap(await api.POST('/api/v1/admin/market/packages/{digest}/install-preview', { params: { path: { digest } } })),
    onSuccess: (answer) => setPreview(answer),
  })
  const install = useMutation({
    mutationFn: async (digest: string) =>
      unwrap(
        await api.POST('/api/v1/admin/market/packages/{digest}/install', {
          params: { path: { digest } },
          body: { allow_unsigned: allowUnsigned, demo },
        }),
      ),
    onSuccess: (queued) => setJobId(queued.id),
    onError: () => setStep(2),
  })
  const succeeded = job?.state === 'succeeded'
  useEffect(() => {
    if (!succeeded) return
    void queryClient.invalidateQueries({ queryKey: INSTALLS_KEY })
    void queryClient.invalidateQueries({ queryKey: ['apps'] })
  }, [succeeded, queryClient])
  const current = succeeded && step === 3 ? 4 : step // the job's end moves the wizard on
  const formLabels = useMemo(
    () => Object.fromEntries((preview?.creates.forms ?? []).map((f) => [f.key ?? '', f.label ? pickLabel(f.label, i18n.language, f.key ?? '') : (f.key ?? '')])),
    [preview, i18n.language],
  )
  const { mutate: previewPackage } = loadPreview
  useEffect(() => {
    if (start) previewPackage(start.id)
  }, [start, previewPackage])
  const close = () => {
    setStep(0)
    setUploaded(null)
    setPreview(null)
    setAllowUnsigned(false)
    setDemo(false)
    setJobId(null)
    install.reset()
    loadPreview.reset()
    onClose()
  }
  const trusted = uploaded?.signature.status === 'trusted'
  const steps = ['choose', 'preview', 'options', 'progress', 'done'].map((key) => ({ title: t(`install.steps.${key}`) }))
  return (
    <Modal open={open} title={t('install.title')} onCancel={close} footer={null} width={820} destroyOnClose>
      <Steps current={current} items={steps} size="small" style={{ marginBottom: 16 }} />
      {current === 0 && (
        <UploadStep
          onUploaded={(answer) => {
            setUploaded(answer)
            setStep(1)
            loadPreview.mutate(answer.id)
          }}
        />
      )}
      {current === 1 && uploaded && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <PackageSummary upload={uploaded} />
          {uploaded.app_exists && <Alert type="warning" showIcon message={t('install.exists')} />}
          {loadPreview.isPending && <Progress percent={100} status="active" showInfo={false} aria-label={t('install.previewing')} />}
          {loadPreview.error && <Failure error={loadPreview.error} />}
          {preview && <CreatesList creates={preview.creates} />}
          {preview && uploaded.demo_data && (
            <Checkbox checked={demo} onChange={(event) => setDemo(event.target.checked)}>
              {t('install.demo.option')}
              <Typography.Text type="secondary" style={{ display: 'block' }}>
                {t('install.demo.holds', {
                  departments: uploaded.demo_data.departments,
                  users: uploaded.demo_data.users,
                  records: uploaded.demo_data.records.reduce((sum, r) => sum + r.count, 0),
                })}
                {(uploaded.demo_data.generated ?? []).length > 0 && ` ${t('install.demo.generated', {
                  generated: (uploaded.demo_data.generated ?? []).reduce((sum, r) => sum + r.count, 0) })}`}
              </Typography.Text>
            </Checkbox>
          )}
          <Space>
            <Button onClick={close}>{t('install.cancel')}</Button>
            <Button type="primary" disabled={!preview || uploaded.app_exists} onClick={() => setStep(2)}>
              {t('install.next')}
            </Button>
          </Space>
        </Space>
      )}
      {current === 2 && uploaded && (
        <Space direction="vertical" style={{ width: '100%' }}>
          {!trusted && (
            <Alert
              type="warning"
              showIcon
              message={t(`install.signature.${uploaded.signature.status}`)}
              description={
                <Checkbox checked={allowUnsigned} onChange={(event) => setAllowUnsigned(event.target.checked)}>
                  {t('install.allowUnsigned')}
                </Checkbox>
              }
            />
          )}
          {trusted && <Alert type="success" showIcon message={t('install.readyTrusted')} />}
          {demo && <Alert type="info" showIcon message={t('install.demo.chosen')} />}
          {install.error && <Failure error={install.error} />}
          <Space>
            <Button onClick={() => setStep(1)}>{t('install.back')}</Button>
            <Button
              type="primary"
              disabled={!trusted && !allowUnsigned}
              onClick={() => {
                setStep(3)
                install.mutate(uploaded.id)
              }}
            >
              {t('install.install')}
            </Button>
          </Space>
        </Space>
      )}
      {current === 3 && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <JobProgress job={job} formLabels={formLabels} />
          {job?.state === 'failed' && (
            <Space>
              <Button
                onClick={() => {
                  setJobId(null)
                  install.reset()
                  setStep(2)
                }}
              >
                {t('install.back')}
              </Button>
              <Button onClick={close}>{t('install.cancel')}</Button>
            </Space>
          )}
        </Space>
      )}
      {current === 4 && job?.result && (
        <Result
          status="success"
          title={t('install.done', { version: job.result.version })}
          subTitle={[job.result.demo_data ? t('install.demo.installed') : null, job.result.warning].filter(Boolean).join(' ') || undefined}
          extra={[
            <Button key="open" type="primary" onClick={() => navigate(`/a/${job.app}`)}>
              {t('install.openApp')}
            </Button>,
            <Button key="close" onClick={close}>
              {t('install.close')}
            </Button>,
          ]}
        />
      )}
    </Modal>
  )
}
