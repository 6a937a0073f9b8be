"""``make bench-ingest``: end-to-end deposit throughput, deposit → MISE_A_DISPOSITION, in one run.

    .venv/bin/python -m benchmarks.ingest [--quick] [--no-memory] [--format cii|ubl|facturx]
                                          [--memory-sizes 100,1000] [--setups sqlite,pg1,pg2]
                                          [--clients 2]

What is measured (issue 5, "Benchmark make bench-ingest"):

1. **Reference**: the same invoices parsed and validated by ``facturier.einvoice.validate.validate``
   (read + XSD + EN 16931 + CIUS, no platform layer) in one process, one thread. Every
   throughput below is also given as a ratio of this one, measured in the same run.
2. **Throughput**, invoices per second from the first deposit until every invoice is
   ``MISE_A_DISPOSITION`` (counted in the database), for two workloads:
   * ``api x N``: N single-invoice deposits, one ``POST /cpro/factures/v1/deposer/flux`` each,
     through the real Django stack (URL routing, middleware, OAuth2 bearer token from
     ``/api/oauth/token`` with the demo application, ``cpro-account`` header of Au Diapason's
     technical account, JSON + base64) with **Django's test client**, from ``--clients`` client
     processes at once (default 2, forked from the benchmark process, each with its own database
     connection, one request after another: like as many gunicorn workers taking a burst, without
     the HTTP parsing, so the 2 cores go to the server side);
   * ``flow x N``: one tar.gz of N invoices deposited by the same API call;
   in three setups, each in fresh processes:
   * ``sqlite``: SQLite, no broker: tasks run eagerly in the request (after commit);
   * ``pg1``: PostgreSQL (database ``facturier_bench``, created and dropped here) and one
     ``facturier worker --concurrency 1`` (prefork) on Redis db 13;
   * ``pg2``: the same with two such ``facturier worker`` processes.
   A dedicated data directory under ``/tmp/facturier-bench-ingest``. The end is polled every 0.1 s.
3. **Peak memory** of processing one big tar.gz flow (CII invoices each carrying a 6 MB
   incompressible attachment, 8.4 MB of XML each), received by ``flow_receive(fileobj=…,
   channel=SFTP)`` as the SFTP server does (the API caps flows at 30 MB) and processed eagerly in
   the same fresh process on PostgreSQL: peak RSS (``VmHWM``) over the process's RSS before the
   flow, for two flow sizes, to show it does not grow with the flow.

The machine's core count and load average are printed. Not a test: the suite never imports it.
"""

from __future__ import annotations

import argparse
import base64
import resource
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ROOT = Path(os.environ.get("FACTURIER_BENCH_DIR", "/tmp/facturier-bench-ingest"))
PG_ADMIN = os.environ.get("FACTURIER_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "facturier_bench"
REDIS_URL = os.environ.get("FACTURIER_BENCH_REDIS", "redis://127.0.0.1:6379/13")
DEPOSER_FLUX = "/cpro/factures/v1/deposer/flux"
STALL_SECONDS = 60  # a workload in which nothing moved for this long has stalled
SETUPS = {
    "sqlite": ("SQLite, in-process (eager)", "sqlite", 0),
    "pg1": ("PostgreSQL, 1 worker", "pg", 1),
    "pg2": ("PostgreSQL, 2 workers", "pg", 2),
}


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)])


def _status_kib(pid: int | str, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak(pid: int | str = "self") -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


def _loadavg() -> str:
    return "%.2f %.2f %.2f" % os.getloadavg()


# --- reference ------------------------------------------------------------------------------------


def reference(fmt: str, n: int) -> dict[str, Any]:
    from benchmarks.ingest_data import invoices
    from facturier.einvoice.validate import validate

    docs = invoices(fmt, "REF", n)
    for _, data in docs[:20]:  # schemas and rule tables compiled before timing
        validate(data)
    t0 = time.perf_counter()
    valid = sum(validate(data, file=name).valid for name, data in docs)
    seconds = time.perf_counter() - t0
    return {"n": n, "seconds": seconds, "rate": n / seconds, "valid": valid}


# --- children (one fresh process per setup) -------------------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


_CLIENTS: dict[str, Any] = {}  # set before the client processes fork: what they share


def _deposit_share(k: int) -> list[str]:
    """In client process ``k`` (forked from the benchmark child): deposit every ``clients``-th
    invoice from the ``k``-th, one request at a time."""
    deposit, docs, clients = _CLIENTS["deposit"], _CLIENTS["docs"], _CLIENTS["clients"]
    return [deposit(name, data) for name, data in docs[k::clients]]


def child_throughput(fmt: str, n: int, setup_key: str, clients: int = 1) -> dict[str, Any]:
    """Run both workloads on the configured database and broker; print a JSON line."""
    import logging

    logging.disable(logging.WARNING)
    _django()
    from django.test import Client

    from benchmarks.ingest_data import SYNTAXES, invoices, targz
    from facturier.core.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TECH_PASSWORD, TECH_LOGIN, load_demo
    from facturier.flows.models import Flow, FlowItem
    from facturier.invoices.enums import InvoiceStatus
    from facturier.invoices.models import Invoice

    load_demo()
    client = Client()
    response = client.post(
        "/api/oauth/token",
        {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET},
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_CPRO_ACCOUNT": base64.b64encode(f"{TECH_LOGIN}:{DEMO_TECH_PASSWORD}".encode()).decode(),
    }
    syntax = SYNTAXES[fmt]

    def deposit(name: str, data: bytes) -> str:
        body = {
            "idUtilisateurCourant": 0,
            "fichierFlux": base64.b64encode(data).decode(),
            "nomFichier": name,
            "syntaxeFlux": syntax,
            "avecSignature": False,
        }
        r = client.post(DEPOSER_FLUX, data=json.dumps(body), content_type="application/json", **headers)
        payload = r.json()
        assert r.status_code == 200 and payload.get("codeRetour") == 0, (r.status_code, payload)
        return payload["numeroFluxDepot"]

    # Warm-up (not timed): one deposit, so imports, schemas and the password check are done.
    warm = invoices(fmt, f"WARM-{setup_key}", 1)[0]
    deposit(*warm)
    _wait(lambda: Invoice.objects.filter(number=warm[0].rsplit(".", 1)[0]).exists(), 60)

    def done(prefix: str) -> int:
        return Invoice.objects.filter(number__startswith=prefix + "-", status=InvoiceStatus.MISE_A_DISPOSITION).count()

    def rejected(prefix: str) -> list[Any]:
        return list(
            FlowItem.objects.filter(entry_name__startswith=prefix + "-", outcome=FlowItem.Outcome.REJETE)
            .values_list("entry_name", "errors")[:3]
        )

    results: dict[str, Any] = {"load_before": _loadavg(), "clients": clients}
    log_marks: list[list[int]] = []
    for workload in ("api", "flow"):
        prefix = f"{workload.upper()}-{setup_key.upper()}"
        docs = invoices(fmt, prefix, n)
        lot = targz(docs) if workload == "flow" else b""
        # Each workload starts on idle workers: the jobs the previous one queued after its invoices
        # reached MISE_A_DISPOSITION (notifications, EDI reports, flow reports) are done first.
        drained = _drain_queue(900)
        log_marks.append(_log_sizes())
        pool = None
        if workload == "api" and clients > 1:
            # Clients as processes forked now (Django set up, the password check remembered), each
            # with its own database connection: like as many gunicorn workers, without HTTP.
            import multiprocessing

            from django.db import connections

            connections.close_all()
            _CLIENTS.update(deposit=deposit, docs=docs, clients=clients)
            pool = multiprocessing.get_context("fork").Pool(clients)
        load0 = os.getloadavg()[0]
        cpu0 = _cpu_snapshot()
        t0 = time.perf_counter()
        if pool is not None:
            numbers = [number for share in pool.map(_deposit_share, range(clients)) for number in share]
            pool.close()
            pool.join()
        elif workload == "api":
            numbers = [deposit(name, data) for name, data in docs]
        else:
            numbers = [deposit(f"{prefix}.tar.gz", lot)]
        accepted = time.perf_counter() - t0
        ok, stalled = _wait_progress(lambda p=prefix, f=numbers: done(p) >= n or _final(Flow, f),
                                     lambda p=prefix, f=numbers: (done(p), _open_flows(Flow, f)), 900)
        seconds = time.perf_counter() - t0
        cpu1 = _cpu_snapshot()
        count = done(prefix)
        results[workload] = {
            "n": n,
            "integrated": count,
            "seconds": seconds,
            "rate": count / seconds,
            "accepted_seconds": accepted,
            "accept_rate": len(docs) / accepted,
            "flow_bytes": len(lot),
            "timed_out": not ok,
            # Flows not final when nothing moved any more (the benchmark's workers run no sweeper).
            "stalled_flows": stalled,
            "rejected": rejected(prefix),
            "load1_before": load0,
            "load1_after": os.getloadavg()[0],
            "drained_before_seconds": drained,
            "flows_final_seconds": _wait_final(Flow, numbers, t0) if not stalled else float("nan"),
            # CPU seconds per invoice from the first deposit to the last MISE_A_DISPOSITION.
            "cpu_ms_per_invoice": {k: 1000 * (cpu1[k] - cpu0[k]) / n for k in cpu0},
        }
    results["drained_after_seconds"] = _drain_queue(900)
    log_marks.append(_log_sizes())
    for k, workload in enumerate(("api", "flow")):
        results[workload]["worker_tasks"] = _task_seconds(log_marks[k], log_marks[k + 1])
    results["load_after"] = _loadavg()
    return results


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int | str) -> float:
    """CPU seconds (user + system) of a live process and of its live descendants."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / _TICK
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, IndexError, ValueError):
        return 0.0
    return own + sum(_proc_cpu(child) for child in children)


def _named_cpu(name: str) -> float:
    """CPU seconds of every live process whose command name is ``name`` (postgres, redis-server)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if stat[stat.index("(") + 1:stat.rindex(")")] == name:
                fields = stat.rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy (all cores, /proc/stat), other jobs included."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / _TICK  # less idle and iowait


def _cpu_snapshot() -> dict[str, float]:
    """Where the CPU went, as counters: the benchmark process with its exited children (the client
    processes), the worker processes, PostgreSQL's backends, Redis, and the whole machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = [p for p in os.environ.get("FACTURIER_BENCH_WORKER_PIDS", "").split(",") if p]
    return {
        "clients": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "workers": sum(_proc_cpu(pid) for pid in workers),
        "postgres": _named_cpu("postgres"),
        "redis": _named_cpu("redis-server"),
        "machine": _machine_busy(),
    }


def _worker_logs() -> list[Path]:
    return [Path(p) for p in os.environ.get("FACTURIER_BENCH_WORKER_LOGS", "").split(os.pathsep) if p]


def _log_sizes() -> list[int]:
    return [log.stat().st_size for log in _worker_logs()]


def _task_seconds(start: list[int], end: list[int]) -> dict[str, list[float]]:
    """Worker time by task name between two marks of the worker logs: {name: [count, seconds]}."""
    import re

    done = re.compile(r"Task ([\w.]+)\[[^\]]+\] succeeded in ([0-9.e-]+)s")
    totals: dict[str, list[float]] = {}
    for log, a, b in zip(_worker_logs(), start, end, strict=True):
        with log.open("rb") as fh:
            fh.seek(a)
            text = fh.read(b - a).decode("utf-8", "replace")
        for name, seconds in done.findall(text):
            total = totals.setdefault(name, [0, 0.0])
            total[0] += 1
            total[1] += float(seconds)
    return totals


def _drain_queue(timeout: float) -> float:
    """Seconds until the broker's default queue is empty and no task is running (0 without a broker)."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        return 0.0
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    t0 = time.perf_counter()
    # kombu's Redis transport keeps the messages being processed (acks_late) in the "unacked" hash.
    _wait(lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0, timeout)
    return time.perf_counter() - t0


def _wait_final(flow_model: Any, numbers: list[str], t0: float) -> float:
    """Seconds from the first deposit until every flow is final (report written)."""
    _wait(lambda: _final(flow_model, numbers), 300)
    return time.perf_counter() - t0


def _final(flow_model: Any, numbers: list[str]) -> bool:
    return _open_flows(flow_model, numbers) == 0


def _open_flows(flow_model: Any, numbers: list[str]) -> int:
    from facturier.flows.models import FlowState

    finals = (FlowState.IN_INTEGRE, FlowState.IN_INTEGRE_PARTIEL, FlowState.IN_REJETE)
    return flow_model.objects.filter(number__in=numbers).exclude(state__in=finals).count()


def _wait_progress(condition: Any, progress: Any, timeout: float) -> tuple[bool, int]:
    """Wait for ``condition``, polling every 0.1 s for at most ``timeout`` seconds. With ``progress``,
    give up as well when ``progress()`` (invoices done, flows still open) has not changed for
    STALL_SECONDS: flows left without a run would otherwise hold the benchmark for the whole
    ``timeout``. Returns (condition met, flows still open when it stalled, else 0)."""
    deadline = time.monotonic() + timeout
    last, since = (progress() if progress else None), time.monotonic()
    while not condition():
        now = time.monotonic()
        if now > deadline:
            return False, 0
        if progress:
            state = progress()
            if state != last:
                last, since = state, now
            elif now - since > STALL_SECONDS:
                return False, state[1]
        time.sleep(0.1)
    return True, 0


def _wait(condition: Any, timeout: float) -> bool:
    return _wait_progress(condition, None, timeout)[0]


def child_memory(paths: list[str]) -> dict[str, Any]:
    """Receive and process each big flow in this process (eager); peak RSS per flow."""
    import gc
    import logging

    logging.disable(logging.WARNING)
    _django()
    from django.db import reset_queries

    from benchmarks.ingest_data import write_big_flow
    from facturier.accounts.models import User
    from facturier.core.demo import TECH_LOGIN, load_demo
    from facturier.flows.models import Channel, Flow
    from facturier.flows.services import flow_receive

    load_demo()
    actor = User.objects.get(email=TECH_LOGIN)
    # Warm-up with one big invoice: imports, schemas, buffers of the reader and the storage.
    warm = ROOT / "warm.tar.gz"
    write_big_flow(warm, "MEM-WARM", 1)
    _receive(flow_receive, actor, warm, Channel.SFTP)
    out = []
    for path in map(Path, paths):
        gc.collect()
        reset_queries()
        _reset_peak()
        before = _status_kib("self", "VmRSS")
        t0 = time.perf_counter()
        flow = _receive(flow_receive, actor, path, Channel.SFTP)
        seconds = time.perf_counter() - t0
        flow = Flow.objects.get(pk=flow.pk)
        out.append({
            "path": str(path),
            "size": path.stat().st_size,
            "state": flow.state,
            "invoices": flow.invoice_count,
            "integrated": flow.integrated_count,
            "seconds": seconds,
            "rss_before_kib": before,
            "peak_kib": _status_kib("self", "VmHWM"),
        })
    return {"flows": out}


def _receive(flow_receive: Any, actor: Any, path: Path, channel: Any) -> Any:
    from benchmarks.ingest_data import SYNTAXES

    with path.open("rb") as fh:
        return flow_receive(actor=actor, fileobj=fh, file_name=path.name, syntax=SYNTAXES["cii"], channel=channel)


# --- orchestration --------------------------------------------------------------------------------


def _env(setup: str, data_dir: Path, *, broker: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "FACTURIER_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "FACTURIER_DATA_DIR": str(data_dir),
        "FACTURIER_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "FACTURIER_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    })
    if setup == "pg":
        env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB
    if broker:
        env["CELERY_BROKER_URL"] = REDIS_URL
    return env


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _recreate_pg() -> None:
    _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    _pg(f"CREATE DATABASE {PG_DB}")


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _run(args: list[str], env: dict[str, str], timeout: float = 1800) -> str:
    proc = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return proc.stdout


def _start_workers(count: int, env: dict[str, str], data_dir: Path) -> list[tuple[subprocess.Popen[bytes], Path]]:
    workers = []
    for i in range(count):
        log = data_dir / f"worker{i + 1}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "facturier.cli", "worker", "--concurrency", "1", "--loglevel", "INFO",
             "--hostname", f"bench{i + 1}@%h"],
            env=env, cwd=REPO, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        workers.append((proc, log))
    deadline = time.monotonic() + 60
    for proc, log in workers:
        while b" ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
    return workers


def _worker_peaks(workers: list[tuple[subprocess.Popen[bytes], Path]]) -> list[int]:
    """Peak RSS (KiB) of each worker's pool process (the prefork child that runs the tasks)."""
    peaks = []
    for proc, _ in workers:
        try:
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        except OSError:
            children = []
        peaks.append(max([_status_kib(c, "VmHWM") for c in children] or [0]))
    return peaks


def _stop_workers(workers: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    for proc, _ in workers:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc, _ in workers:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run_setup(key: str, fmt: str, n: int, clients: int) -> dict[str, Any]:
    label, db, worker_count = SETUPS[key]
    data_dir = ROOT / key
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = _env(db, data_dir, broker=worker_count > 0)
    if db == "pg":
        _recreate_pg()
    if worker_count:
        _flush_redis()
    _run([sys.executable, "-m", "facturier.cli", "migrate", "--noinput", "-v", "0"], env)
    workers = _start_workers(worker_count, env, data_dir) if worker_count else []
    try:
        env["FACTURIER_BENCH_WORKER_LOGS"] = os.pathsep.join(str(log) for _, log in workers)
        env["FACTURIER_BENCH_WORKER_PIDS"] = ",".join(str(proc.pid) for proc, _ in workers)
        out = _run([sys.executable, "-m", "benchmarks.ingest", "--child", key, "--format", fmt, "-n", str(n),
                    "--clients", str(clients)], env)
        result = json.loads(out.strip().splitlines()[-1])
        result["worker_peak_kib"] = _worker_peaks(workers)
    finally:
        _stop_workers(workers)
    result["label"] = label
    result["workers"] = worker_count
    return result


def run_memory(sizes_mb: list[int]) -> dict[str, Any]:
    from benchmarks.ingest_data import write_big_flow

    data_dir = ROOT / "memory"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    paths, generated = [], []
    for mb in sizes_mb:
        path = data_dir / f"lot-{mb}MB.tar.gz"
        t0 = time.perf_counter()
        count, raw, size = write_big_flow(path, f"MEM{mb}", mb * 1_000_000)
        generated.append({"mb": mb, "entries": count, "raw": raw, "size": size, "seconds": time.perf_counter() - t0})
        paths.append(str(path))
    env = _env("pg", data_dir, broker=False)
    _recreate_pg()
    _run([sys.executable, "-m", "facturier.cli", "migrate", "--noinput", "-v", "0"], env)
    out = _run([sys.executable, "-m", "benchmarks.ingest", "--child-memory", *paths], env, timeout=3600)
    result = json.loads(out.strip().splitlines()[-1])
    for flow, gen in zip(result["flows"], generated, strict=True):
        flow.update(gen)
    return result


def report(ref: dict[str, Any], setups: list[dict[str, Any]], memory: dict[str, Any] | None, fmt: str) -> str:
    lines = [
        f"facturier bench-ingest — {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {_loadavg()} (1/5/15 min) at the end",
        "",
        f"Reference: validate() of the same {fmt.upper()} invoices in one process, one thread: "
        f"{ref['rate']:.0f} invoices/s ({ref['n']} in {ref['seconds']:.2f} s, {ref['valid']} valid).",
        "",
        "End to end, first deposit -> every invoice MISE_A_DISPOSITION (Django test client, OAuth token + "
        f"cpro-account; the single deposits from {setups[0].get('clients', 1) if setups else 1} client process(es) "
        "at once, each one request at a time; 'accepted/s' = HTTP 200 responses per second):",
    ]
    rows = []
    for s in setups:
        for workload, label in (("api", f"{s['api']['n']} single API deposits"), ("flow", f"1 tar.gz flow of {s['flow']['n']}")):
            r = s[workload]
            status = (f"STALLED, {r['stalled_flows']} flows not final" if r.get("stalled_flows")
                      else "TIMEOUT" if r["timed_out"] else ("REJECTS" if r["rejected"] else "ok"))
            rows.append([
                s["label"], label, str(r["integrated"]), "%.2f" % r["seconds"],
                "%.2f" % r.get("flows_final_seconds", float("nan")), "%.1f" % r["rate"],
                "%.2f %%" % (100 * r["rate"] / ref["rate"]), "%.1f" % r["accept_rate"],
                "%.2f/%.2f" % (r["load1_before"], r["load1_after"]),
                ",".join("%.0f" % (k / 1024) for k in s["worker_peak_kib"]) or "-", status,
            ])
    lines.append(table(
        ["setup", "workload", "MAD", "seconds", "flows final s", "invoices/s", "of reference", "accepted/s",
         "load1 before/after",
         "worker peak RSS MB", "check"],
        rows,
    ))
    for s in setups:
        if s["workers"]:
            lines.append(
                f"  {s['label']}: jobs queued after MISE_A_DISPOSITION (notifications, reports) drained "
                f"{s['flow'].get('drained_before_seconds', 0):.1f} s after the API workload and "
                f"{s.get('drained_after_seconds', 0):.1f} s after the flow workload."
            )
        for workload in ("api", "flow"):
            tasks = s[workload].get("worker_tasks") or {}
            if tasks:
                lines.append(f"  {s['label']}, {workload} workload, worker time by task until the queue drained: "
                             + ", ".join(f"{name} {int(c)} x = {sec:.1f} s" for name, (c, sec)
                                         in sorted(tasks.items(), key=lambda t: -t[1][1])))
            # "postgres": the backends still alive at the end (the workers'); "rest": what the other
            # counters miss (the exited client processes' backends, the kernel, other jobs).
            cpu = s[workload].get("cpu_ms_per_invoice")
            if cpu:
                lines.append(
                    f"  {s['label']}, {workload} workload, CPU ms per invoice: "
                    + ", ".join(f"{k} {cpu[k]:.2f}" for k in ("clients", "workers", "postgres", "redis"))
                    + ", rest %.2f" % (cpu["machine"] - sum(cpu[k] for k in ("clients", "workers", "postgres", "redis")))
                    + f"; whole machine {cpu['machine']:.2f} (all cores; {os.cpu_count()} cores give "
                    f"{1000 * (os.cpu_count() or 1) / max(cpu['machine'], 1e-9):.0f} invoices/s at this cost)"
                )
            if s[workload]["rejected"]:
                lines.append(f"  {s['label']} {workload}: rejected entries, e.g. {s[workload]['rejected'][:1]}")
    target = [s for s in setups if s["workers"] == 2]
    if target:
        best = max(target[0]["api"]["rate"], target[0]["flow"]["rate"])
        lines.append("")
        lines.append(
            "Target >= 200 invoices/s with PostgreSQL and 2 workers: "
            + ("MET" if min(target[0]["api"]["rate"], target[0]["flow"]["rate"]) >= 200 else
               "NOT MET" if best < 200 else "met for one workload only")
            + " (api %.1f/s, flow %.1f/s)." % (target[0]["api"]["rate"], target[0]["flow"]["rate"])
        )
    if memory:
        lines += ["", "Peak memory, one big tar.gz flow received by flow_receive(fileobj, channel=SFTP) and processed "
                  "in the same process (eager, PostgreSQL); CII invoices of ~8.4 MB (6 MB attachment each):"]
        mrows = []
        for f in memory["flows"]:
            mrows.append([
                "%.0f" % (f["size"] / 1e6), str(f["entries"]), "%.0f" % (f["raw"] / 1e6), f["state"],
                "%d/%d" % (f["integrated"], f["invoices"]), "%.1f" % f["seconds"],
                "%.1f" % (f["size"] / 1e6 / f["seconds"]), "%.0f" % (f["rss_before_kib"] / 1024),
                "%.0f" % (f["peak_kib"] / 1024), "%.0f" % ((f["peak_kib"] - f["rss_before_kib"]) / 1024),
            ])
        lines.append(table(
            ["flow MB", "entries", "uncompressed MB", "state", "integrated", "seconds", "MB/s", "RSS before MB",
             "peak RSS MB", "peak growth MB"],
            mrows,
        ))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 invoices, memory with 20 MB and 100 MB flows")
    parser.add_argument("-n", type=int, default=None, help="invoices per workload (default 1000, --quick 100)")
    parser.add_argument("--format", default="cii", choices=("cii", "ubl", "facturx"))
    parser.add_argument("--setups", default="sqlite,pg1,pg2")
    parser.add_argument("--clients", type=int, default=2,
                        help="client processes depositing the single invoices at once (default 2)")
    parser.add_argument("--memory-sizes", default=None, help="flow sizes in MB (default 100,1000; --quick 20,100)")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (worker logs) at the end")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-memory", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n = args.n or (100 if args.quick else 1000)
    if args.child:
        print(json.dumps(child_throughput(args.format, n, args.child, args.clients)))
        return 0
    if args.child_memory:
        print(json.dumps(child_memory(args.child_memory)))
        return 0

    ROOT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"{os.cpu_count()} cores, load average {_loadavg()}; {n} invoices per workload, {args.format.upper()}",
          flush=True)
    ref = reference(args.format, n)
    print(f"reference: {ref['rate']:.0f} invoices/s", flush=True)
    setups = []
    try:
        for key in args.setups.split(","):
            setups.append(run_setup(key, args.format, n, args.clients))
            s = setups[-1]
            print(f"{s['label']}: api {s['api']['rate']:.1f}/s, flow {s['flow']['rate']:.1f}/s", flush=True)
        memory = None
        if not args.no_memory:
            sizes = [int(x) for x in (args.memory_sizes or ("20,100" if args.quick else "100,1000")).split(",")]
            memory = run_memory(sizes)
    finally:
        if any(SETUPS[k][1] == "pg" for k in args.setups.split(",")) or not args.no_memory:
            _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    if args.json:
        Path(args.json).write_text(json.dumps({"reference": ref, "setups": setups, "memory": memory}, indent=1))
    print()
    print(report(ref, setups, memory, args.format))
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s; data under {ROOT} "
          f"({'kept' if args.keep else 'removed'}).")
    if not args.keep:
        shutil.rmtree(ROOT, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
