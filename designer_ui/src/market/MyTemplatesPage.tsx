import { UploadOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App as AntApp, Button, Card, Form, Input, Skeleton, Space, Table, Tag, Typography, Upload } from 'antd'
import { useTranslation } from 'react-i18next'
import { uploadRaw } from '../admin/uploadRaw'
import { api, unwrap } from '../api/client'
import { ErrorState } from '../runtime/ErrorState'
import { ChecksPanel, VersionEvents } from './ChecksPanel'
import { MARKET_KEY, PUBLISHER_ACTIONS, STATE_COLOR, type TemplateVersion, UPLOAD_VERSION_URL } from './queries'
import { useAct } from './useAct'
import { useCenterMe } from './useCenterMe'
import { useMyVersions } from './useMyVersions'

interface ProfileValues { name: string; site?: string; description?: string }

function ProfileForm({ initial }: { initial?: ProfileValues }) {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const save = useMutation({
    mutationFn: async (body: ProfileValues) => unwrap(await api.PUT('/api/v1/market/me/publisher', { body })),
    onSuccess: async () => {
      message.success(t('market.profileSaved'))
      await queryClient.invalidateQueries({ queryKey: MARKET_KEY })
    },
    onError: (error) => message.error(error.message),
  })
  return (
    <Form layout="vertical" initialValues={initial} onFinish={(values: ProfileValues) => save.mutate(values)} style={{ maxWidth: 520 }}>
      <Form.Item name="name" label={t('market.publisherName')} rules={[{ required: true }]}><Input /></Form.Item>
      <Form.Item name="site" label={t('market.site')}><Input /></Form.Item>
      <Form.Item name="description" label={t('market.publisherDescription')}><Input.TextArea rows={2} /></Form.Item>
      <Button type="primary" htmlType="submit" loading={save.isPending}>{t('market.saveProfile')}</Button>
    </Form>
  )
}

function KeyForm() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  const [form] = Form.useForm<{ public_key: string }>()
  const add = useMutation({
    mutationFn: async (body: { public_key: string }) => unwrap(await api.POST('/api/v1/market/me/keys', { body })),
    onSuccess: async () => {
      form.resetFields()
      await queryClient.invalidateQueries({ queryKey: MARKET_KEY })
    },
    onError: (error) => message.error(error.message),
  })
  return (
    <Form form={form} layout="inline" onFinish={(values) => add.mutate(values)}>
      <Form.Item name="public_key" label={t('market.publicKey')} rules={[{ required: true }]}>
        <Input placeholder={t('market.publicKeyPlaceholder')} style={{ width: 360, maxWidth: '60vw' }} />
      </Form.Item>
      <Button htmlType="submit" loading={add.isPending}>{t('market.addKey')}</Button>
    </Form>
  )
}

function UploadVersion() {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const queryClient = useQueryClient()
  return (
    <Upload
      accept=".dajian"
      showUploadList={false}
      customRequest={({ file, onProgress, onSuccess, onError }) => {
        uploadRaw<TemplateVersion>(UPLOAD_VERSION_URL, file as Blob, (percent) => onProgress?.({ percent }))
          .then(async (answer) => {
            onSuccess?.(answer)
            message.success(t('market.uploaded', { version: answer.version }))
            await queryClient.invalidateQueries({ queryKey: MARKET_KEY })
          })
          .catch((error: Error) => {
            onError?.(error)
            message.error(error.message)
          })
      }}
    >
      <Button type="primary" icon={<UploadOutlined />}>{t('market.uploadVersion')}</Button>
    </Upload>
  )
}

/** /market/mine — a partner's publisher profile, keys, versions with their review state and the reviewers' comments. */
export function MyTemplatesPage() {
  const { t } = useTranslation()
  const me = useCenterMe()
  const versions = useMyVersions()
  const act = useAct()
  if (me.error) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />
  if (me.isPending) return <Skeleton active />
  const profile = me.data.publisher
  if (!profile) {
    return (
      <section aria-labelledby="market-mine-title">
        <Typography.Title level={3} id="market-mine-title">{t('market.becomePublisher')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('market.becomePublisherHint')}</Typography.Paragraph>
        <ProfileForm />
      </section>
    )
  }
  const lastComment = (v: TemplateVersion) => [...v.events].reverse().find((e) => e.comment)?.comment ?? ''
  return (
    <section aria-labelledby="market-mine-title">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} id="market-mine-title">{t('market.myTemplates')}</Typography.Title>
        <UploadVersion />
      </Space>
      <Card size="small" title={profile.name} style={{ marginBottom: 16 }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>{t('market.keysCount', { count: profile.keys.length })} {profile.keys.map((k) => <Tag key={k.key_id}>{k.key_id}</Tag>)}</span>
          <KeyForm />
        </Space>
      </Card>
      {versions.error ? (
        <ErrorState error={versions.error} onRetry={() => void versions.refetch()} home={false} />
      ) : (
        <Table<TemplateVersion>
          rowKey="id"
          loading={versions.isPending}
          dataSource={versions.data ?? []}
          pagination={false}
          scroll={{ x: true }}
          locale={{ emptyText: t('market.noVersions') }}
          expandable={{ expandedRowRender: (v) => (<Space direction="vertical" style={{ width: '100%' }}><VersionEvents version={v} /><ChecksPanel checks={v.checks} /></Space>) }}
          columns={[
            { title: t('market.template'), dataIndex: 'template', sorter: (a, b) => a.template.localeCompare(b.template) },
            { title: t('market.version'), dataIndex: 'version' },
            { title: t('market.state'), dataIndex: 'state', render: (s: TemplateVersion['state']) => <Tag color={STATE_COLOR[s]}>{t(`market.states.${s}`)}</Tag> },
            { title: t('market.reviewerComment'), render: (_, v) => lastComment(v) },
            {
              title: t('market.actionsColumn'),
              render: (_, v) => (
                <Space>
                  {(PUBLISHER_ACTIONS[v.state] ?? []).map((action) => (
                    <Button key={action} size="small" danger={action === 'yank'} loading={act.isPending}
                      aria-label={t('market.actionNamed', { action: t(`market.actions.${action}`), version: v.version })}
                      onClick={() => act.mutate({ id: v.id, action })}>
                      {t(`market.actions.${action}`)}
                    </Button>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      )}
    </section>
  )
}
