"""Importing organisations, solutions and challenges from the JSON exchange format.

The whole file is checked before anything is written, so a file with one bad
record changes nothing, and the error names that record's key and field.
"""
import json
import sys

from sqlalchemy import select

from ..audit.services import record
from ..challenges import services as challenges
from ..challenges.models import Challenge
from ..extensions import db
from ..model_types import utcnow
from ..organisations import services as organisations
from ..organisations.models import Organisation
from ..signals import announce, challenge_published
from ..solutions import services as solutions
from ..solutions.models import Solution
from ..validation import check_key

ORGANISATION_FIELDS = {"key", "kind", "name", "name_ko", "country", "description", "website", "alliance_member"}
SOLUTION_FIELDS = {"key", "organisation", "title", "summary", "description", "language",
                   "title_ko", "summary_ko", "sectors", "trl", "countries", "tags"}
CHALLENGE_FIELDS = {"key", "organisation", "title", "summary", "problem", "outcomes", "language",
                    "title_ko", "summary_ko", "sectors", "budget", "opens", "closes"}
BUDGET_FIELDS = {"min", "max", "currency"}


class ImportError_(Exception):
    """The file cannot be imported; the message names the record and field."""


def _fail(section, index, key, field, message):
    where = f'{section}[{index}]' + (f' "{key}"' if isinstance(key, str) else "")
    raise ImportError_(f'{where}: field "{field}": {message}')


def _check_record(section, index, item, allowed):
    if not isinstance(item, dict):
        raise ImportError_(f"{section}[{index}]: must be an object")
    key = item.get("key")
    for field, value in item.items():
        if field not in allowed:
            _fail(section, index, key, field, "unknown field")
        if _has_lone_surrogate(value):
            _fail(section, index, key, field, "holds a lone surrogate (\\ud800 to \\udfff), which is no character")
    if message := check_key(key):
        _fail(section, index, key, "key", message)
    return key


def _has_lone_surrogate(value):
    """True when a string in `value` (or in its list or object, as fields hold) holds half of a UTF-16 pair,
    which no database can store: JSON's escapes can write one, UTF-8 cannot."""
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
    return any(isinstance(item, str) and any("\ud800" <= char <= "\udfff" for char in item) for item in items)


def _first_error(section, index, key, errors, rename=None):
    if errors:
        field, message = next(iter(errors.items()))
        _fail(section, index, key, (rename or {}).get(field, field), message)


def parse(text):
    """The three lists of an import file; ImportError_ when it is not that shape."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportError_(f"not valid JSON: {error}") from None
    except ValueError:  # Python refuses to read integers of more than 4,300 digits
        raise ImportError_(f"not valid JSON: a number has more than {sys.get_int_max_str_digits()} digits") from None
    except RecursionError:
        raise ImportError_("not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise ImportError_("the file must hold one JSON object")
    unknown = set(data) - {"organisations", "solutions", "challenges"}
    if unknown:
        raise ImportError_(f'unknown top-level field "{sorted(unknown)[0]}"')
    lists = {}
    for section in ("organisations", "solutions", "challenges"):
        lists[section] = data.get(section, [])
        if not isinstance(lists[section], list):
            raise ImportError_(f'"{section}" must be a list')
    return lists


def _organisation_data(item):
    return {
        "kind": item.get("kind"), "name": item.get("name"), "name_ko": item.get("name_ko", ""),
        "country": item.get("country"),
        "description": item.get("description", ""), "website": item.get("website", ""),
        "sectors": [], "alliance_member": item.get("alliance_member", False),
    }


def _challenge_data(item):
    budget = item.get("budget")
    budget = budget if isinstance(budget, dict) else {}
    data = {field: item.get(field) for field in CHALLENGE_FIELDS - {"key", "organisation", "budget"}}
    data.update(budget_min=budget.get("min"), budget_max=budget.get("max"), currency=budget.get("currency"))
    return data


def validate(lists):
    """Check every record; raise ImportError_ naming the first bad one."""
    seen = {}
    kinds = {}
    for index, item in enumerate(lists["organisations"]):
        key = _check_record("organisations", index, item, ORGANISATION_FIELDS)
        if key in seen.setdefault("organisations", set()):
            _fail("organisations", index, key, "key", "appears twice in the file")
        seen["organisations"].add(key)
        if not isinstance(item.get("alliance_member", False), bool):
            _fail("organisations", index, key, "alliance_member", "must be true or false")
        _first_error("organisations", index, key, organisations.validate(_organisation_data(item), new=True))
        stored = db.session.scalar(select(Organisation.kind).where(Organisation.key == key))
        if stored is not None and stored != item["kind"]:
            # The kind decides what the organisation may own: it is not the file's to change.
            _fail("organisations", index, key, "kind", f"is a {stored} in the portal and cannot change")
        kinds[key] = item["kind"]

    def owner_kind(section, index, key, item, expected):
        ref = item.get("organisation")
        kind = kinds.get(ref) if isinstance(ref, str) else None
        if kind is None and isinstance(ref, str):
            kind = db.session.scalar(select(Organisation.kind).where(Organisation.key == ref))
        if kind is None:
            _fail(section, index, key, "organisation", f"no organisation with key {ref!r}")
        if kind != expected:
            _fail(section, index, key, "organisation", f"must be a {expected}, {ref!r} is a {kind}")

    for index, item in enumerate(lists["solutions"]):
        key = _check_record("solutions", index, item, SOLUTION_FIELDS)
        if key in seen.setdefault("solutions", set()):
            _fail("solutions", index, key, "key", "appears twice in the file")
        seen["solutions"].add(key)
        owner_kind("solutions", index, key, item, "company")
        _first_error("solutions", index, key, solutions.validate(item))

    for index, item in enumerate(lists["challenges"]):
        key = _check_record("challenges", index, item, CHALLENGE_FIELDS)
        if key in seen.setdefault("challenges", set()):
            _fail("challenges", index, key, "key", "appears twice in the file")
        seen["challenges"].add(key)
        owner_kind("challenges", index, key, item, "city")
        budget = item.get("budget")
        if not isinstance(budget, dict):
            _fail("challenges", index, key, "budget", "must be an object with min, max and currency")
        for field in budget:
            if field not in BUDGET_FIELDS:
                _fail("challenges", index, key, f"budget.{field}", "unknown field")
        rename = {"budget_min": "budget.min", "budget_max": "budget.max", "currency": "budget.currency"}
        _first_error("challenges", index, key, challenges.validate(_challenge_data(item)), rename)


def _upsert(model, key, counts):
    obj = db.session.scalar(select(model).where(model.key == key))
    if obj is None:
        obj = model(key=key)
        db.session.add(obj)
        counts["created"] += 1
        return obj, True
    return obj, False


def _tally(obj, created, counts):
    if created:
        return
    if db.session.is_modified(obj) or any(
        db.session.is_modified(row) or row in db.session.new
        for name in ("_sector_rows", "_country_rows") for row in getattr(obj, name, [])
    ):
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1


def load(lists, actor=None):
    """Write validated records; returns counts per section. The caller commits."""
    validate(lists)
    report = {}
    by_key = {}
    counts = report["organisations"] = {"created": 0, "updated": 0, "unchanged": 0}
    for item in lists["organisations"]:
        organisation, created = _upsert(Organisation, item["key"], counts)
        if created:
            organisation.kind = item["kind"]
        data = _organisation_data(item)
        data["sectors"] = organisation.sectors if not created else []
        data["timezone"] = organisation.timezone if not created and organisation.country == item["country"] else None
        organisations.apply(organisation, data)
        if not organisation.is_verified:
            organisation.verification = Organisation.VERIFIED
            organisation.verified_at = utcnow()
        _tally(organisation, created, counts)
        by_key[item["key"]] = organisation

    def owner(ref):
        if ref not in by_key:
            by_key[ref] = db.session.scalar(select(Organisation).where(Organisation.key == ref))
        return by_key[ref]

    counts = report["solutions"] = {"created": 0, "updated": 0, "unchanged": 0}
    for item in lists["solutions"]:
        solution, created = _upsert(Solution, item["key"], counts)
        if solution.organisation is not owner(item["organisation"]):
            solution.organisation = owner(item["organisation"])
        solutions.apply(solution, item)
        if solution.status != Solution.PUBLISHED:
            solution.status = Solution.PUBLISHED
        _tally(solution, created, counts)

    counts = report["challenges"] = {"created": 0, "updated": 0, "unchanged": 0}
    newly_public = []
    for item in lists["challenges"]:
        challenge, created = _upsert(Challenge, item["key"], counts)
        if challenge.organisation is not owner(item["organisation"]):
            challenge.organisation = owner(item["organisation"])
        challenges.apply(challenge, _challenge_data(item))
        if challenge.status == Challenge.DRAFT or created:
            challenge.status = Challenge.PUBLISHED
            challenge.published_at = challenge.published_at or utcnow()
            newly_public.append(challenge)
        _tally(challenge, created, counts)

    db.session.flush()
    for challenge in newly_public:
        announce(challenge_published, challenge=challenge)
    changed = sum(c["created"] + c["updated"] for c in report.values())
    if changed:
        record(actor, "import.loaded", None, report=report)
    return report


def import_text(text, actor=None):
    """Parse, validate and load an import file's text."""
    return load(parse(text), actor)

