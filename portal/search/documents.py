"""What the search index holds for each record, built from the database (the one source of truth)."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
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
    public: bool  # anyone may find it
    organisation_id: int  # its members may find it while it is not public
    date: datetime  # timezone-aware (UTC), as every stored time in the portal
    language: str = "en"
    sectors: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    trl: int | None = None

    @property
    def ref(self):
        return f"{self.kind}:{self.id}"


def _join(*parts):
    return "\n".join(part for part in parts if part)


def solution_document(solution):
    return Document(
        kind="solution", id=solution.id, key=solution.key,
        title=_join(solution.title, solution.title_ko),
        body=_join(solution.summary, solution.summary_ko, solution.description, " ".join(solution.tags)),
        public=solution.status == Solution.PUBLISHED and solution.organisation.is_verified,
        organisation_id=solution.organisation_id, date=solution.created_at, language=solution.language,
        sectors=solution.sectors, countries=list(solution.countries), trl=solution.trl,
    )


def challenge_document(challenge):
    return Document(
        kind="challenge", id=challenge.id, key=challenge.key,
        title=_join(challenge.title, challenge.title_ko),
        body=_join(challenge.summary, challenge.summary_ko, challenge.problem, challenge.outcomes),
        public=challenge.status != Challenge.DRAFT and challenge.organisation.is_verified,
        organisation_id=challenge.organisation_id, date=challenge.published_at or challenge.created_at,
        language=challenge.language, sectors=challenge.sectors, countries=[challenge.organisation.country],
    )


def organisation_document(organisation):
    return Document(
        kind="organisation", id=organisation.id, key=organisation.key,
        title=_join(organisation.name, organisation.name_ko),
        body=organisation.description, public=organisation.is_verified, organisation_id=organisation.id,
        date=organisation.created_at, sectors=organisation.sectors, countries=[organisation.country],
    )


BUILDERS = {"solution": solution_document, "challenge": challenge_document, "organisation": organisation_document}


def load_documents(session, kind, ids=None):
    """Documents for records of one kind (all, or those with `ids`); missing ids are simply absent."""
    model = MODELS[kind]
    statement = select(model).options(selectinload("*"))
    if ids is not None:
        statement = statement.where(model.id.in_(ids))
    return [BUILDERS[kind](record) for record in session.scalars(statement.order_by(model.id))]


def all_documents(session):
    """Every record as a document, for a rebuild."""
    for kind in KINDS:
        yield from load_documents(session, kind)
