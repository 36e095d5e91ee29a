"""What the designer's field palette shows of each field kind: its group, default widget, bilingual label
and the ``FieldDef`` attributes it uses, one ``KindText`` per registered kind.

``register_kind_text`` adds a row beside ``register_field_kind``; ``tests/platform/test_catalog.py``
walks ``FIELD_KINDS`` and fails for a kind without a row here.
"""

from __future__ import annotations

from dataclasses import dataclass

BASIC, CHOICE, DATETIME, PEOPLE, FILES, ADVANCED = "basic", "choice", "datetime", "people", "files", "advanced"

GROUPS: dict[str, tuple[str, str]] = {
    BASIC: ("Basic", "基础字段"),
    CHOICE: ("Choice", "选择"),
    DATETIME: ("Date and time", "日期与时间"),
    PEOPLE: ("People and organisation", "人员与组织"),
    FILES: ("Files", "文件"),
    ADVANCED: ("Advanced and structural", "高级与结构"),
}

TEXT_ATTRS = ("min_length", "max_length", "pattern")
RANGE_ATTRS = ("min", "max")
DECIMAL_ATTRS = ("precision", "scale", "min", "max")


@dataclass(frozen=True)
class KindText:
    group: str
    widget: str
    en: str
    zh: str
    attributes: tuple[str, ...] = ()  # FieldDef attributes (beyond the common ones) the kind reads


KIND_TEXT: dict[str, KindText] = {}


def register_kind_text(kind: str, text: KindText) -> None:
    KIND_TEXT[kind] = text


def _register_builtin() -> None:
    rows = {
        "text": KindText(BASIC, "input", "Single-line text", "单行文本", TEXT_ATTRS),
        "long_text": KindText(BASIC, "textarea", "Multi-line text", "多行文本", TEXT_ATTRS),
        "rich_text": KindText(BASIC, "rich_text_editor", "Rich text", "富文本", TEXT_ATTRS),
        "email": KindText(BASIC, "email_input", "E-mail", "邮箱", TEXT_ATTRS),
        "phone": KindText(BASIC, "phone_input", "Phone", "电话", TEXT_ATTRS),
        "url": KindText(BASIC, "url_input", "Link", "链接", TEXT_ATTRS),
        "id_card": KindText(BASIC, "id_card_input", "ID card number", "身份证号"),
        "integer": KindText(BASIC, "number_input", "Integer", "整数", RANGE_ATTRS),
        "decimal": KindText(BASIC, "number_input", "Decimal", "小数", DECIMAL_ATTRS),
        "currency": KindText(BASIC, "currency_input", "Currency", "金额", DECIMAL_ATTRS),
        "percent": KindText(BASIC, "percent_input", "Percentage", "百分比", DECIMAL_ATTRS),
        "boolean": KindText(CHOICE, "switch", "Yes / no", "是/否"),
        "single_select": KindText(CHOICE, "select", "Single choice", "单选", ("options",)),
        "multi_select": KindText(CHOICE, "checkbox_group", "Multiple choice", "多选", ("options",)),
        "cascade_select": KindText(CHOICE, "cascader", "Cascading choice", "级联选择"),
        "tags": KindText(CHOICE, "tag_input", "Tags", "标签"),
        "rating": KindText(CHOICE, "rate", "Rating", "评分"),
        "slider": KindText(CHOICE, "slider", "Slider", "滑块", DECIMAL_ATTRS),
        "date": KindText(DATETIME, "date_picker", "Date", "日期"),
        "datetime": KindText(DATETIME, "datetime_picker", "Date and time", "日期时间"),
        "time": KindText(DATETIME, "time_picker", "Time of day", "时间"),
        "year_month": KindText(DATETIME, "month_picker", "Year and month", "年月"),
        "date_range": KindText(DATETIME, "date_range_picker", "Date range", "日期区间"),
        "duration": KindText(DATETIME, "duration_input", "Duration (minutes)", "时长（分钟）", RANGE_ATTRS),
        "user": KindText(PEOPLE, "user_picker", "Member", "成员"),
        "multi_user": KindText(PEOPLE, "user_picker_multiple", "Members", "多个成员"),
        "department": KindText(PEOPLE, "department_picker", "Department", "部门"),
        "multi_department": KindText(PEOPLE, "department_picker_multiple", "Departments", "多个部门"),
        "signature": KindText(PEOPLE, "signature_pad", "Handwritten signature", "手写签名"),
        "attachment": KindText(FILES, "file_upload", "Attachment", "附件"),
        "image": KindText(FILES, "image_upload", "Image", "图片"),
        "location": KindText(ADVANCED, "location_picker", "Location", "定位"),
        "color": KindText(ADVANCED, "color_picker", "Colour", "颜色"),
        "code": KindText(ADVANCED, "code_editor", "Code", "代码"),
        "ip_address": KindText(ADVANCED, "ip_input", "IP address", "IP 地址"),
        "json": KindText(ADVANCED, "json_editor", "JSON", "JSON 数据"),
        "formula": KindText(ADVANCED, "computed", "Formula", "公式", ("formula",)),
        "serial": KindText(ADVANCED, "serial_number", "Serial number", "流水号"),
        "subtable": KindText(ADVANCED, "subtable", "Sub-table", "子表", ("fields",)),
        "relation": KindText(ADVANCED, "record_picker", "Related record", "关联记录"),
        "lookup": KindText(ADVANCED, "lookup_display", "Lookup", "引用字段"),
    }
    for kind, text in rows.items():
        register_kind_text(kind, text)


_register_builtin()
