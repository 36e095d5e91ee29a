"""Full-text search of form records: tokens (jieba), the index (kept by reactions), ranked queries."""

from dajian.platform.search.index import index_final, reindex, search_index
from dajian.platform.search.plan import SearchPlan, compile_plan
from dajian.platform.search.query import related_records, search_records
from dajian.platform.search.tokens import register_searchable_kind, segment

__all__ = ["SearchPlan", "compile_plan", "index_final", "register_searchable_kind", "reindex",
           "related_records", "search_index", "search_records", "segment"]
