/**
 * One widget per field kind, edit and display, keyed by the kind's name as the catalog
 * (GET /api/v1/catalog) lists it. A kind the catalog has and this table lacks shows its value as
 * text and is not editable here (`widgetFor`), so a new server kind never breaks a form.
 * Other kinds: `registerWidget('my_kind', {edit, display})`.
 */
import { BooleanEdit, DateEdit, DateRangeEdit, DateTimeEdit, DecimalEdit, IntegerEdit, LongTextEdit, RatingEdit,
  SliderEdit, TextEdit, TimeEdit } from './basic'
import { CascadeEdit, ChoiceDisplay, SelectEdit, TagsEdit } from './choice'
import { PlainDisplay, RatingDisplay } from './display'
import { FilesDisplay, FilesEdit } from './files'
import { PersonDisplay, PersonEdit, RelationDisplay, RelationEdit } from './people'
import { JsonEdit, LocationDisplay, LocationEdit, RichTextDisplay, RichTextEdit, SignatureDisplay, SignatureEdit } from './special'
import { SubtableDisplay, SubtableEdit } from './subtable'
import type { FieldWidget } from './types'

const plain = (edit: FieldWidget['edit']): FieldWidget => ({ edit, display: PlainDisplay })

const WIDGETS: Record<string, FieldWidget> = {
  text: plain(TextEdit), email: plain(TextEdit), phone: plain(TextEdit), url: plain(TextEdit),
  id_card: plain(TextEdit), ip_address: plain(TextEdit), color: plain(TextEdit),
  long_text: plain(LongTextEdit), code: plain(LongTextEdit),
  integer: plain(IntegerEdit), duration: plain(IntegerEdit),
  decimal: plain(DecimalEdit), currency: plain(DecimalEdit), percent: plain(DecimalEdit),
  slider: plain(SliderEdit),
  rating: { edit: RatingEdit, display: RatingDisplay },
  boolean: plain(BooleanEdit),
  date: plain(DateEdit), year_month: plain(DateEdit), datetime: plain(DateTimeEdit), time: plain(TimeEdit),
  date_range: plain(DateRangeEdit),
  single_select: { edit: SelectEdit, display: ChoiceDisplay },
  multi_select: { edit: SelectEdit, display: ChoiceDisplay },
  tags: plain(TagsEdit),
  cascade_select: { edit: CascadeEdit, display: ChoiceDisplay },
  user: { edit: PersonEdit, display: PersonDisplay }, multi_user: { edit: PersonEdit, display: PersonDisplay },
  department: { edit: PersonEdit, display: PersonDisplay },
  multi_department: { edit: PersonEdit, display: PersonDisplay },
  attachment: { edit: FilesEdit, display: FilesDisplay }, image: { edit: FilesEdit, display: FilesDisplay },
  signature: { edit: SignatureEdit, display: SignatureDisplay },
  location: { edit: LocationEdit, display: LocationDisplay },
  rich_text: { edit: RichTextEdit, display: RichTextDisplay },
  json: plain(JsonEdit),
  relation: { edit: RelationEdit, display: RelationDisplay },
  subtable: { edit: SubtableEdit, display: SubtableDisplay },
  // computed: shown, never typed in
  serial: plain(null), formula: plain(null), lookup: plain(null),
}

export function registerWidget(kind: string, widget: FieldWidget): void {
  WIDGETS[kind] = widget
}

export function widgetFor(kind: string): FieldWidget {
  return WIDGETS[kind] ?? plain(null)
}

export function registeredKinds(): string[] {
  return Object.keys(WIDGETS)
}
