import { Alert, Button, Card, Form, Input, Tag, Timeline, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams, useSearchParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import { pickLabel } from '../core/labels'
import { PublicFrame } from './PublicFrame'
import type { SubmissionStatus } from './types'
import { usePublicForm } from './usePublicForm'

interface Lookup {
  serial: string
  contact: string
}

/** /p/:org/:app/status — the public timeline of a submission, for whoever has its number and contact. */
export function StatusPage() {
  const { org = '', app = '' } = useParams()
  const [params] = useSearchParams()
  const { t, i18n } = useTranslation()
  const formKey = params.get('form') ?? ''
  const definition = usePublicForm(org, app, formKey)
  const [found, setFound] = useState<SubmissionStatus | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [looking, setLooking] = useState(false)
  const def = formKey ? definition.data : undefined
  const statusLabel = (value: unknown) => {
    const option = def?.status_options?.find((o) => o.value === value)
    return option ? pickLabel(option.label, i18n.language, String(value)) : String(value ?? '')
  }
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' })

  const lookUp = async ({ serial, contact }: Lookup) => {
    setLooking(true)
    setError(null)
    try {
      const query = { serial: serial.trim(), contact: contact.trim() }
      setFound(unwrap(await api.GET('/api/v1/public/{org_key}/{app_key}/status', { params: { path: { org_key: org, app_key: app }, query } })))
    } catch (caught) {
      setFound(null)
      setError(caught instanceof ApiError ? caught : new ApiError(0, { detail: t('public.offline') }))
    } finally {
      setLooking(false)
    }
  }

  const contactLabel = def?.contact_label ? pickLabel(def.contact_label, i18n.language) : t('public.contact')
  return (
    <PublicFrame title={t('public.statusTitle')}>
      <Typography.Paragraph type="secondary">{t('public.statusIntro', { contact: contactLabel })}</Typography.Paragraph>
      <Form<Lookup> layout="vertical" size="large" onFinish={lookUp} initialValues={{ serial: params.get('serial') ?? '' }}>
        <Form.Item name="serial" label={t('public.ticketNumber')} rules={[{ required: true, whitespace: true, message: t('public.required', { field: t('public.ticketNumber') }) }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="contact" label={contactLabel} rules={[{ required: true, whitespace: true, message: t('public.required', { field: contactLabel }) }]}>
          <Input autoComplete="tel" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={looking}>
          {t('public.lookUp')}
        </Button>
      </Form>
      {error && (
        <Alert
          className="public-result"
          type={error.status === 429 ? 'warning' : 'error'}
          showIcon
          role="alert"
          title={error.status === 429 ? t('public.tooManyTitle') : error.status === 404 ? t('public.notFoundTitle') : t('public.sendFailed')}
          description={error.status === 429 ? t('public.tooManyLookups') : error.status === 404 ? t('public.notFound') : error.message}
        />
      )}
      {found && (
        <Card className="public-result" title={t('public.ticket', { serial: String(found.serial ?? '') })} extra={<Tag color="blue">{statusLabel(found.status)}</Tag>}>
          <section aria-label={t('public.timeline')}>
            <Timeline
              items={found.timeline.map((e) => ({
                key: `${e.at}-${e.event}-${String(e.status ?? '')}`,
                title: when(e.at),
                content:
                  e.event === 'submitted' ? t('public.eventSubmitted') : e.event === 'reply' ? e.text ?? '' : t('public.eventStatus', { status: statusLabel(e.status) }),
              }))}
            />
          </section>
        </Card>
      )}
    </PublicFrame>
  )
}
