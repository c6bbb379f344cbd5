"""How fast the main pages answer under gunicorn, as a share of what a hello-world Flask app answers.

Builds its own instance folder in a temporary directory (SQLite, the demo
data, and with --solutions N generated solutions from generated companies up
to N solutions in all, bulk-inserted and indexed once), starts the portal
under gunicorn and a hello-world Flask app under gunicorn the same way (same
worker count, both on 127.0.0.1), logs in where a page needs it, and loads
each page with concurrent clients (separate processes, a fresh connection per
request as gunicorn's sync workers close each one) for --duration seconds,
then with one client. Hello-world runs right before each page, and the page's
ratio is to that run ("hello beside"); it runs before and after all pages too,
for reference. Absolute figures depend on the machine and on what else runs on
it; the ratios to hello-world measured beside them are what count.

Targets: listing, detail and search pages ≥ 0.10× hello-world's requests per
second; pages that show matches ≥ 0.03×; with 10,000 solutions no page's
single-client p95 above 100 ms.

    .venv/bin/python bench/pages.py                              # demo data
    .venv/bin/python bench/pages.py --solutions 10000 --duration 10
    .venv/bin/python bench/pages.py --solutions 10000 --instance /tmp/cocity-10k   # built once, then reused
"""
import argparse
import html
import http.client
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

PASSWORD = "cocity-demo-2026"
RATIO_TARGETS = {"listing": 0.10, "detail": 0.10, "search": 0.10, "matches": 0.03}
SINGLE_CLIENT_P95_MS = 100  # at 10,000 solutions
SOLUTIONS_PER_COMPANY = 8
HELLO_APP = '''from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
'''

# (label, kind of page, path, login email or None)
PAGES = [
    ("home", "listing", "/", None),
    ("challenges", "listing", "/challenges", None),
    ("solutions", "listing", "/solutions", None),
    ("solutions, Korean", "listing", "/solutions", "company@haneul.example"),
    ("search 'flood'", "search", "/search?q=flood", None),
    ("search '침수'", "search", "/search?q=%EC%B9%A8%EC%88%98", None),
    ("challenge page", "detail", "/challenges/ch-seoul-semi-basement-flood", None),
    ("solution page", "detail", "/solutions/sol-haneul-rural-drt", None),
    ("owner's challenge page with matches", "matches", "/challenges/ch-seoul-semi-basement-flood",
     "city@seoul.example"),
    ("consultant's challenge page with matches", "matches", "/challenges/ch-copenhagen-v2g-hubs",
     "consultant@nordbro.example"),
    ("company dashboard", "matches", "/dashboard", "company@haneul.example"),
]


# ---------------------------------------------------------------------------------------------------
# The instance: demo data plus generated solutions.

def run(command, env, **kwargs):
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, **kwargs)


def build_instance(folder, solutions, env):
    """Demo data, then generated companies and solutions up to `solutions` in all, indexed once."""
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app"]
    run([*flask, "db", "upgrade"], env, stderr=subprocess.DEVNULL)
    run([*flask, "seed-demo"], env)
    if solutions:
        started = time.perf_counter()
        added = subprocess.run([sys.executable, __file__, "--generate", str(solutions)], env=env, cwd=ROOT,
                               check=True, capture_output=True, text=True).stdout.strip()
        if added != "0":
            print(f"generated {added} solutions and indexed them in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)


def generate(total):
    """Bulk-insert solutions (and companies to own them, eight each) until there are `total`; reindex once."""
    from speed import COUNTRIES, Writer, sectors_of, vocabulary
    from sqlalchemy import func, insert, select

    from portal import create_app
    from portal.extensions import db
    from portal.organisations.models import Organisation
    from portal.search.services import rebuild_index
    from portal.solutions.models import Solution, SolutionCountry, SolutionSector

    app = create_app()
    with app.app_context():
        existing = db.session.scalar(select(func.count()).select_from(Solution))
        count = max(0, total - existing)
        if not count:  # an instance built before
            print(0)
            return
        rng = Random(8)
        writer = Writer(rng, vocabulary())
        now = datetime.now(UTC)
        companies = []
        for number in range(1, count // SOLUTIONS_PER_COMPANY + 2):
            country = rng.choice(COUNTRIES)
            companies.append({
                "key": f"bench-company-{number:05d}", "kind": "company", "name": f"Bench Company {number:05d}",
                "country": country, "timezone": "UTC", "website": "", "description": "", "alliance_member": True,
                "verification": Organisation.VERIFIED, "rejection_reason": "", "verified_at": now,
                "created_at": now, "updated_at": now})
        db.session.execute(insert(Organisation), companies)
        ids = dict(db.session.execute(select(Organisation.key, Organisation.id).where(
            Organisation.key.like("bench-company-%"))).all())
        first = (db.session.scalar(select(func.max(Solution.id))) or 0) + 1
        solutions, sectors, countries = [], [], []
        for offset in range(count):
            number = first + offset
            chosen = sectors_of(rng)
            language = "ko" if rng.random() < 1 / 3 else "en"
            created = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
            solutions.append({
                "id": number, "key": f"sol-bench-{number:06d}",
                "organisation_id": ids[f"bench-company-{offset // SOLUTIONS_PER_COMPANY + 1:05d}"],
                # Every solution carries an English title and summary; a Korean one adds them in Korean.
                "title": writer.title(chosen, "en")[:200], "summary": writer.sentence(chosen, "en")[:600],
                "title_ko": writer.title(chosen, "ko")[:200] if language == "ko" else "",
                "summary_ko": writer.sentence(chosen, "ko")[:600] if language == "ko" else "",
                "description": writer.passage(chosen, language, 60, 150), "language": language,
                "trl": rng.randint(1, 9), "tags": [writer.term(chosen, language) for _ in range(rng.randint(0, 3))],
                "status": Solution.ARCHIVED if rng.random() < 0.05 else Solution.PUBLISHED,
                "created_at": created, "updated_at": created})
            sectors += [{"solution_id": number, "sector": sector} for sector in chosen]
            countries += [{"solution_id": number, "country": code}
                          for code in sorted(set(rng.sample(COUNTRIES, rng.randint(1, 3))))]
        for model, rows in ((Solution, solutions), (SolutionSector, sectors), (SolutionCountry, countries)):
            for start in range(0, len(rows), 2000):
                db.session.execute(insert(model), rows[start:start + 2000])
        db.session.commit()
        rebuild_index()
    print(count)


# ---------------------------------------------------------------------------------------------------
# Servers.

def free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start_gunicorn(module, folder, port, workers, env):
    with open(Path(folder) / f"gunicorn-{port}.log", "w") as log:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--chdir", str(folder if module == "hello:app" else ROOT), module],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"error: gunicorn for {module} exited; see {log.name}")
        try:
            if request(port, "/")[0] in (200, 302):
                return process
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"error: gunicorn for {module} did not answer within 60 s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


# ---------------------------------------------------------------------------------------------------
# HTTP: logging in with http.client, load with raw sockets (cheap, so that the client is not what limits).

def request(port, path, method="GET", body=None, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    if cookie:
        headers["Cookie"] = cookie
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    cookies = [header.split(";", 1)[0] for name, header in response.getheaders() if name.lower() == "set-cookie"]
    connection.close()
    return response.status, text, cookies


def log_in(port, email):
    """A session cookie for `email`."""
    status, page, cookies = request(port, "/login")
    token = html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    status, page, cookies = request(port, "/login", "POST", body, cookie="; ".join(cookies))
    if status != 302 or not cookies:
        raise SystemExit(f"error: could not log in as {email} (answer {status})")
    return "; ".join(cookies)


def raw_request(port, path, cookie):
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def client(port, payload, until, results):
    """Send `payload` again and again until `until`; report latencies and the number of bad answers."""
    latencies, bad = [], 0
    while time.monotonic() < until:
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
            connection.sendall(payload)
            first = connection.recv(65536)
            while connection.recv(65536):
                pass
        latencies.append(time.perf_counter() - started)
        if not first.startswith(b"HTTP/1.1 200"):
            bad += 1
    results.put((latencies, bad))


def load(port, path, cookie, clients, duration):
    """(requests per second, p50 ms, p95 ms, bad answers) with `clients` concurrent clients."""
    payload = raw_request(port, path, cookie)
    results = multiprocessing.Queue()
    until = time.monotonic() + duration
    workers = [multiprocessing.Process(target=client, args=(port, payload, until, results)) for _ in range(clients)]
    for worker in workers:
        worker.start()
    latencies, bad = [], 0
    for _ in workers:
        some, errors = results.get()
        latencies += some
        bad += errors
    for worker in workers:
        worker.join()
    latencies.sort()
    return {"rps": len(latencies) / duration, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "bad": bad}


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return 1000 * sorted_values[min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))]


def warm(port, path, cookie, times=10):
    for _ in range(times):
        request(port, path, cookie=cookie)


# ---------------------------------------------------------------------------------------------------

def measure(args, folder, size):
    instance = Path(args.instance).resolve() if args.instance else Path(folder) / "instance"
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance),
           "PORTAL_SECRET_KEY": "bench-secret-key-not-for-production", "PORTAL_SEARCH_BACKEND": "whoosh",
           "PORTAL_BID_KEY": "YmVuY2gtb25seSBiaWQga2V5LCBub3QgYSBzZWNyZXQ=",  # the demo seals bids; bench-only
           "PORTAL_BASE_URL": "http://127.0.0.1"}  # the real port is set once the server has one
    env.pop("DATABASE_URL", None)
    env.pop("FLASK_DEBUG", None)
    build_instance(folder, size, env)
    (Path(folder) / "hello.py").write_text(HELLO_APP)
    ports = [port for port in range(args.port, args.port + 100) if free(port)][:2]
    env["PORTAL_BASE_URL"] = f"http://127.0.0.1:{ports[0]}"
    portal = start_gunicorn("app:app", folder, ports[0], args.workers, env)
    hello = start_gunicorn("hello:app", folder, ports[1], args.workers, env)
    try:
        cookies = {email: log_in(ports[0], email) for email in {email for *_, email in PAGES if email}}
        rows = []
        warm(ports[1], "/", None)
        hello_before = load(ports[1], "/", None, args.clients, args.duration)
        for label, kind, path, email in PAGES:
            cookie = cookies.get(email)
            status = request(ports[0], path, cookie=cookie)[0]
            if status != 200:
                raise SystemExit(f"error: {path} answered {status} for {email or 'a visitor'}")
            warm(ports[0], path, cookie)
            # Hello-world again right before each page: on a shared machine the load moves within minutes,
            # and a page is compared with what the machine gave hello-world at that moment.
            beside = load(ports[1], "/", None, args.clients, max(2.0, args.duration / 2))
            many = load(ports[0], path, cookie, args.clients, args.duration)
            one = load(ports[0], path, cookie, 1, max(2.0, args.duration / 2))
            rows.append((label, kind, many, one, beside))
        hello_after = load(ports[1], "/", None, args.clients, args.duration)
    finally:
        stop(portal)
        stop(hello)
    return hello_before, hello_after, rows


def report(size, hello_before, hello_after, rows, args):
    title = f"{size} solutions" if size else "demo data"
    print(f"\n## {title}: gunicorn --workers {args.workers}, {args.clients} clients, {args.duration:g} s a page, "
          f"SQLite, Whoosh")
    print()
    header = ("page", "req/s", "hello beside", "× hello", "target", "p50 ms", "p95 ms", "1-client p95 ms", "")
    table = [header]
    for name, figures in (("hello-world (before)", hello_before), ("hello-world (after)", hello_after)):
        table.append((name, f"{figures['rps']:.0f}", "", "", "", f"{figures['p50']:.1f}", f"{figures['p95']:.1f}",
                      "", ""))
    missed = []
    for label, kind, many, one, beside in rows:
        ratio = many["rps"] / beside["rps"]
        problems = []
        if ratio < RATIO_TARGETS[kind]:
            problems.append(f"below {RATIO_TARGETS[kind]:.2f}×")
        if size >= 10000 and one["p95"] > SINGLE_CLIENT_P95_MS:
            problems.append(f"1-client p95 over {SINGLE_CLIENT_P95_MS} ms")
        if many["bad"] or one["bad"]:
            problems.append(f"{many['bad'] + one['bad']} answers not 200")
        missed += [f"{label}: {problem}" for problem in problems]
        table.append((label, f"{many['rps']:.0f}", f"{beside['rps']:.0f}", f"{ratio:.3f}",
                      f"≥ {RATIO_TARGETS[kind]:.2f}", f"{many['p50']:.1f}", f"{many['p95']:.1f}", f"{one['p95']:.1f}",
                      "MISSED" if problems else "ok"))
    widths = [max(len(row[column]) for row in table) for column in range(len(header))]
    for number, row in enumerate(table):
        print("| " + " | ".join(cell.ljust(width) if column == 0 else cell.rjust(width)
                                for column, (cell, width) in enumerate(zip(row, widths, strict=True))) + " |")
        if number == 0:
            print("| " + " | ".join("-" * width for width in widths) + " |")
    print()
    print("\n".join(f"missed: {line}" for line in missed) if missed else "every page meets its target")
    return not missed


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solutions", type=int, default=0,
                        help="solutions in all, generated beyond the demo's (default: the demo data only)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load a page (default 5)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for both apps (default 2)")
    parser.add_argument("--port", type=int, default=8300, help="first port to try (default 8300)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--instance", help="an instance folder to build once and reuse (generating 10,000 "
                                           "solutions and indexing them takes minutes)")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)  # internal: runs inside the instance
    args = parser.parse_args(argv)
    if args.generate is not None:
        generate(args.generate)
        return 0
    if args.solutions < 0 or args.duration <= 0 or args.clients < 1 or args.workers < 1:
        parser.error("--solutions must be 0 or more; --duration, --clients and --workers above 0")
    if not (ROOT / ".venv" / "bin" / "gunicorn").exists():
        parser.error("needs .venv with the project installed (bin/test or bin/start-demo creates it)")
    folder = tempfile.mkdtemp(prefix="cocity-pages-")
    try:
        print(f"bench/pages.py {' '.join(argv)}".rstrip(), f"· {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
              f"· {os.cpu_count()} CPUs", sep=" ")
        hello_before, hello_after, rows = measure(args, folder, args.solutions)
        ok = report(args.solutions, hello_before, hello_after, rows, args)
    finally:
        if args.keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
