// Definition labels come bilingual from the app JSON ({"zh-CN": "...", "en": "..."}).

export type Label = Record<string, string> | null | undefined

/** The label in `locale`, else in Chinese, else in any language it has, else `fallback`. */
export function pickLabel(label: Label, locale: string, fallback = ''): string {
  if (!label) return fallback
  return label[locale] || label['zh-CN'] || Object.values(label).find((v) => v) || fallback
}
