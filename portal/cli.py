"""Command-line interface: `cocity COMMAND`, or `flask --app app COMMAND` in a checkout."""
import functools
import json
import os
import sys
import time
from pathlib import Path

import click
from flask.cli import FlaskGroup

from .database import UPGRADE_COMMAND, schema_is_current
from .extensions import db
from .imports.services import ImportError_, import_text


def fail(message):
    """Print a one-line error and exit non-zero."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def create_command_app():
    """The app for commands: one that lacks a required setting still runs the commands that do not need it."""
    from . import create_app
    from .config import ConfigError

    try:
        return create_app(require_settings=False)
    except ConfigError as error:
        fail(str(error))


main = FlaskGroup(create_app=create_command_app, help="CoCity's commands; `cocity COMMAND --help` says more.")


def require_current_schema():
    if not schema_is_current():
        fail(f"the database schema is out of date; run `{UPGRADE_COMMAND}`")


def register_commands(app):
    """Add the portal's commands to the Flask CLI."""

    @app.cli.command("import-json")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def import_json(file):
        """Load organisations, solutions and challenges from FILE (all or nothing)."""
        require_current_schema()
        try:
            text = file.read_bytes().decode("utf-8")
        except FileNotFoundError:
            fail(f"{file}: no such file")
        except OSError as error:
            fail(f"{file}: {error.strerror}")
        except UnicodeDecodeError as error:
            fail(f"{file}: not UTF-8 (byte {error.start})")
        try:
            report = import_text(text)
            db.session.commit()
        except ImportError_ as error:
            db.session.rollback()
            fail(f"{file}: {error}")
        for section, counts in report.items():
            click.echo(f"{section}: {counts['created']} created, {counts['updated']} updated, "
                       f"{counts['unchanged']} unchanged")

    @app.cli.command("reindex")
    def reindex():
        """Rebuild the search index from the database."""
        from .search.services import rebuild_index

        require_current_schema()
        click.echo(f"indexed {rebuild_index()} records")

    @app.cli.command("search")
    @click.argument("query")
    @click.option("--kind", type=click.Choice(["solution", "challenge", "organisation"]))
    @click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help='Print [{"key", "kind", "score"}], best first.')
    def search(query, kind, limit, as_json):
        """Search public records for QUERY."""
        from .search.services import search as run_search

        require_current_schema()
        found = run_search(None, query, kinds=(kind,) if kind else (), per_page=limit)
        rows = [{"key": hit.key, "kind": hit.kind, "score": hit.score} for hit in found.hits]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            click.echo(f"{row['score']:8.3f}  {row['kind']:<12} {row['key']}")
        if not rows:
            click.echo("no results")

    @app.cli.command("match")
    @click.argument("challenge_key")
    @click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help='Print [{"key", "score", "reasons"}], best first.')
    def match(challenge_key, limit, as_json):
        """Rank solutions for the challenge with CHALLENGE_KEY."""
        from .challenges.services import get
        from .errors import NotFound
        from .matching.services import solutions_for_challenge

        require_current_schema()
        try:
            challenge = get(challenge_key)
        except NotFound:
            fail(f"no challenge with key {challenge_key!r}")
        matches = solutions_for_challenge(challenge, limit)
        rows = [{"key": m.record.key, "score": m.score, "reasons": [r.describe() for r in m.reasons]}
                for m in matches]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            click.echo(f"{row['score']:.3f}  {row['key']}  ({'; '.join(row['reasons'])})")
        if not rows:
            click.echo("no matching solutions")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the demo organisations, records and one login per role (idempotent)."""
        from .demo.services import seed

        require_current_schema()
        logins = seed()
        db.session.commit()
        click.echo("demo data loaded; log in with:")
        for role, email, password in logins:
            click.echo(f"  {role:<11} {email}  {password}")

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option("--name", default="Administrator")
    @click.password_option()
    def create_admin(email, name, password):
        """Create an administrator account."""
        from .accounts.services import create_user
        from .errors import Invalid

        require_current_schema()
        try:
            create_user(email, name, password, is_admin=True)
            db.session.commit()
        except Invalid as error:
            db.session.rollback()
            fail(str(error))
        click.echo(f"administrator {email} created")

    @app.cli.command("deliver-mail")
    @click.option("--loop", is_flag=True, help="Keep delivering, checking every few seconds, until stopped.")
    @click.option("--interval", type=click.IntRange(1, 3600), default=5, show_default=True,
                  help="Seconds between checks with --loop.")
    def deliver_mail(loop, interval):
        """Send queued mail that is due, retrying failed attempts later."""
        from .mail.services import deliver

        require_current_schema()
        while True:
            outcome = deliver()
            if any(outcome.values()) or not loop:
                click.echo(f"{outcome['sent']} sent, {outcome['queued']} to retry later, "
                           f"{outcome['failed']} failed for good")
            if not loop:
                return
            time.sleep(interval)

    @app.cli.command("export-ocds")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write the package to FILE (replaced whole, or left as it was) instead of printing it.")
    def export_ocds(out):
        """An OCDS 1.1 release package of every public tender: its versions, opening and awards."""
        from .ocds.releases import all_public_package, dumps

        require_current_schema()
        package = all_public_package()
        if out is None:
            click.echo(dumps(package))
            return
        try:
            write_whole(out, dumps(package) + "\n")
        except OSError as error:
            fail(f"{out}: {error.strerror}")
        tenders = len({release["ocid"] for release in package["releases"]})
        click.echo(f"{len(package['releases'])} releases of {tenders} tenders written to {out}")

    @app.cli.command("render-tender")
    @click.argument("ocid")
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Where to write the PDF.")
    def render_tender(ocid, out):
        """Write the PDF of the published tender OCID, as the public sees it, to --out."""
        from sqlalchemy import select

        from .tenders.models import Tender
        from .tenders.pdf import TenderTooLarge, render_tender_pdf

        require_current_schema()
        tender = db.session.scalar(select(Tender).where(Tender.ocid == ocid, Tender.visible_to(None)))
        if tender is None:  # a draft is the city's own: the public, and so this command, does not know it
            fail(f"no published tender with ocid {ocid!r}")
        current = tender.current_version
        try:
            data = render_tender_pdf(tender, version=current.number if current else None)
        except TenderTooLarge as error:
            fail(str(error))
        try:
            out.write_bytes(data)
        except OSError as error:
            fail(f"{out}: {error.strerror}")
        click.echo(f"wrote {out} ({len(data):,} bytes)")

    for command in app.cli.commands.values():
        command.callback = one_line_config_errors(command.callback)


def one_line_config_errors(callback):
    """A command that meets a missing setting (mail links need PORTAL_BASE_URL) says so in one line."""
    from .config import ConfigError

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except ConfigError as error:
            fail(str(error))

    return run


def write_whole(path, text):
    """Write `text` to `path` through a temporary file beside it, so a reader never sees half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
