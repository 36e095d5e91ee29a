import { Form } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../core/labels'
import { linkage } from './linkage'
import { PublicFieldInput } from './PublicFieldInput'
import type { PublicField } from './types'

/** The fields of a public form inside an antd Form, with linkage evaluated as the visitor types. */
export function PublicFields({
  fields,
  values,
  channel,
  uploadUrl,
}: {
  fields: readonly PublicField[]
  values: Record<string, unknown>
  /** the channel's key: the server stores it in the record's `channel`, so linkage may read it */
  channel?: string
  /** the form's public upload route for a field key (intake forms; surveys take no files) */
  uploadUrl?: (field: string) => string
}) {
  const { t, i18n } = useTranslation()
  const live = useMemo(() => linkage(fields, channel ? { channel } : {}), [fields, channel])
  const states = live.state(values)
  return (
    <>
      {fields.map((field) => {
        const state = states[field.key] ?? { visible: true, required: false, readonly: false }
        if (!state.visible) return null
        const label = pickLabel(field.label, i18n.language, field.key)
        const required = field.required || state.required
        return (
          <Form.Item
            key={field.key}
            name={field.key}
            label={label}
            extra={field.help ? pickLabel(field.help, i18n.language) : undefined}
            rules={required ? [{ required: true, message: t('public.required', { field: label }) }] : []}
          >
            <PublicFieldInput field={field} locale={i18n.language} disabled={state.readonly} uploadUrl={uploadUrl?.(field.key)} />
          </Form.Item>
        )
      })}
    </>
  )
}
