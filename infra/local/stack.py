"""Start and stop the local stack in order: state, moto, resources, workers, pollers, front."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.local import (
    resources,
    s3_listing,
    seed,
    settings,
    snapshot,
    sources,
    template,
    tracking,
    webconfig,
)
from infra.local.checkpoints import CHECKPOINT_FILE, Checkpoints
from infra.local.clients import client
from infra.local.cognito_hook import CognitoHook, Trigger
from infra.local.front import Front, LocalRoute
from infra.local.hygiene import IteratorJanitor, forget_iterators, release_in_flight_messages
from infra.local.motoserver import GatedMotoServer
from infra.local.origins import LOOPBACK, advertised_host, web_origins
from infra.local.renditions import RenditionStore
from infra.local.schedule import ScheduleRunner, period_seconds
from infra.local.snapshotter import Snapshotter
from infra.local.sqs_poller import WAIT_SECONDS, SqsPoller
from infra.local.stream_poller import StreamPoller
from infra.local.stream_trim import trim_handled
from infra.local.workers import LambdaContext, WorkerPool

log = logging.getLogger(__name__)

SNAPSHOT_FILE = "moto-state.pickle"
FAILURES_FILE = "stream-failures.jsonl"
STOP_GRACE_SECONDS = 5.0
POST_CONFIRMATION = "post_confirmation"  # the app's function template.yaml's pool triggers
FAULT_ENV = "FAULT_INJECTION"


@dataclass(frozen=True)
class StackOptions:
    """Everything `python -m infra.local` can be told."""

    port: int
    moto_port: int
    data_dir: Path
    app_spec: str
    workers: int
    template_path: Path
    web_root: Path
    snapshot_interval: float = settings.DEFAULT_SNAPSHOT_INTERVAL
    visibility_timeout: int | None = None
    seed: bool = False
    host: str = LOOPBACK  # the address both servers bind; 127.0.0.1 unless --host says

    @property
    def public_host(self) -> str:
        """The host the stack's URLs name (a wildcard bind is named 127.0.0.1)."""
        return advertised_host(self.host)


def post_confirmation_trigger(app: Any) -> Trigger:
    """The app's post-confirmation function, run in this process as the API is: Cognito waits
    for it. Looked up per call, so an app without one fails a sign-up, not the start."""

    def trigger(event: dict[str, Any]) -> Any:
        handler = sources.handler(app, POST_CONFIRMATION)
        return handler(event, LambdaContext(POST_CONFIRMATION))

    return trigger


def take_faults(environ: MutableMapping[str, str]) -> str:
    """FAULT_INJECTION (`make soak`), taken out of this process's environment: faults are for
    the functions the pollers invoke; the API served in this process, the start-up reindex and
    the operator's commands (stack.json's env) run without them."""
    return environ.pop(FAULT_ENV, "")


def worker_env(env: Mapping[str, str], faults: str) -> dict[str, str]:
    """The functions' environment, with the fault plan when there is one."""
    return {**env, FAULT_ENV: faults} if faults else dict(env)


def _ensure_free(host: str, port: int, flag: str) -> None:
    bare = host.strip("[]")
    with socket.socket(socket.AF_INET6 if ":" in bare else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            probe.bind((bare, port))
        except OSError as exc:
            raise OSError(f"port {port} is in use ({exc.strerror}): choose another with {flag}"
                          ) from exc


class Stack:
    """The running local stack; `stop()` undoes whatever `start()` got to."""

    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.moto: GatedMotoServer | None = None
        self.pool: WorkerPool | None = None
        self.pollers: list[SqsPoller | StreamPoller | ScheduleRunner] = []
        self.front: Front | None = None
        self.snapshotter: Snapshotter | None = None
        self.janitor = IteratorJanitor()
        self.env: dict[str, str] = {}
        self._faults = ""
        self.ready = threading.Event()  # set once seeded: /api/health answers 200 from then on
        data = options.data_dir
        self._snapshot_path = data / SNAPSHOT_FILE
        self._checkpoints = Checkpoints(data / CHECKPOINT_FILE)

    def start(self) -> None:
        """Bring everything up; on failure, stop what was started and re-raise."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        self._faults = take_faults(os.environ)
        options = self.options
        for port, flag in ((options.port, "--port"), (options.moto_port, "--moto-port")):
            _ensure_free(options.host, port, flag)  # fail before the slow part, and say which port
        options.data_dir.mkdir(parents=True, exist_ok=True)
        tracking.track_weakly(snapshot.SERVICES)  # before any moto object is made or restored
        s3_listing.narrow_version_listings()
        self._restore_state()
        self.moto = GatedMotoServer(options.moto_port, options.host,
                                    web_origins(options.port, options.host))
        self.moto.start()
        created = self._create_resources(self.moto.endpoint_url)
        app = sources.load_app(options.app_spec)  # after the env: config is read at import
        settings.reconcile_search()  # the table is the truth: no ghosts, nothing missing
        self._start_handlers(app, self.moto.endpoint_url)
        s3 = client("s3", self.moto.endpoint_url)
        renditions = RenditionStore(s3, self.env.get("RENDITIONS_BUCKET", ""))
        self.front = Front(options.port, app, renditions, options.web_root,
                           self._local_routes(self.moto.endpoint_url, app), self.ready,
                           webconfig.content_security_policy(self.moto.endpoint_url),
                           options.host)
        self.front.start()
        retention = settings.stream_retention()
        self.snapshotter = Snapshotter(
            self._snapshot_path, self.moto.gate, self._extras, options.snapshot_interval,
            prune=lambda extras: trim_handled(extras.get("checkpoints", {}), retention),
        )
        self.snapshotter.start()
        self.janitor.start()
        settings.write_stack(options.data_dir, options.port, options.moto_port, self.env, created,
                             options.public_host)
        if options.seed:
            seed.seed_samples(f"http://{options.public_host}:{options.port}",
                              self.moto.endpoint_url, self.env)
        self.ready.set()

    def _local_routes(self, endpoint: str, app: Any) -> dict[str, LocalRoute]:
        port, host = self.options.port, self.options.host
        hook = CognitoHook(endpoint, self.env["COGNITO_USER_POOL_ID"],
                           post_confirmation_trigger(app), web_origins(port, host))
        config = webconfig.local_web_config(port, self.env, self.options.public_host)
        return {webconfig.CONFIG_PATH: webconfig.config_route(config),
                webconfig.LOCAL_COGNITO_PATH: hook.handle}

    def _restore_state(self) -> None:
        saved = snapshot.load(self._snapshot_path)
        if saved is not None:
            snapshot.restore(saved)
            forget_iterators()
            released = release_in_flight_messages()  # their consumers died with the last run
            log.info("restored; %d SQS message(s) in flight at the stop made visible", released)
            self._checkpoints.replace(saved.extras.get("checkpoints", {}))

    def _create_resources(self, endpoint: str) -> dict[str, template.Created]:
        parsed = template.load(self.options.template_path)
        options = resources.Options(self.options.visibility_timeout)
        created = resources.create_all(parsed, resources.Clients(endpoint), options)
        self.env = settings.function_env(
            parsed, created, self.options.port, endpoint, self.options.data_dir,
            self.options.public_host,
        )
        os.environ.update(self.env)
        return created

    def _start_handlers(self, app: Any, endpoint: str) -> None:
        env = worker_env(self.env, self._faults)
        self.pool = WorkerPool(env, self.options.app_spec, self.options.workers)
        self.pool.warm_up()
        self.pollers = [self._poller(source, endpoint) for source in sources.discover(app)]
        for poller in self.pollers:
            poller.start()

    def _extras(self) -> dict[str, Any]:
        return {"checkpoints": self._checkpoints.all()}

    def _poller(
        self, source: sources.Source, endpoint: str
    ) -> SqsPoller | StreamPoller | ScheduleRunner:
        assert self.pool is not None
        if isinstance(source, sources.ScheduleSource):  # the sweeper, every LOCAL_SWEEP_SECONDS
            return ScheduleRunner(source, self.pool, period_seconds())
        if isinstance(source, sources.QueueSource):
            sqs = client("sqs", endpoint, read_timeout=WAIT_SECONDS + 30)
            try:
                url = sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
            except Exception as exc:
                raise RuntimeError(
                    f"{source.function} reads queue {source.queue!r}, not in the template"
                ) from exc
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            concurrency = min(source.maximum_concurrency or self.pool.size, self.pool.size)
            return SqsPoller(source, sqs, url, arn["Attributes"]["QueueArn"], self.pool,
                             concurrency)
        table = client("dynamodb", endpoint).describe_table(TableName=source.table)["Table"]
        if not table.get("LatestStreamArn"):
            raise RuntimeError(f"{source.function} reads table {source.table!r}, without stream")
        return StreamPoller(
            source, client("dynamodbstreams", endpoint), table["LatestStreamArn"], self.pool,
            self._checkpoints, self.options.data_dir / FAILURES_FILE,
        )

    def stop(self) -> None:
        """Stop everything in reverse order, taking a last snapshot; safe to call twice."""
        steps: list[tuple[str, Callable[[], None]]] = [
            ("front", self._stop_front),
            ("pollers", self._stop_pollers),
            ("janitor", self.janitor.stop),
            ("snapshot", self._final_snapshot),
            ("moto", self._stop_moto),
            ("stack.json", self._forget_stack),
        ]
        for name, step in steps:
            try:
                step()
                log.debug("stopped: %s", name)
            except Exception:
                log.exception("stopping %s failed", name)

    def _stop_front(self) -> None:
        if self.front is not None:
            self.front.stop()
            self.front = None

    def _stop_pollers(self) -> None:
        for poller in self.pollers:
            poller.request_stop()
        if self.pool is not None:
            self.pool.shutdown(STOP_GRACE_SECONDS)
            self.pool = None
        for poller in self.pollers:
            poller.join()
        self.pollers = []

    def _final_snapshot(self) -> None:
        if self.snapshotter is None or self.moto is None:
            return
        self.snapshotter.stop()
        # Always, and with the gate left shut: a write acknowledged after it would be lost.
        self.snapshotter.save_now(final=True)
        self.snapshotter = None

    def _stop_moto(self) -> None:
        if self.moto is not None:
            self.moto.stop()
            self.moto = None

    def _forget_stack(self) -> None:
        stack_file = self.options.data_dir / settings.STACK_FILE
        current = settings.read_stack(self.options.data_dir)
        if current is not None and current.get("pid") == os.getpid():
            stack_file.unlink(missing_ok=True)
