"""`make audit`: Lighthouse (phone settings) on the public pages and the booking time step.

    .venv/bin/python bench/audit.py [--db postgres|sqlite] [--strict]

Steps, reusing bench/run.py's helpers: a fresh database (PostgreSQL `clinic_audit`,
dropped and created again), migrate, `load_clinic_content`, collectstatic, gunicorn with
production settings on 127.0.0.1 (plain HTTP on the loopback: SECURE_SSL_REDIRECT=0),
then Lighthouse from node_modules (npm package `lighthouse`) driving Debian's Chromium
(CHROME_PATH=/usr/bin/chromium; no browser is ever downloaded) with its default mobile
form factor and simulated throttling. The time step needs a booking in progress: the
treatment and screening steps are POSTed here first and the session cookie is passed to
Lighthouse with --extra-headers. Reports (HTML and JSON) land in bench/.work-audit/.
gunicorn is always stopped at the end.
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def load_bench():
    """bench/run.py as a module: its database, gunicorn, HTTP and booking helpers."""
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()
# Its own database and work folder, so `make audit` never touches `make bench`'s.
bench.PG_NAME = "clinic_audit"
bench.WORK = ROOT / "bench" / ".work-audit"
REPORTS = bench.WORK / "reports"
say, log = bench.say, bench.log


def lighthouse(url: str, name: str, cookie: str = "") -> dict:
    """One Lighthouse run; returns {category: score 0-100} and the failing audits."""
    output = REPORTS / name
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--max-wait-for-load=30000",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    process = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    report_file = output.with_name(output.name + ".report.json")
    if process.returncode != 0 or not report_file.exists():
        say(process.stderr[-3000:])
        raise SystemExit(f"Lighthouse failed on {url} (exit {process.returncode})")
    report = json.loads(report_file.read_text())
    if report.get("runtimeError"):
        raise SystemExit(f"Lighthouse on {url}: {report['runtimeError']}")
    scores = {}
    failing = []
    for key in CATEGORIES:
        category = report["categories"][key]
        scores[key] = None if category["score"] is None else round(category["score"] * 100)
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) == 0 and key != "performance":
                continue
            if audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings") and (
                audit["score"] is not None and audit["score"] < 1
            ):
                value = audit.get("displayValue") or ""
                failing.append(f"{key}: {audit['id']} ({audit['score']:.2f}) {value}".rstrip())
    return {"scores": scores, "failing": failing, "html": output.with_name(f"{name}.report.html")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-name", default=bench.PG_NAME, help="PostgreSQL database (must say 'bench')"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a score misses its target"
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` (package.json devDependencies)")
    if not CHROMIUM.exists():
        raise SystemExit("Debian's Chromium is missing: apt-get install -y chromium")

    redis = bench.start_private_redis(args)
    try:
        return audit(args)
    finally:
        redis.stop()


def audit(args) -> int:
    env = bench.bench_env(args, args.redis_url)
    env.update(CACHE_KEY_PREFIX="audit")
    log(f"fresh {args.db} database")
    bench.fresh_database(args)
    (bench.WORK / ".gitignore").write_text("*\n")
    REPORTS.mkdir(parents=True)
    bench.django_setup(env)
    bench.flush_cache()
    log("migrate")
    bench.manage("migrate", "--no-input", "-v", "0")
    log("load_clinic_content")
    bench.manage("load_clinic_content", "-v", "0")
    log("collectstatic")
    bench.manage("collectstatic", "--no-input", "-v", "0")

    server = None
    results = []
    try:
        port = bench.free_port()
        bench.PORT = port
        server = bench.start_gunicorn(env, port, args.workers)
        base = f"http://{bench.HOST}:{port}"
        booking = bench.booking_session(port, hold=False)
        pages = [
            ("home", "/en/", ""),
            ("treatment", f"/en/treatments/{bench.TREATMENT_SLUG}/", ""),
            ("time step", "/en/book/time/", booking.cookie_header()),
        ]
        for name, path, cookie in pages:
            log(f"lighthouse {name} ({path})")
            results.append((name, path, lighthouse(base + path, name.replace(" ", "-"), cookie)))
    finally:
        bench.stop_gunicorn(server)
        log("gunicorn stopped")

    say()
    say("## Lighthouse (mobile, simulated throttling, Debian Chromium)")
    say()
    say("| page | performance | accessibility | best practices | SEO |")
    say("|---|---:|---:|---:|---:|")
    missed = []
    for name, path, result in results:
        cells = []
        for key in CATEGORIES:
            score = result["scores"][key]
            ok = score is not None and score >= TARGETS[key]
            if not ok:
                missed.append(f"{name} {key}: {score} < {TARGETS[key]}")
            cells.append(f"{score}{'' if ok else ' ✗'}")
        say(f"| {name} `{path}` | " + " | ".join(cells) + " |")
    say("| **target** | ≥ 95 | " + " | ".join(str(TARGETS[k]) for k in CATEGORIES[1:]) + " |")
    say()
    for name, _path, result in results:
        if result["failing"]:
            say(f"{name}: audits below full marks")
            for line in result["failing"]:
                say(f"  - {line}")
    say()
    say(f"Reports: {REPORTS}/*.report.html")
    if missed:
        say("Missed targets: " + "; ".join(missed))
    else:
        say("Every target met.")
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    shutil.which("node") or sys.exit("Node.js is required for Lighthouse")
    sys.exit(main())
