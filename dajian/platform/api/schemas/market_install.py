"""Template packages installed by an organisation's admins: trusted keys, uploads, previews, installs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dajian.platform.api.schemas.apps import Published
from dajian.platform.api.schemas.common import Json, Label, Out, Timestamp

SignatureStatus = Literal["trusted", "untrusted", "unsigned", "bad"]


class TrustedKey(Out):
    key_id: str = Field(description="the first 16 hex digits of the sha256 of the public key text")
    label: str
    public_key: str = Field(description='"ed25519:<base64>"')
    created_at: Timestamp


class Signature(Out):
    status: SignatureStatus
    key_id: str | None
    message: str


class ChangelogEntry(Out):
    version: str
    notes: Label | None = None


class PackageInfo(Out):
    """The manifest without its hashes and file list."""

    key: str
    name: Label
    version: str
    min_platform_version: str
    description: Label | None = None
    author: str | None = None
    publisher: str | None = None
    licence: str | None = None
    category: str | None = None
    tags: list[str] = Field(default_factory=list)
    screenshots: list[str] = Field(default_factory=list)
    changelog: list[ChangelogEntry] = Field(default_factory=list)


class Installed(Out):
    app: str
    package_key: str
    version: str
    status: Literal["installed", "archived"]
    signature: SignatureStatus
    signer_key_id: str | None
    installed_at: Timestamp
    updated_at: Timestamp
    name: Label | None = None
    description: Label | None = None


class DemoRecords(Out):
    form: str
    count: int


class DemoData(Out):
    """The package's demo data: installed with the app only when asked (``demo``)."""

    departments: int
    users: int = Field(description="demo users, with their roles; an administrator sets their passwords")
    records: list[DemoRecords] = Field(description="fixed records per form (products, articles)")
    generated: list[DemoRecords] = Field(default_factory=list, description=(
        "records invented per form with their history (flows at their stages, SLA times), dated in the past months"))


class PackageUpload(Out):
    id: str = Field(description="the package's sha256: name it in the preview, install and upgrade calls")
    package: PackageInfo
    signature: Signature
    installed: Installed | None = Field(description="the install this package's template made, if any")
    app_exists: bool = Field(description="an app with the package's key exists in the organisation")
    demo_data: DemoData | None = Field(default=None, description="null: the package carries no demo data")


class Made(Out):
    key: str | None
    label: Label | None = None
    fields: int | None = None
    kind: str | None = None
    form: str | None = None


class Creates(Out):
    forms: list[Made]
    flows: list[Made]
    roles: list[Made]
    channels: list[Made]
    public_endpoints: list[Made]
    scheduled_rules: list[Made]
    reports: list[Made]


class InstallPreview(PackageUpload):
    creates: Creates
    plan: Published | None = Field(description="the migration plan; null when the app exists already")


class InstallResult(Out):
    app: str
    version: str
    warning: str | None = Field(description="set when the package was not signed by a trusted key")
    result: Published | None
    reinstalled: bool = False
    kept_local: list[str] = Field(default_factory=list, description="paths of local changes carried over")
    demo_data: bool = Field(default=False, description="the package's demo data was installed with it")


StepName = Literal["check", "table", "roles", "flows_rules", "record", "seed_people", "seed_records", "demo_records"]


class PlannedStep(Out):
    step: StepName
    params: dict[str, Json] = Field(default_factory=dict)


class JobProgress(Out):
    done: int = Field(description="steps finished")
    total: int = Field(description="steps planned")
    step: StepName | None = Field(
        description="the step under way: check the package; create or migrate a form's table (params.form, "
                    "a sub-table as form__field); roles; flows and rules; record the install; demo departments "
                    "and users; fixed demo records (seed_records) and invented ones with their history (demo_records), "
                    "both with params.form and params.count")
    params: dict[str, Json] = Field(default_factory=dict)
    plan: list[PlannedStep] = Field(default_factory=list, description="every step, in order, with its params")


class JobError(Out):
    code: str
    detail: str
    errors: list[dict[str, Json]] = Field(default_factory=list, description="each with its JSON path")


class InstallJob(Out):
    """A template install or upgrade running as a background job: poll it until ``state`` is final."""

    id: int = Field(description="the job's id (also on the admin's jobs page, kind market.install)")
    action: Literal["install", "upgrade"]
    app: str
    version: str = Field(description="the package version being installed")
    demo: bool
    state: Literal["queued", "running", "succeeded", "failed"]
    progress: JobProgress | None = Field(description="null until a worker starts it")
    result: InstallResult | None = Field(description="when succeeded: what the synchronous install answered")
    error: JobError | None = Field(description="when failed: the refusal, with the JSON paths; nothing was stored")
    status_code: int | None = Field(description="the HTTP status the refusal would have had")
    created_at: Timestamp
    finished_at: Timestamp | None


class MergeConflict(Out):
    path: str = Field(description="list items named by key: /forms/ticket/fields/title/label/en")
    base: Json
    local: Json
    new: Json
    local_removed: bool
    new_removed: bool


class Breaking(Out):
    path: str
    message: str


class RunningFlows(Out):
    flow_key: str
    running: int


class UpgradePreview(PackageUpload):
    from_version: str
    to_version: str
    bump: Literal["major", "minor", "patch"] | None = Field(description="null: not a newer version")
    needed_bump: Literal["major", "minor", "patch"]
    breaking: list[Breaking] = Field(description="forms and fields removed or retyped by the new version")
    conflicts: list[MergeConflict]
    unresolved: list[str] = Field(description="conflict paths without a resolution yet")
    kept_local: list[str]
    plan: Published
    running_instances: list[RunningFlows]
    expected_version: int = Field(description="the live app version this preview was made against")


class Uninstalled(Out):
    app: str
    status: Literal["archived"]
    version: str
