#!/usr/bin/env python
"""Does an export stay in constant memory? 10,000 and 100,000 access-log rows through core.exports.

    python bench/export_memory.py                  # what `make bench` runs
    python bench/export_memory.py --rows 1000,50000 --use-env-db

By default the rows go into a throwaway SQLite file in a temporary directory (DATABASE_URL is
ignored). `--use-env-db` uses DATABASE_URL instead: only ever point it at a database made for the
bench, because AccessLog is append-only and the rows it adds can never be deleted (they are reused
on the next run).

Each export goes through export_queryset() exactly as a view calls it, plain (iterator in chunks
of 2,000) and logged (ids read first, one AccessLog row, then rows by chunks of ids), and the
response is read to /dev/null. Every measurement runs in a fresh process, after a small warm-up
export, so that imports and caches are not counted: once under tracemalloc (peak of traced Python
memory) and once without it (wall time and growth of the process's max RSS). The bench fails
(exit 1) when the peak for the most rows exceeds 3x the peak for the fewest: memory must be flat.
"""
import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_REF = "bench:export_memory"
FORMATS = ("csv", "xlsx")
MODES = ("plain", "logged")
MAX_RATIO = 3.0
BATCH = 5000


def setup_django(use_env_db, sqlite_path=None):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eap_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")  # DEBUG keeps every query in memory
    if not use_env_db:
        os.environ.pop("DATABASE_URL", None)
        if sqlite_path:
            os.environ["SQLITE_PATH"] = str(sqlite_path)
    import django

    django.setup()


def columns():
    from core.exports import Column
    from core.models import AccessAction, AccessLog, PurposeKind

    field = AccessLog._meta.get_field
    # Labels translated once per export: get_FOO_display() hashes lazy labels on every call,
    # which doubles the time of this bench without changing its memory.
    actions = {value: str(label) for value, label in AccessAction.choices}
    kinds = {value: str(label) for value, label in PurposeKind.choices}
    return [
        Column("#", "pk", "number"),
        Column(field("at").verbose_name, "at", "date"),
        Column("ISO 8601", "at", "iso_date"),
        Column(field("actor").verbose_name, "actor__username"),
        Column(field("record_type").verbose_name, "record_type.model"),
        Column(field("record_ids").verbose_name, lambda log: ",".join(log.record_ids)),
        Column(field("rows").verbose_name, "rows", "number"),
        Column(field("action").verbose_name, lambda log: actions[log.action]),
        Column(field("purpose_kind").verbose_name, lambda log: kinds[log.purpose_kind]),
        Column(field("purpose_role").verbose_name, "purpose_role"),
        Column(field("ip_address").verbose_name, "ip_address"),
        Column(field("path").verbose_name, "path"),
    ]


def bench_user():
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username="bench-export")
    if created:
        user.set_unusable_password()
        user.save()
    return user


def seed(total):
    """Make sure `total` bench rows exist; bulk_create is allowed on the append-only log."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from core.models import AccessAction, AccessLog, PurposeKind

    user = bench_user()
    record_type = ContentType.objects.get_for_model(AccessLog)
    have = AccessLog.objects.filter(purpose_ref=BENCH_REF).count()
    actions, kinds = AccessAction.values, PurposeKind.values
    for start in range(have, total, BATCH):
        with transaction.atomic():
            AccessLog.objects.bulk_create(
                AccessLog(actor=user, record_type=record_type, record_ids=[str(n), str(n + 1)], rows=2,
                          action=actions[n % len(actions)], purpose_kind=kinds[n % len(kinds)],
                          purpose_ref=BENCH_REF, purpose_role="=cmd" if n % 97 == 0 else "eap_officer",
                          ip_address=f"10.0.{n % 256}.{n % 200 + 1}", path=f"/個案/{n}/晤談紀錄/")
                for n in range(start, min(start + BATCH, total)))
    return max(total - have, 0)


def bench_queryset(rows):
    from core.models import AccessLog

    base = AccessLog.objects.filter(purpose_ref=BENCH_REF)
    cutoff = base.order_by("pk").values_list("pk", flat=True)[rows - 1]
    return base.filter(pk__lte=cutoff).select_related("actor", "record_type").order_by("pk")


def export_once(request, queryset, fmt, mode):
    """One export as a view makes it, read to /dev/null; returns the bytes sent."""
    from core.access_log import Purpose
    from core.exports import export_queryset

    purpose = Purpose.audit("bench") if mode == "logged" else None
    response = export_queryset(request, queryset, columns(), filename="存取紀錄", fmt=fmt, purpose=purpose)
    sent = 0
    with open(os.devnull, "wb") as sink:
        for chunk in response.streaming_content:
            sink.write(chunk)
            sent += len(chunk)
    response.close()
    return sent


def max_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(args):
    setup_django(args.use_env_db)
    from django.test import RequestFactory

    request = RequestFactory().get("/bench/export/")
    request.user = bench_user()
    export_once(request, bench_queryset(10), args.format, args.mode)  # imports, caches, catalogues
    queryset = bench_queryset(args.rows)
    gc.collect()
    rss_before = max_rss_mib()
    if args.measure == "trace":
        tracemalloc.start()
    started = time.perf_counter()
    sent = export_once(request, queryset, args.format, args.mode)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.measure == "trace" else None
    tracemalloc.stop()
    rss_after = max_rss_mib()
    print(json.dumps({"seconds": seconds, "peak": peak, "rss": rss_after, "rss_growth": rss_after - rss_before,
                      "bytes": sent}))


def run_child(rows, fmt, mode, measure, use_env_db):
    command = [sys.executable, __file__, "--child", "--rows", str(rows), "--format", fmt, "--mode", mode,
               "--measure", measure] + (["--use-env-db"] if use_env_db else [])
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode:
        sys.exit(f"{' '.join(command[1:])} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(args):
    sizes = sorted({int(n) for n in args.rows.split(",")})
    with tempfile.TemporaryDirectory(prefix="eap-bench-") as tmp:
        setup_django(args.use_env_db, Path(tmp) / "bench.sqlite3")
        from django.core.management import call_command
        from django.db import connection

        print(f"database: {connection.vendor} {'(DATABASE_URL)' if args.use_env_db else '(throwaway SQLite)'}")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        added = seed(sizes[-1])
        print(f"rows: {sizes[-1]:,} ({added:,} created in {time.perf_counter() - started:.1f} s)")
        connection.close()

        results = {}
        for mode in MODES:
            for fmt in FORMATS:
                for rows in sizes:
                    trace = run_child(rows, fmt, mode, "trace", args.use_env_db)
                    plain = run_child(rows, fmt, mode, "rss", args.use_env_db)
                    results[rows, fmt, mode] = {**plain, "peak": trace["peak"]}

    print()
    print(f"{'rows':>8}  {'format':<6} {'export':<7} {'seconds':>8} {'tracemalloc peak MiB':>21} "
          f"{'max RSS MiB':>12} {'(growth)':>9} {'file MiB':>9}")
    for (rows, fmt, mode), r in results.items():
        print(f"{rows:>8,}  {fmt:<6} {mode:<7} {r['seconds']:>8.2f} {r['peak']:>21.2f} {r['rss']:>12.1f} "
              f"{'+' + format(r['rss_growth'], '.1f'):>9} {r['bytes'] / 2**20:>9.1f}")

    failed = False
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print()
        for mode in MODES:
            for fmt in FORMATS:
                ratio = results[large, fmt, mode]["peak"] / results[small, fmt, mode]["peak"]
                ok = ratio <= MAX_RATIO
                failed |= not ok
                print(f"{fmt} {mode}: peak at {large:,} rows is {ratio:.2f}x the peak at {small:,} "
                      f"({'flat' if ok else f'NOT flat: more than {MAX_RATIO:g}x'})")
    return 1 if failed else 0


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="10000,100000", help="comma-separated row counts (default 10000,100000)")
    parser.add_argument("--use-env-db", action="store_true",
                        help="use DATABASE_URL (a database made for the bench: the rows stay for good)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--format", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--measure", choices=("trace", "rss"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.rows = int(args.rows)
    return args


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    if arguments.child:
        child(arguments)
    else:
        sys.exit(main(arguments))
