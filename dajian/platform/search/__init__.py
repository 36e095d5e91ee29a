"""Full-text search of form records: tokens (jieba), the index and its listener, ranked queries."""

from dajian.platform.search.index import on_record_event, reindex, search_index
from dajian.platform.search.plan import SearchPlan, compile_plan
from dajian.platform.search.query import related_records, search_records
from dajian.platform.search.tokens import register_searchable_kind, segment

__all__ = ["SearchPlan", "compile_plan", "on_record_event", "register_searchable_kind", "reindex",
           "related_records", "search_index", "search_records", "segment"]
