"""Printing records with the app's print templates.

``GET /api/v1/apps/{app}/prints?form=complaint`` lists the templates of a form;
``GET …/prints/{template}/html?ids=1,2`` is the print view (one HTML document, a sheet per record) and
``GET …/prints/{template}/pdf?ids=1,2`` the same pages as a PDF download. Both read the records as the caller
may (row scope, readable fields), so printing shows nothing a record page would not. A selection's PDF is made in
the background: ``POST …/prints/{template}/pdf-jobs`` queues it, ``GET …/prints/jobs/{id}`` tells how far it
got and, at the end, the file to download (``dajian.platform.printing.jobs``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from dajian.platform import files as file_service
from dajian.platform.api.audiences import RUNTIME
from dajian.platform.api.auth import current_principal
from dajian.platform.api.deps import Conn, ReadConn, TransactionalRoute, get_settings
from dajian.platform.api.params import BodyId, PathId
from dajian.platform.api.schemas import printing as out
from dajian.platform.api.schemas.responses import SIGNED_IN, answers, binary, errors
from dajian.platform.api.versions import V1
from dajian.platform.apps import load_runtime_and_roles
from dajian.platform.errors import Invalid
from dajian.platform.principal import Principal
from dajian.platform.printing import jobs
from dajian.platform.printing.pdf import to_pdf
from dajian.platform.printing.service import MAX_BULK, print_html, templates_of

router = APIRouter(prefix=V1 + "/apps/{app_key}/prints", tags=[RUNTIME], route_class=TransactionalRoute)
Auth = Annotated[Principal, Depends(current_principal)]
IdsQuery = Annotated[str, Query(max_length=10_000, description="record ids, comma-separated: 1,2,3")]
LANGS = ("zh-CN", "en")
PDF_MIME = "application/pdf"
# the print view is the server's own markup; the only images are the app's files and inline codes
HTML_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'none'"


def _ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise Invalid("ids are whole numbers", errors=[{"path": "/ids", "message": "e.g. 1,2,3"}]) from None
    if any(i < 1 or i > 2**63 - 1 for i in ids):
        raise Invalid("ids are positive", errors=[{"path": "/ids", "message": "a record id is at least 1"}])
    return ids


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise Invalid("unknown language", errors=[{"path": "/lang", "message": f"one of {', '.join(LANGS)}"}])
    return lang


def _render(request: Request, conn: Connection, principal: Principal, app_key: str, template_key: str,
            ids: str, lang: str) -> tuple[str, str]:
    runtime, role_keys = load_runtime_and_roles(conn, principal, app_key)
    return print_html(conn, principal, runtime, template_key, _ids(ids), lang=_lang(lang), role_keys=role_keys,
                      public_url=get_settings(request).public_url)


@router.get("", **answers(list[out.PrintTemplateSummary], *SIGNED_IN, 404, 422))
def list_templates(conn: ReadConn, principal: Auth, app_key: str,
                   form: Annotated[str | None, Query(max_length=63)] = None) -> list[dict[str, Any]]:
    """The app's print templates (of one form with ``?form=``)."""
    runtime, _ = load_runtime_and_roles(conn, principal, app_key)
    return [{"key": t.key, "label": t.label, "form": t.form} for t in templates_of(runtime, form)]


@router.get("/{template_key}/html", response_class=Response,
            responses={**binary("The print view: an HTML document, one sheet per record", "text/html"),
                       **errors(*SIGNED_IN, 404, 422)})
def print_view(request: Request, conn: ReadConn, principal: Auth, app_key: str, template_key: str, ids: IdsQuery,
               lang: str = "zh-CN") -> Response:
    """The records printed with the template, as HTML for the browser's print dialog."""
    _, html = _render(request, conn, principal, app_key, template_key, ids, lang)
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": HTML_CSP, "Cache-Control": "private, max-age=0",
                             "X-Content-Type-Options": "nosniff"})


@router.get("/{template_key}/pdf", response_class=Response,
            responses={**binary("The records printed with the template, as a PDF", PDF_MIME),
                       **errors(*SIGNED_IN, 404, 422)})
def print_pdf(request: Request, conn: ReadConn, principal: Auth, app_key: str, template_key: str, ids: IdsQuery,
              lang: str = "zh-CN") -> Response:
    """The same pages as the print view, as a PDF download (at most 500 records at once)."""
    title, html = _render(request, conn, principal, app_key, template_key, ids, lang)
    store = file_service.LocalFileStore(get_settings(request).files_dir)

    def read_file(file_id: int) -> tuple[bytes, str]:
        row = file_service.readable_file(conn, principal, file_id)
        with store.open(row["storage_key"]) as handle:
            return handle.read(), str(row["mime"])

    name = title if len(_ids(ids)) == 1 else f"{title}（{len(_ids(ids))}）"
    return Response(to_pdf(html, read_file=read_file), media_type=PDF_MIME, headers={
        "Content-Disposition": file_service.content_disposition(f"{name}.pdf"),
        "Cache-Control": "private, max-age=0", "X-Content-Type-Options": "nosniff"})


class PdfJobBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[BodyId] = Field(max_length=MAX_BULK, description=f"the records, at most {MAX_BULK}")
    lang: str = Field(default="zh-CN", max_length=8, description="zh-CN or en")


@router.post("/{template_key}/pdf-jobs", status_code=202, **answers(out.PrintJob, *SIGNED_IN, 404, 413, 422))
def start_pdf_job(conn: Conn, principal: Auth, app_key: str, template_key: str, body: PdfJobBody) -> dict[str, Any]:
    """Queue the PDF of the chosen records; poll ``GET …/prints/jobs/{id}`` for its progress and file."""
    return jobs.start(conn, principal, app_key, template_key, body.ids, body.lang)


@router.get("/jobs/{job_id}", **answers(out.PrintJob, *SIGNED_IN, 404, 422))
def pdf_job(conn: ReadConn, principal: Auth, app_key: str, job_id: PathId) -> dict[str, Any]:
    """A PDF job of mine: state, progress, and when done the file (404 for anyone else's)."""
    return jobs.view(conn, principal, app_key, job_id)
