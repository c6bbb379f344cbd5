"""What the search index holds for each record, built from the database (the one source of truth)."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import selectinload

from ..challenges.models import Challenge
from ..organisations.models import Organisation
from ..solutions.models import Solution

KINDS = ("solution", "challenge", "organisation")
MODELS = {"solution": Solution, "challenge": Challenge, "organisation": Organisation}


@dataclass
class Document:
    """One searchable record, the same for every backend."""

    kind: str
    id: int
    key: str
    title: str
    body: str  # summaries and longer text, in whichever languages the record has
    # Who may find it, from the model's one rule (portal/visibility.py): anyone when `public`
    # (visible_to(None)), members of `organisation_id` (its owner) always, admins always.
    public: bool
    organisation_id: int
    date: datetime  # timezone-aware (UTC), as every stored time in the portal
    language: str = "en"
    sectors: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    trl: int | None = None
    stamp: str = ""  # which version of the record (and of its organisation) this is; see version_stamp

    @property
    def ref(self):
        return f"{self.kind}:{self.id}"


def version_stamp(updated_at, organisation_updated_at):
    """Names the version of a record's document: the times the record and its organisation (whose
    verification decides who sees it) last changed. An organisation's own organisation is itself."""
    return f"{updated_at.isoformat()}/{organisation_updated_at.isoformat()}"


def database_stamps(session):
    """{ref: stamp} of every record in the database, in one query, to compare with the index's."""
    org = Organisation
    statement = union_all(*(
        select(literal(kind), model.id, model.updated_at, org.updated_at).join(org, model.organisation_id == org.id)
        for kind, model in (("solution", Solution), ("challenge", Challenge))
    ), select(literal("organisation"), org.id, org.updated_at, org.updated_at))
    return {f"{kind}:{id}": version_stamp(updated_at, organisation_updated_at)
            for kind, id, updated_at, organisation_updated_at in session.execute(statement)}


def _join(*parts):
    return "\n".join(part for part in parts if part)


def solution_document(solution, **visibility):
    return Document(
        kind="solution", id=solution.id, key=solution.key,
        title=_join(solution.title, solution.title_ko),
        body=_join(solution.summary, solution.summary_ko, solution.description, " ".join(solution.tags)),
        date=solution.created_at, language=solution.language,
        sectors=solution.sectors, countries=list(solution.countries), trl=solution.trl,
        stamp=version_stamp(solution.updated_at, solution.organisation.updated_at), **visibility,
    )


def challenge_document(challenge, **visibility):
    return Document(
        kind="challenge", id=challenge.id, key=challenge.key,
        title=_join(challenge.title, challenge.title_ko),
        body=_join(challenge.summary, challenge.summary_ko, challenge.problem, challenge.outcomes),
        date=challenge.published_at or challenge.created_at,
        language=challenge.language, sectors=challenge.sectors, countries=[challenge.organisation.country],
        stamp=version_stamp(challenge.updated_at, challenge.organisation.updated_at), **visibility,
    )


def organisation_document(organisation, **visibility):
    return Document(
        kind="organisation", id=organisation.id, key=organisation.key,
        title=_join(organisation.name, organisation.name_ko),
        body=organisation.description, date=organisation.created_at, sectors=organisation.sectors,
        countries=[organisation.country], stamp=version_stamp(organisation.updated_at, organisation.updated_at),
        **visibility,
    )


BUILDERS = {"solution": solution_document, "challenge": challenge_document, "organisation": organisation_document}


def load_documents(session, kind, ids=None):
    """Documents for records of one kind (all, or those with `ids`); missing ids are simply absent.

    Whether a record is public is asked of the database with the model's rule, in the same query.
    """
    model = MODELS[kind]
    statement = select(model, model.visible_to(None).label("public"), model.owner_id().label("owner"))
    statement = statement.options(selectinload("*"))
    if ids is not None:
        statement = statement.where(model.id.in_(ids))
    return [BUILDERS[kind](record, public=bool(public), organisation_id=owner)
            for record, public, owner in session.execute(statement.order_by(model.id))]


def all_documents(session):
    """Every record as a document, for a rebuild."""
    for kind in KINDS:
        yield from load_documents(session, kind)
