"""`run(options) -> RunResult`: one run of the tier scenarios against a vendor's live system.

pytest runs in-process on `steps/` (the features are collected by `steps/test_paliers.py`) with
the engine plugin; every event goes to an `EventBus` whose listeners are the results store plus
the caller's (CLI progress). Ctrl-C or SIGTERM mid-run: the run is marked interrupted and every
finished step is kept.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import hubbench
from hubbench.declaration import declared_vhost, effective_declaration
from hubbench.engine.attestations import Attestor, load_answers
from hubbench.engine.clock import Clock
from hubbench.engine.context import RunContext, RunOptions
from hubbench.engine.links import default_partner_id, get_link, valid_tiers
from hubbench.engine.plugin import EnginePlugin, ScenarioSummary
from hubbench.engine.prompt_feed import PromptFeed
from hubbench.engine.prompt_server import RunApi
from hubbench.engine.scenario import Services
from hubbench.errors import SetupError, UsageError
from hubbench.events import ROBUSTNESS_TIER, Event, EventBus, RunFinished, RunStarted, Verdict, aggregate
from hubbench.home import BenchHome
from hubbench.resources import STEPS_DIR

ServicesFactory = Callable[[RunContext, Callable[[Event], None]], Services]


@dataclass
class RunResult:
    run_id: str
    verdict: Verdict
    counts: dict[str, int]
    scenarios: list[ScenarioSummary] = field(default_factory=list)
    interrupted: bool = False
    strict: bool = False
    listener_errors: list[str] = field(default_factory=list)
    provisional: bool = False  # provisional fallback validation on the vhost: every verdict is « provisoire »

    @property
    def pending(self) -> list[ScenarioSummary]:
        return [s for s in self.scenarios if s.verdict is Verdict.PENDING_ATTESTATION]

    @property
    def unverifiable(self) -> list[ScenarioSummary]:
        """External-hub mode: scenarios whose evidence is the hub's own (« non vérifiable à distance »)."""
        return [s for s in self.scenarios if s.verdict is Verdict.UNVERIFIABLE_REMOTE]

    @property
    def exit_code(self) -> int:
        """0: nothing failed (pending attestations listed, not failed, unless strict); 1 otherwise."""
        bad = [s for s in self.scenarios if s.verdict.counts_as_failure]
        if self.strict:
            bad += self.pending
        return 1 if bad or self.interrupted or not self.scenarios else 0


def new_run_id(clock: Clock) -> str:
    return f"run-{clock.now().strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


def resolve(options: RunOptions, clock: Clock) -> RunContext:
    """Check the options and build the run context (UsageError on bad input)."""
    link = get_link(options.link)
    if not options.vendor.strip():
        raise UsageError("--vendor : nom de l'éditeur/produit obligatoire")
    if not options.client_id.strip() or " " in options.client_id:
        raise UsageError(f"--client-id invalide : {options.client_id!r} (ex. fr.health.samu440)")
    tiers = tuple(sorted(set(options.tiers)))
    if not valid_tiers(tiers):
        raise UsageError(
            f"Paliers invalides : {options.tiers} (de 1 à 7, plus {ROBUSTNESS_TIER} : Robustesse)"
        )
    vhost = options.vhost or declared_vhost(options.declaration, link.name) or link.default_vhost
    declaration = effective_declaration(
        options.declaration, link.name, vhost, roles=options.roles, formats=options.formats,
        confirms=options.confirms, direct_cisu=options.direct_cisu,
    )
    entry = declaration.declaration.link(link.name) if declaration.origin != "implicite" else None
    roles = tuple(role.value for role in entry.roles) if entry is not None else ()
    partner_id = options.partner_id or default_partner_id(link, options.client_id, roles)
    if partner_id == options.client_id:
        raise UsageError("--partner-id doit différer de --client-id")
    home = BenchHome.from_env(options.home).ensure()
    return RunContext(
        run_id=options.run_id or new_run_id(clock),
        vendor=options.vendor.strip(),
        client_id=options.client_id.strip(),
        link=link,
        vhost=vhost,
        tiers=tiers,
        partner_id=partner_id,
        timeouts=options.timeouts.with_operator(options.timeout),
        clock=clock,
        home=home,
        declaration=declaration,
    )


def run(
    options: RunOptions,
    *,
    services_factory: ServicesFactory | None = None,
    steps_dir: Path = STEPS_DIR,
    clock: Clock | None = None,
    store: Callable[[Event], None] | None = None,
) -> RunResult:
    """Run the selected scenarios; raises UsageError/SetupError (exit 2) before anything is recorded."""
    clock = clock or Clock()
    answers = load_answers(options.answers) if options.answers else None
    remote = None
    if options.remote is not None:
        from hubbench.engine.remote import external_options

        options, remote = external_options(options, options.remote)
    ctx = resolve(options, clock)
    if services_factory is None and remote is not None:
        from hubbench.engine.remote import connect_remote, load_remote_context

        load_remote_context(ctx)
        services_factory = connect_remote(remote)
        if options.announce is not None:
            options.announce(f"Hub externe : {remote.display} (partenaire {ctx.partner_id}) — les "
                             "vérifications côté hub seront « non vérifiables à distance »")
    elif services_factory is None:
        from hubbench.engine.wiring import connect_services, load_context_extras

        load_context_extras(ctx)
        services_factory = connect_services
    if store is None:
        store = _open_store(options, ctx)
    feed = PromptFeed(options.prompts_jsonl)
    api = _open_prompt_api(options, ctx, feed)
    bus = EventBus([store, feed, *options.listeners])
    try:
        services = services_factory(ctx, bus.emit)
    except BaseException:
        if api is not None:
            api.close()
        raise
    live = None if api is None else partial(feed.wait_answer, wait_s=options.attestation_wait)
    attestor = Attestor(ctx.run_id, bus.emit, answers, live=live,
                        live_steps=None if api is None else feed.step_control)
    plugin = EnginePlugin(ctx, services, bus.emit, attestor, options.names)
    bus.emit(
        RunStarted(
            ctx.run_id,
            vendor=ctx.vendor,
            client_id=ctx.client_id,
            link=ctx.link.name,
            vhost=ctx.vhost,
            tiers=ctx.tiers,
            pack_tag=ctx.pack_tag,
            bench_version=hubbench.__version__,
            partner_ids=(ctx.partner_id,),
            declaration=ctx.declaration.to_json() if ctx.declaration else None,
            pack=ctx.provenance.as_json() if ctx.provenance is not None else None,
            session_id=options.session_id,
        )
    )
    interrupted = False
    try:
        with _sigterm_as_interrupt():
            extra: list[object] = [] if options.stop is None else [_StopBetweenScenarios(options.stop)]
            threaded = threading.current_thread() is not threading.main_thread()
            if threaded:
                _thread_safe_current_test_var()
                extra.append(_SerialCollection())
            with _COLLECTION_LOCK:
                step_modules = _step_modules(steps_dir)
            code = pytest.main(_pytest_args(steps_dir, threaded=threaded),
                               plugins=[plugin, *extra, *step_modules])
        interrupted = plugin.interrupted or code == pytest.ExitCode.INTERRUPTED
        if not interrupted and not plugin.input_errors and not options.names:
            plugin.report_tiers_without_scenarios()
        if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR) and not plugin.summaries:
            name = pytest.ExitCode(code).name
            raise SetupError(f"Le moteur de scénarios n'a pas pu démarrer (pytest : {name})")
    except KeyboardInterrupt:
        interrupted = True
    finally:
        verdicts = [s.verdict for s in plugin.summaries]
        counts = dict(Counter(v.value for v in verdicts))
        bus.emit(RunFinished(ctx.run_id, verdict=aggregate(verdicts), counts=counts, interrupted=interrupted))
        if api is not None:
            api.close()
        close = getattr(services, "close", None)
        if callable(close):
            close()
        closer = getattr(store, "close", None)
        if callable(closer):
            closer()
    if plugin.input_errors:
        raise SetupError(
            "Scénarios du banc invalides : " + " ; ".join(plugin.input_errors[:3]),
            hint="corrigez les fichiers de features/ ou de steps/ (le système testé n'est pas en cause)",
        )
    return RunResult(
        run_id=ctx.run_id,
        verdict=aggregate(verdicts),
        counts=counts,
        scenarios=plugin.summaries,
        interrupted=interrupted,
        strict=options.strict,
        provisional=ctx.provisional,
        listener_errors=[
            f"{type(exc).__name__}: {exc}"
            for exc in [*(exc for _, exc in bus.listener_errors), *getattr(store, "errors", [])]
        ],
    )


_COLLECTION_LOCK = threading.Lock()


class _SerialCollection:
    """Runs in threads of one process collect one at a time: the first imports the features' test
    module, and another collecting meanwhile would find it half-executed (a few scenarios only)."""

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session: pytest.Session) -> Any:
        with _COLLECTION_LOCK:
            return (yield)


class _StopBetweenScenarios:
    """Ends the pytest session after the current scenario once `stop` is set (a run in a thread cannot
    get Ctrl-C: `hubbench session run` sets it for every run); the run is then marked interrupted."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        if self.stop.is_set():
            item.session.shouldstop = "exécution interrompue"


def _open_prompt_api(options: RunOptions, ctx: RunContext, feed: PromptFeed) -> RunApi | None:
    if options.prompt_api_port is None:
        return None
    api = RunApi.open(feed, run_id=ctx.run_id, home_root=ctx.home.root, link=ctx.link.name,
                      client_id=ctx.client_id,
                      vhost=ctx.vhost, host=options.prompt_api_host, port=options.prompt_api_port)
    if options.announce is not None:
        options.announce(f"API des invites : {api.server.url}/runs/{ctx.run_id}/prompts "
                         f"(jeton : {api.server.token} ; aussi dans {api.endpoint_path})")
    return api


def _open_store(options: RunOptions, ctx: RunContext) -> Callable[[Event], None]:
    from hubbench.engine.results_thread import StoreListener

    return StoreListener.open(options.db_url or ctx.home.db_url)


def _thread_safe_current_test_var() -> None:
    """pytest sets and pops `PYTEST_CURRENT_TEST`, one process-wide environment variable, around each
    test. Runs in threads of one process (`hubbench session run`) would race on it, and changing the
    environment while another thread reads it (C libraries do: TLS, time zones) is unsafe. Nothing of the
    bench reads it: once a run goes in a thread, pytest leaves the environment alone in this process."""
    import _pytest.runner as pytest_runner

    if getattr(pytest_runner._update_current_test_var, "hubbench_quiet", False):
        return

    def leave_environment_alone(item: pytest.Item, when: Any) -> None:
        return None

    leave_environment_alone.hubbench_quiet = True  # type: ignore[attr-defined]
    pytest_runner._update_current_test_var = leave_environment_alone
    with contextlib.suppress(KeyError):  # a value set before (an outer pytest) would stay stale
        os.environ.pop("PYTEST_CURRENT_TEST", None)


def _pytest_args(steps_dir: Path, *, threaded: bool = False) -> list[str]:
    """pytest's arguments; `threaded` (a run in a thread, among others): without the plugins that
    swap process-wide state around each test (warnings filters, root logger, fault handler)."""
    shared_state = ["-p", "no:warnings", "-p", "no:logging", "-p", "no:faulthandler"] if threaded else []
    return [*shared_state,
        str(steps_dir),
        "-c",
        str(steps_dir / "pytest.ini"),
        "--rootdir",
        str(steps_dir),
        "--disable-plugin-autoload",
        "-p",
        "pytest_bdd.plugin",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:unraisableexception",  # its gc.collect() passes at the end of the session cost ≈ 0.5 s
        "--import-mode=importlib",
        "--capture=no",
    ]


def _step_modules(steps_dir: Path) -> list[ModuleType]:
    """Step definition modules (every steps/*.py but the test module) registered as pytest plugins."""
    modules = []
    for path in sorted(steps_dir.glob("*.py")):
        if path.name.startswith(("test_", "conftest", "_")):
            continue
        name = f"hubbench_steps_{abs(hash(str(steps_dir)))}.{path.stem}"
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise SetupError(f"Module d'étapes illisible : {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        modules.append(module)
    return modules


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (kill) ends the run like Ctrl-C, so finished steps are kept and the run is marked."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
