"""The designer's catalog: field kinds, flow node kinds, rule triggers and actions, report aggregates and
chart kinds, expression functions and operators, each with text in zh-CN and en."""

from __future__ import annotations

from fastapi import APIRouter

from dajian.platform.api.audiences import DESIGNER
from dajian.platform.api.schemas.responses import SIGNED_IN, errors
from dajian.platform.api.versions import V1
from dajian.platform.catalog import Catalog, build_catalog

router = APIRouter(prefix=V1, tags=[DESIGNER])


@router.get("/catalog", response_model=Catalog, response_model_by_alias=True, responses=errors(*SIGNED_IN))
def catalog() -> Catalog:
    """What the designer's palettes show, generated from the engines' registries; the same for every
    member (it depends only on the server's version). The UI hard-codes none of these lists."""
    return build_catalog()
