"""The field kinds beyond the foundation thirteen.

Imported at the bottom of ``fields.py``, so every kind exists whenever the
registry does. Each value module registers its own kinds when imported (so
importing any one of them first still registers all):

=============================  =======================  ================
kind                           stored as                expression type
=============================  =======================  ================
rich_text, url, id_card,       TEXT                     text
color, code, ip_address,
signature (PNG data URL)
currency, percent, slider      ExactDecimal(p, s)       decimal
rating, duration (minutes)     BIGINT                   integer
time                           TIME, "HH:MM:SS"         text
year_month                     DATE (1st of month)      date
tags, cascade_select           JSON list of text        text_list
multi_user, multi_department   JSON list of ids         any
date_range, location, json     JSON                     any
=============================  =======================  ================

A signature that differs from the previous version's makes evolution retype
the column, converting each stored value through the new kind's coercer.
Most kinds' signature is their name; the decimal kinds share ``decimal(p,s)``
with ``decimal``, so switching among them keeps the column and its values.
"""

from __future__ import annotations

from dajian.engines.form import compound_values, kind_files, number_values, text_values

KIND_MODULES = (text_values, number_values, compound_values, kind_files)
