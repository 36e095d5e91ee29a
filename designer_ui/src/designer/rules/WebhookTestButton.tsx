import { SendOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { Alert, Button, Descriptions, Form, Modal, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client'
import type { Obj } from '../../core/design/rules'
import { RecordPicker } from './RecordPicker'
import { testWebhook } from './rulesApi'
import type { RuleScope } from './useRuleScope'

interface Props {
  appKey: string
  form: string | null
  scope: RuleScope
  action: Obj
}

/** One test delivery of a webhook action now (its payload rendered on a record), through the server's address guard. */
export function WebhookTestButton({ appKey, form, scope, action }: Props) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [record, setRecord] = useState<number | null>(null)
  const send = useMutation({ mutationFn: () => testWebhook(appKey, {
    ...(typeof action.subscription === 'string' ? { subscription: action.subscription } : { url: String(action.url ?? '') }),
    ...(typeof action.payload === 'object' && action.payload !== null ? { payload: action.payload as Record<string, unknown> } : {}),
    ...(form && record !== null ? { form, record_id: record } : {}),
  }) })
  const answer = send.data
  return <>
    <Button size="small" icon={<SendOutlined />} onClick={() => setOpen(true)}>{t('designer.rules.webhook.button')}</Button>
    <Modal open={open} title={t('designer.rules.webhook.title')} onCancel={() => setOpen(false)} width={640} destroyOnHidden
      okText={t('designer.rules.webhook.send')} cancelText={t('designer.close')} onOk={() => send.mutate()}
      okButtonProps={{ loading: send.isPending }}>
      <Typography.Paragraph type="secondary">{t('designer.rules.webhook.hint')}</Typography.Paragraph>
      <Form layout="vertical" component="div">
        <Form.Item label={t('designer.rules.record.label')} htmlFor="webhook-test-record">
          <RecordPicker id="webhook-test-record" appKey={appKey} form={form ?? ''} titleField={scope.titleField(form)} value={record}
            onChange={setRecord} />
        </Form.Item>
      </Form>
      {send.isError && <Alert type="error" showIcon message={send.error instanceof ApiError ? send.error.message : String(send.error)} />}
      {answer && <Descriptions bordered size="small" column={1} items={[
        { key: 'url', label: t('designer.rules.webhook.url'), children: answer.url },
        { key: 'status', label: t('designer.rules.webhook.status'), children: <Tag color={answer.ok ? 'green' : 'red'}>
          {answer.status ?? t('designer.rules.webhook.noAnswer')}</Tag> },
        ...(answer.error ? [{ key: 'error', label: t('designer.rules.webhook.error'), children: answer.error }] : []),
        { key: 'payload', label: t('designer.rules.webhook.payload'), children: <pre className="rules-pre">{JSON.stringify(answer.payload, null, 2)}</pre> },
        ...(answer.response ? [{ key: 'response', label: t('designer.rules.webhook.response'), children: <pre className="rules-pre">{answer.response}</pre> }] : []),
      ]} />}
    </Modal>
  </>
}
