import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons'
import { App, Button, Empty, Form, List, Mentions, Skeleton, Space, Tag, Typography, Upload } from 'antd'
import type { UploadFile } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../../api/client'
import { mentionedIds, type Person } from '../../../core/tasks/mentions'
import { ErrorState } from '../../ErrorState'
import type { RecordRef } from './recordRef'
import { commentFileUrl, uploadCommentFile, useAddComment, useComments, type AttachedFile } from './useComments'
import { usePeople } from './usePeople'

/** The record's comments and a box to add one, with @mentions and attachments. */
export function Comments({ record }: { record: RecordRef }) {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const comments = useComments(record)
  const people = usePeople()
  const add = useAddComment(record)
  const [text, setText] = useState('')
  const [picked, setPicked] = useState<Person[]>([])
  const [files, setFiles] = useState<UploadFile<AttachedFile>[]>([])
  const inputId = `comment-${record.formKey}-${record.recordId}`
  const uploading = files.some((f) => f.status === 'uploading')

  async function send() {
    const attached = files.flatMap((f) => (f.status === 'done' && f.response ? [f.response.id] : []))
    try {
      await add.mutateAsync({ body: text, mentions: mentionedIds(text, picked), files: attached })
      setText('')
      setPicked([])
      setFiles([])
    } catch (error) {
      message.error(error instanceof ApiError ? [error.message, ...error.errors.map((e) => e.message)].join(' · ') : String(error))
    }
  }

  return (
    <div>
      {comments.isPending && <Skeleton active />}
      {comments.error && <ErrorState error={comments.error} onRetry={() => void comments.refetch()} />}
      {comments.data && comments.data.length === 0 && (
        <Empty description={t('side.comments.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      )}
      {comments.data && comments.data.length > 0 && (
        <section aria-label={t('side.comments.title')}>
        <List
          size="small"
          dataSource={comments.data}
          renderItem={(c) => (
            <List.Item style={{ display: 'block' }}>
              <Space wrap size={4}>
                <Typography.Text strong>{c.author}</Typography.Text>
                <Typography.Text type="secondary">{new Date(c.at).toLocaleString(i18n.language)}</Typography.Text>
                {c.channel !== 'web' && <Tag>{c.channel}</Tag>}
              </Space>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0' }}>{c.body}</Typography.Paragraph>
              {c.files.length > 0 && (
                <Space wrap>
                  {c.files.map((f) => (
                    <a key={f.id} href={commentFileUrl(record, c.id, f.id)} download={f.name}>
                      <PaperClipOutlined aria-hidden /> {f.name}
                    </a>
                  ))}
                </Space>
              )}
            </List.Item>
          )}
        />
        </section>
      )}
      <Form layout="vertical" component="div" style={{ marginTop: 12 }}>
        <Form.Item label={t('side.comments.new')} htmlFor={inputId} extra={t('side.comments.mentionHint')} style={{ marginBottom: 8 }}>
          <Mentions
            id={inputId}
            value={text}
            onChange={setText}
            rows={3}
            maxLength={8000}
            onSelect={(option) => {
              const person = (people.data ?? []).find((p) => p.name === option.value)
              if (person) setPicked((list) => [...list, person])
            }}
            options={(people.data ?? []).map((p) => ({ value: p.name, label: p.name, key: String(p.id) }))}
          />
        </Form.Item>
        <Space wrap>
          <Upload<AttachedFile>
            fileList={files}
            onChange={({ fileList }) => setFiles(fileList)}
            customRequest={({ file, onSuccess, onError }) => {
              uploadCommentFile(record, file as File).then(
                (saved) => onSuccess?.(saved),
                (error: Error) => {
                  message.error(error.message)
                  onError?.(error)
                },
              )
            }}
          >
            <Button icon={<UploadOutlined aria-hidden />}>{t('side.comments.attach')}</Button>
          </Upload>
          <Button
            type="primary"
            onClick={() => void send()}
            loading={add.isPending}
            disabled={uploading || (!text.trim() && files.length === 0)}
          >
            {t('side.comments.send')}
          </Button>
        </Space>
      </Form>
    </div>
  )
}
