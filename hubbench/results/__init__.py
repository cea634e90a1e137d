"""results room: the SQLAlchemy store of the bench and the reports built from it. Never talks to the broker.

db.open_database(url) → Database          models: tables (trace, runs, scenarios, steps, checks, …)
trace.TraceRecord / TraceWriter(db_url)   the dispatcher's non-blocking, batched trace
trace_process.TraceProcess                the same in a child process (the dispatcher's workers)
store.ResultsStore(db)                    engine listener + query API (runs, matrix, detail, trace,
                                          attestations, overrides, retention)
queries, views                            read-only queries and the frozen views they return
verdicts                                  attestation / override / run verdict rules
accounts.AccountStore(db)                 console log-ins (roles, Argon2id password hashes)
reporters.junit / cucumber / json_report  exports of a stored run
reporters.certificate                     the readiness certificate (HTML, PDF with the shipped fonts)
reporters.exports                         every asked report of a stored run at once (`results export`)

Other rooms use the names below (`from hubbench.results import ResultsStore`), never the modules behind
them; a name is imported on first use (the face itself does not load SQLAlchemy).
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.results.accounts import (
        ACCOUNTS_REQUIRED_ENV,
        ROLE_LABELS_FR,
        Account,
        AccountStore,
        Role,
        parse_role,
    )
    from hubbench.results.campaigns import CampaignSpec, Claimed, session_counts, session_rows
    from hubbench.results.campaigns import claim as claim_campaign
    from hubbench.results.campaigns import enqueue as enqueue_campaigns
    from hubbench.results.campaigns import finish as finish_campaign
    from hubbench.results.campaigns import heartbeat as campaign_heartbeat
    from hubbench.results.campaigns import requeue_stale as requeue_stale_campaigns
    from hubbench.results.db import Database, open_database
    from hubbench.results.models import Run
    from hubbench.results.queries import (
        MATRIX_TIERS,
        TIERS,
        matrix,
        open_prompts,
        trace_published_by,
    )
    from hubbench.results.reporters.certificate import (
        Certificate,
        ProvisionalEvidence,
        build_certificate,
        certificate_html,
        certificate_pdf,
        evidence_hash,
        run_certificate,
        write_certificate_pdf,
    )
    from hubbench.results.reporters.cucumber import cucumber_features, write_cucumber_json
    from hubbench.results.reporters.exports import export_run, write_reports
    from hubbench.results.reporters.json_report import write_json
    from hubbench.results.reporters.junit import write_junit
    from hubbench.results.store import ItemAnswer, ResultsStore
    from hubbench.results.trace import TraceRecord, TraceSink, TraceWriter
    from hubbench.results.trace_process import TraceProcess
    from hubbench.results.verdicts import ANSWER_LABELS_FR, ANSWERS
    from hubbench.results.views import (
        AttestationView,
        MatrixRow,
        MessageView,
        PromptView,
        RunDetail,
        RunSummary,
        TraceView,
        as_dict,
    )

__all__ = [
    "ACCOUNTS_REQUIRED_ENV",
    "ANSWERS",
    "ANSWER_LABELS_FR",
    "MATRIX_TIERS",
    "ROLE_LABELS_FR",
    "TIERS",
    "Account",
    "AccountStore",
    "AttestationView",
    "CampaignSpec",
    "Certificate",
    "Claimed",
    "Database",
    "ItemAnswer",
    "MatrixRow",
    "MessageView",
    "PromptView",
    "ProvisionalEvidence",
    "ResultsStore",
    "Role",
    "Run",
    "RunDetail",
    "RunSummary",
    "TraceProcess",
    "TraceRecord",
    "TraceSink",
    "TraceView",
    "TraceWriter",
    "as_dict",
    "build_certificate",
    "campaign_heartbeat",
    "certificate_html",
    "certificate_pdf",
    "claim_campaign",
    "cucumber_features",
    "enqueue_campaigns",
    "evidence_hash",
    "export_run",
    "finish_campaign",
    "matrix",
    "open_database",
    "open_prompts",
    "parse_role",
    "requeue_stale_campaigns",
    "run_certificate",
    "session_counts",
    "session_rows",
    "trace_published_by",
    "write_certificate_pdf",
    "write_cucumber_json",
    "write_json",
    "write_junit",
    "write_reports",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)
