"""``make bench-validate``: native validation against the official Schematron, in one run.

    .venv/bin/python -m benchmarks.validate [--quick]

What is measured (one process, one thread, so "per second" is per core):

1. **Corpus.** Every ``core`` XML document of the corpus (UBL; CII, including the CII extracted
   from the Factur-X PDFs, which the corpus ships as ``_pdf-extracted/`` files):
   * native = read (hardened parse + model) + XSD + native EN 16931 rules;
   * reference = hardened parse + the official Schematron XSLT through saxonche (what
     ``--reference`` runs for the ``en16931`` layer). The reference side does **not** include
     the XSD check: the official artefacts are Schematron only, and leaving it out favours the
     reference, so the ratio is conservative.
   Stylesheets, schemas and rule tables are compiled before timing; compile times are printed.
   Native and reference passes alternate (same load drift on a shared machine), both with the
   cyclic GC paused as :func:`facturier.einvoice.validate.validate` runs. The same passes are
   also reported in process CPU time (all threads), which other jobs on a busy machine do not
   inflate the way they inflate wall-clock time.
2. **Synthetic invoices** of 1 to 10,000 lines (a valid corpus UBL and CII whose line is
   replicated, totals recomputed: :mod:`benchmarks.synthetic`), each size in a fresh subprocess:
   the time of a ``validate()`` call (best and median of several runs; it includes building the
   report and freeing the document, which the call does before it returns), the process's peak
   RSS (``VmHWM``, C allocations of libxml2 included, which tracemalloc would miss) and its growth
   over the RSS before the big invoice was read (the invoice bytes themselves are already loaded).
3. **Cold start**: ``facturier validate`` on one file in a fresh process, wall time from process
   start to exit; and, inside a fresh interpreter, from the first import to the first report. The
   artefact cache (``FACTURIER_EINVOICE_CACHE``) is a directory of the run's own: one process per
   file first runs on an empty one (timed alone, as the first run on a machine), the others read it.

Not a test: the suite never imports it.
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = (1, 10, 100, 1_000, 10_000)
UBL_TEMPLATE = "en16931-artefacts/ubl/examples/ubl-tc434-example9.xml"
CII_TEMPLATE = "en16931-artefacts/cii/examples/CII_example9.xml"
COLD_FILES = (
    ("UBL", "en16931-artefacts/ubl/examples/ubl-tc434-example1.xml"),
    ("CII", "en16931-artefacts/cii/examples/CII_example1.xml"),
    ("Factur-X PDF", "facturx-akretion/tests/fixtures/pdf/invoice_EN16931.pdf"),
)


def corpus_root() -> Path:
    return Path(os.environ.get("FACTURIER_CORPUS") or REPO.parent / "shared" / "corpus")


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return "%.2f" % (seconds * 1000)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [fmt(headers), fmt(["-" * w for w in widths])]
    out += [fmt(row) for row in rows]
    return "\n".join(out)


# --- 1. corpus ------------------------------------------------------------------------------------


@dataclass
class Doc:
    path: str
    syntax: str  # ubl | cii
    data: bytes
    verdict: str
    fatal: frozenset[str]


@dataclass
class Series:
    samples: list[float] = field(default_factory=list)
    total: float = 0.0

    def add(self, seconds: float) -> None:
        self.samples.append(seconds)
        self.total += seconds

    @property
    def per_second(self) -> float:
        return len(self.samples) / self.total if self.total else 0.0


def corpus_docs(root: Path) -> list[Doc]:
    docs = []
    with (root / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["relevance"] != "core" or row["kind"] not in ("ubl-invoice", "ubl-creditnote", "cii"):
                continue
            docs.append(
                Doc(
                    row["path"],
                    "cii" if row["kind"] == "cii" else "ubl",
                    (root / row["path"]).read_bytes(),
                    row["en16931_verdict"],
                    frozenset(x for x in row["en16931_fatal_rules"].split(",") if x),
                )
            )
    return docs


def bench_corpus(docs: list[Doc], native_passes: int, reference_passes: int) -> list[str]:
    from facturier.einvoice import read
    from facturier.einvoice.findings import Syntax
    from facturier.einvoice.reference import reference_validate, warm_up
    from facturier.einvoice.rules.engine import validate_en16931
    from facturier.einvoice.security import parse_xml
    from facturier.einvoice.validate import paused_gc
    from facturier.einvoice.xsd import xsd_validate

    out: list[str] = []
    start = time.perf_counter()
    for doc in docs:  # compiles every schema and the rule tables
        parsed = read(doc.data)
        xsd_validate(parsed.tree)
        validate_en16931(parsed)
    native_warm = time.perf_counter() - start
    compile_ubl, compile_cii = warm_up(Syntax.UBL), warm_up(Syntax.CII)

    # Native and reference passes alternate (native, reference, native, reference, native…), so
    # that both sides see the same drift of a shared machine's load, while each side runs its pass
    # with warm caches, as a validation service would. Both run with the cyclic GC paused, as
    # validate() does.
    native = {"ubl": Series(), "cii": Series()}
    reference = {"ubl": Series(), "cii": Series()}
    # Also the process CPU time of each side (all threads, Saxon's included): on a shared machine
    # it does not count the time spent waiting for a core, which the wall-clock figures do.
    native_cpu = {"ubl": 0.0, "cii": 0.0}
    reference_cpu = {"ubl": 0.0, "cii": 0.0}
    agree = crashes = 0
    for n in range(max(native_passes, reference_passes)):
        for doc in docs if n < native_passes else ():
            with paused_gc():
                c0, t0 = time.process_time(), time.perf_counter()
                parsed = read(doc.data)
                xsd_validate(parsed.tree)
                layer = validate_en16931(parsed)
                native[doc.syntax].add(time.perf_counter() - t0)
                native_cpu[doc.syntax] += time.process_time() - c0
            if n == 0:
                crashes += "RULE-ERROR" in layer.fatal_rules
                verdict = "valid" if layer.valid else "invalid"
                agree += verdict == doc.verdict and (layer.fatal_rules == doc.fatal or doc.verdict == "valid")
            del parsed, layer
        for doc in docs if n < reference_passes else ():
            with paused_gc():
                c0, t0 = time.process_time(), time.perf_counter()
                tree = parse_xml(doc.data)
                reference_validate(tree, syntax=doc.syntax)
                reference[doc.syntax].add(time.perf_counter() - t0)
                reference_cpu[doc.syntax] += time.process_time() - c0
            del tree

    rows = []
    for label, keys in (("UBL", ["ubl"]), ("CII", ["cii"]), ("all", ["ubl", "cii"])):
        nat = [s for k in keys for s in native[k].samples]
        ref = [s for k in keys for s in reference[k].samples]
        nat_rate = len(nat) / sum(nat)
        ref_rate = len(ref) / sum(ref)
        rows.append(
            [
                label,
                str(len([d for d in docs if d.syntax in keys])),
                f"{nat_rate:.0f}",
                ms(statistics.median(nat)),
                ms(percentile(nat, 0.99)),
                f"{ref_rate:.0f}",
                ms(statistics.median(ref)),
                ms(percentile(ref, 0.99)),
                "%.1fx" % (nat_rate / ref_rate),
                "%.1fx" % (statistics.median(ref) / statistics.median(nat)),
            ]
        )
    out.append(
        "Corpus core documents, one core: native = read + XSD + EN 16931 rules; reference = parse + "
        "official Schematron (saxonche), XSD not included. Same documents; native and reference passes alternate."
    )
    out.append(
        f"Native: {native_passes} passes; reference: {reference_passes} pass(es). Ratio (throughput) = "
        "native/s over reference/s (total time of each side); ratio (medians) = reference median over "
        "native median."
    )
    out.append(
        table(
            [
                "docs", "n", "native/s", "median ms", "p99 ms", "reference/s", "median ms", "p99 ms",
                "ratio (throughput)", "ratio (medians)",
            ],
            rows,
        )
    )
    cpu = []
    for label, keys in (("UBL", ["ubl"]), ("CII", ["cii"]), ("all", ["ubl", "cii"])):
        n_docs = len([d for d in docs if d.syntax in keys])
        nat_rate = native_passes * n_docs / sum(native_cpu[k] for k in keys)
        ref_rate = reference_passes * n_docs / sum(reference_cpu[k] for k in keys)
        cpu.append(f"{label} {nat_rate:.0f}/s vs {ref_rate:.0f}/s = {nat_rate / ref_rate:.1f}x")
    out.append("Same passes in process CPU time (native/s vs reference/s): " + "; ".join(cpu) + ".")
    out.append(
        f"Warm-up: native first pass (schemas + rule tables + {len(docs)} documents) {native_warm:.2f} s; "
        f"stylesheet compile UBL {compile_ubl:.2f} s, CII {compile_cii:.2f} s."
    )
    out.append(
        f"Native verdict (and fatal-rule set for invalid documents) equal to the MANIFEST on {agree} of "
        f"{len(docs)} documents; {crashes} document(s) with a crashing native rule (RULE-ERROR)."
    )
    return out


# --- 2. synthetic invoices ------------------------------------------------------------------------


def child_lines(path: str, template: str, runs: int) -> None:
    """In a fresh process: warm up on the template, then time the big invoice; print results."""
    logging.disable(logging.ERROR)
    from facturier.einvoice.validate import validate

    def once(data: bytes) -> tuple[float, bool]:
        # The public call, as `facturier validate` and the flows make it: the time includes building
        # the report and freeing the document, which validate() does before it returns.
        t0 = time.perf_counter()
        report = validate(data)
        seconds = time.perf_counter() - t0
        return seconds, report.valid

    once(Path(template).read_bytes())
    data = Path(path).read_bytes()
    base = _rss_kib("VmRSS")
    _reset_peak()
    times, valid = [], True
    for _ in range(runs):
        seconds, ok = once(data)
        times.append(seconds)
        valid = valid and ok
    peak = _rss_kib("VmHWM")
    print(min(times), statistics.median(times), base, peak, int(valid))


def _rss_kib(field: str) -> int:
    """``VmRSS`` / ``VmHWM`` of this process in KiB (Linux). ``ru_maxrss`` is not usable here: Linux
    carries the parent's high-water mark over fork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> None:
    """Reset the peak-RSS mark to the current RSS (Linux >= 4.0), so VmHWM is this run's peak."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


def bench_synthetic(root: Path, sizes: tuple[int, ...]) -> list[str]:
    from benchmarks.synthetic import replicate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, template in (("UBL", UBL_TEMPLATE), ("CII", CII_TEMPLATE)):
            base = (root / template).read_bytes()
            for n in sizes:
                path = Path(tmp) / f"{label}-{n}.xml"
                path.write_bytes(replicate(base, n))
                runs = 3 if n >= 10_000 else 5
                proc = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.validate",
                        "--child-lines",
                        str(path),
                        str(root / template),
                        str(runs),
                    ],
                    capture_output=True,
                    text=True,
                    cwd=REPO,
                    check=True,
                )
                best, median, rss0, rss1, valid = proc.stdout.split()
                rows.append(
                    [
                        label,
                        str(n),
                        "%.1f" % (path.stat().st_size / 1e6),
                        ms(float(best)),
                        ms(float(median)),
                        "%.1f" % (float(median) / n * 1e6),
                        "%.0f" % (int(rss1) / 1024),
                        "%.0f" % ((int(rss1) - int(rss0)) / 1024),
                        "yes" if valid == "1" else "NO",
                    ]
                )
    return [
        (
            "Synthetic invoices (validate(): read + XSD + EN 16931 rules, the report built and the "
            "document freed; fresh process per size):"
        ),
        table(
            [
                "syntax",
                "lines",
                "MB",
                "best ms",
                "median ms",
                "us/line",
                "peak RSS MB",
                "RSS growth MB",
                "valid",
            ],
            rows,
        ),
    ]


# --- 3. cold start --------------------------------------------------------------------------------

_IMPORT_TO_REPORT = (
    "import time, sys; t0 = time.perf_counter(); "
    "from facturier.einvoice.validate import validate; "
    "r = validate(open(sys.argv[1], 'rb').read()); t1 = time.perf_counter(); "
    "print(t1 - t0, r.valid)"
)


def bench_cold(root: Path, repeats: int) -> list[str]:
    facturier = Path(sys.executable).parent / "facturier"
    rows = []
    # A cache directory of this run's own: the first process reads the rules and code lists out of
    # the official artefacts and writes them there (what the first run on a machine pays), the
    # others read them back (every later start).
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "FACTURIER_EINVOICE_CACHE": cache}

        def cli_seconds(path: str) -> float:
            t0 = time.perf_counter()
            subprocess.run([str(facturier), "validate", "--json", path], capture_output=True, cwd=REPO, check=False,
                           env=env)
            return time.perf_counter() - t0

        first = []
        for label, rel in COLD_FILES:
            for old in Path(cache).iterdir():
                old.unlink()
            first.append(f"{label} {ms(cli_seconds(str(root / rel)))} ms")
        for label, rel in COLD_FILES:
            path = str(root / rel)
            wall, inner = [], []
            for _ in range(repeats):
                wall.append(cli_seconds(path))
                proc = subprocess.run(
                    [sys.executable, "-c", _IMPORT_TO_REPORT, path],
                    capture_output=True,
                    text=True,
                    cwd=REPO,
                    check=True,
                    env=env,
                )
                inner.append(float(proc.stdout.split()[0]))
            rows.append(
                [label, ms(statistics.median(wall)), ms(max(wall)), ms(statistics.median(inner)), ms(max(inner))]
            )
    return [
        (
            f"Cold start ({repeats} fresh processes each): 'facturier validate --json FILE' wall time from "
            "process start to exit; and from the first import to the first report inside a fresh interpreter. "
            "The extracted artefacts are cached (FACTURIER_EINVOICE_CACHE) by a first process, timed alone: "
            + ", ".join(first) + "."
        ),
        table(["file", "CLI median ms", "CLI max ms", "import->report median ms", "max ms"], rows),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer passes and sizes up to 1,000 lines")
    parser.add_argument("--child-lines", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_lines:
        child_lines(args.child_lines[0], args.child_lines[1], int(args.child_lines[2]))
        return 0

    logging.disable(logging.ERROR)  # a crashing rule is counted below, not printed 500 times
    root = corpus_root()
    if not (root / "MANIFEST.tsv").exists():
        print(f"no corpus at {root} (set FACTURIER_CORPUS)", file=sys.stderr)
        return 2
    import lxml.etree
    import saxonche  # noqa: F401

    from facturier.einvoice import codelists

    started = time.perf_counter()
    print("facturier validation benchmark")
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    print(
        f"os.cpu_count() = {os.cpu_count()}; Python {platform.python_version()}; {platform.platform()}; lxml {lxml.etree.__version__}; factur-x {codelists.facturx_version()}"
    )
    print()
    docs = corpus_docs(root)
    sections: list[Callable[[], list[str]]] = [
        lambda: bench_corpus(docs, native_passes=2 if args.quick else 5, reference_passes=1 if args.quick else 2),
        lambda: bench_synthetic(root, SIZES[:4] if args.quick else SIZES),
        lambda: bench_cold(root, repeats=3 if args.quick else 5),
    ]
    for section in sections:
        for line in section():
            print(line)
        print(flush=True)
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    print("Total benchmark time: %.0f s" % (time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
