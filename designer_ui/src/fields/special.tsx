import { BoldOutlined, ItalicOutlined, UnorderedListOutlined } from '@ant-design/icons'
import { Button, Input, InputNumber, Space } from 'antd'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { sanitizeHtml } from './sanitize'
import type { DisplayProps, EditProps } from './types'

/** A signature drawn with mouse, pen or finger, kept as a PNG data URL. */
export function SignatureEdit(p: EditProps) {
  const { t } = useTranslation()
  const canvas = useRef<HTMLCanvasElement>(null)
  const drawing = useRef(false)
  useEffect(() => {
    const c = canvas.current?.getContext('2d')
    if (!c || !canvas.current) return
    c.clearRect(0, 0, canvas.current.width, canvas.current.height)
    if (typeof p.value === 'string' && p.value.startsWith('data:image/png')) {
      const img = new window.Image()
      img.onload = () => c.drawImage(img, 0, 0)
      img.src = p.value
    }
  }, [p.value])
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect()
    return [e.clientX - r.left, e.clientY - r.top] as const
  }
  return <div>
    <canvas id={p.id} ref={canvas} width={320} height={120} role="img" aria-label={t('fields.signaturePad')}
      style={{ border: '1px solid #d9d9d9', borderRadius: 6, touchAction: 'none', maxWidth: '100%' }}
      onPointerDown={(e) => {
        if (p.disabled) return
        drawing.current = true
        const c = e.currentTarget.getContext('2d')
        c?.beginPath()
        c?.moveTo(...at(e))
      }}
      onPointerMove={(e) => {
        if (!drawing.current) return
        const c = e.currentTarget.getContext('2d')
        c?.lineTo(...at(e))
        c?.stroke()
      }}
      onPointerUp={(e) => {
        if (!drawing.current) return
        drawing.current = false
        p.onChange(e.currentTarget.toDataURL('image/png'))
      }} />
    <div><Button size="small" disabled={p.disabled} onClick={() => p.onChange('')}>{t('fields.clearSignature')}</Button></div>
  </div>
}

export function SignatureDisplay(p: DisplayProps) {
  const { t } = useTranslation()
  return typeof p.value === 'string' && p.value.startsWith('data:image/png')
    ? <img src={p.value} alt={t('fields.signature')} style={{ maxWidth: 320, maxHeight: 120 }} /> : null
}

interface Place { province?: string; city?: string; district?: string; address?: string; lng?: number | null; lat?: number | null }

export function LocationEdit(p: EditProps) {
  const { t } = useTranslation()
  const v = (p.value ?? {}) as Place
  const set = (patch: Place) => {
    const next = { ...v, ...patch }
    const empty = !next.province && !next.city && !next.district && !next.address && next.lng == null
    p.onChange(empty ? null : next)
  }
  return <Space.Compact block>
    <Input id={p.id} aria-label={t('fields.address')} placeholder={t('fields.address')} disabled={p.disabled}
      value={v.address ?? ''} onChange={(e) => set({ address: e.target.value })} />
    <InputNumber aria-label={t('fields.lng')} placeholder={t('fields.lng')} disabled={p.disabled} value={v.lng ?? null}
      onChange={(lng) => set({ lng, lat: v.lat ?? null })} />
    <InputNumber aria-label={t('fields.lat')} placeholder={t('fields.lat')} disabled={p.disabled} value={v.lat ?? null}
      onChange={(lat) => set({ lat, lng: v.lng ?? null })} />
  </Space.Compact>
}

export function LocationDisplay(p: DisplayProps) {
  const v = (p.value ?? null) as Place | null
  if (!v) return null
  const where = [v.province, v.city, v.district, v.address].filter(Boolean).join(' ')
  return <span>{where}{v.lng != null ? ` (${v.lng}, ${v.lat ?? ''})` : ''}</span>
}

/**
 * A minimal rich-text editor: contentEditable with bold, italic and lists, its HTML sanitised to
 * an allow-list (src/fields/sanitize.ts) on every change and before display. No library: the
 * server stores HTML text, and the editors that would fit (TipTap, Lexical) weigh 100+ KB.
 */
export function RichTextEdit(p: EditProps) {
  const { t } = useTranslation()
  const box = useRef<HTMLDivElement>(null)
  const [initial] = useState(() => sanitizeHtml(typeof p.value === 'string' ? p.value : ''))
  useEffect(() => {
    if (box.current && box.current.innerHTML !== (p.value ?? '')) box.current.innerHTML = sanitizeHtml(String(p.value ?? ''))
  }, [p.value])
  const command = (name: string) => {
    document.execCommand(name)
    if (box.current) p.onChange(sanitizeHtml(box.current.innerHTML))
  }
  return <div>
    <Space size={4}>
      <Button size="small" aria-label={t('fields.bold')} disabled={p.disabled} onMouseDown={(e) => { e.preventDefault(); command('bold') }} icon={<BoldOutlined aria-hidden />} />
      <Button size="small" aria-label={t('fields.italic')} disabled={p.disabled} onMouseDown={(e) => { e.preventDefault(); command('italic') }} icon={<ItalicOutlined aria-hidden />} />
      <Button size="small" aria-label={t('fields.bulletList')} disabled={p.disabled} onMouseDown={(e) => { e.preventDefault(); command('insertUnorderedList') }} icon={<UnorderedListOutlined aria-hidden />} />
    </Space>
    <div id={p.id} ref={box} role="textbox" aria-multiline="true" contentEditable={!p.disabled} suppressContentEditableWarning
      dangerouslySetInnerHTML={{ __html: initial }}
      style={{ minHeight: 80, border: '1px solid #d9d9d9', borderRadius: 6, padding: 8, marginTop: 4 }}
      onInput={(e) => p.onChange(sanitizeHtml(e.currentTarget.innerHTML))} />
  </div>
}

export function RichTextDisplay(p: DisplayProps) {
  return <div dangerouslySetInnerHTML={{ __html: sanitizeHtml(String(p.value ?? '')) }} />
}

export function JsonEdit(p: EditProps) {
  const [text, setText] = useState(() => (p.value == null ? '' : JSON.stringify(p.value, null, 2)))
  const [bad, setBad] = useState(false)
  return <Input.TextArea id={p.id} value={text} disabled={p.disabled} status={bad || p.invalid ? 'error' : undefined}
    autoSize={{ minRows: 3 }} style={{ fontFamily: 'monospace' }}
    onChange={(e) => {
      setText(e.target.value)
      try {
        p.onChange(e.target.value.trim() === '' ? null : JSON.parse(e.target.value))
        setBad(false)
      } catch {
        setBad(true)
      }
    }} />
}
