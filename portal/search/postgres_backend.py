"""The shared search backend: PostgreSQL full-text search over the search_documents table.

The terms come from the same analyser as the Whoosh backend (PostgreSQL's own
parsers know nothing of Korean particles), stored as a tsvector with field
weights: title A, body B, Hangul grams D. Several app servers can share it,
and writes are ordinary transactions.
"""
from collections import defaultdict

from sqlalchemy import bindparam, cast, delete, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR, insert

from .analysis import gram_analyzer, text_analyzer
from .backend import FACETS, Hit, SearchBackend, SearchResults
from .highlight import snippet
from .models import SearchDocument
from .querying import PlannedQuery, plan

MAX_POSITION = 16383  # PostgreSQL's limit for tsvector positions
_TEXT, _GRAMS = text_analyzer(), gram_analyzer()
TABLE = SearchDocument.__table__


def _quote(term):
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(document):
    """The document's terms as a tsvector literal with positions and weights."""
    positions = defaultdict(list)
    position = 0
    for weight, analyzer, source in (("A", _TEXT, document.title), ("B", _TEXT, document.body),
                                     ("D", _GRAMS, f"{document.title}\n{document.body}")):
        for token in analyzer(source):
            position = min(position + 1, MAX_POSITION)
            if len(positions[token.text]) < 256:
                positions[token.text].append(f"{position}{weight}")
    return " ".join(f"{_quote(term)}:{','.join(places)}" for term, places in positions.items())


def _all(terms):
    return "(" + " & ".join(_quote(term) for term in terms) + ")"


def tsquery_literal(planned, every_word):
    """The planned query as a tsquery literal; None when there is nothing to look for."""
    groups = []
    for word in planned.words:
        alternatives = [_all(terms) for terms in (*word.alternatives, *word.translations)]
        if word.grams:
            alternatives.append(_all(word.grams))
        groups.append("(" + " | ".join(alternatives) + ")")
    if not groups:
        return None
    return (" & " if every_word else " | ").join(groups)


def _row(document):
    return {
        "ref": document.ref, "kind": document.kind, "record_id": document.id, "key": document.key,
        "title": document.title, "body": document.body, "public": document.public,
        "organisation_id": document.organisation_id, "language": document.language,
        "sectors": "," + ",".join(document.sectors) + ",", "countries": "," + ",".join(document.countries) + ",",
        "trl": str(document.trl) if document.trl else "", "date": document.date,
        "terms": tsvector_literal(document),
    }


class PostgresBackend(SearchBackend):
    """Search with PostgreSQL's tsvector, GIN index and ts_rank."""

    def __init__(self, engine):
        if engine.dialect.name != "postgresql":
            raise RuntimeError("the postgres search backend needs DATABASE_URL to point at PostgreSQL")
        self.engine = engine

    def _upsert(self, connection, documents):
        rows = [_row(document) for document in documents]
        if not rows:
            return
        statement = insert(TABLE).values({**{c: bindparam(c) for c in rows[0] if c != "terms"},
                                          "terms": cast(bindparam("terms"), TSVECTOR)})
        statement = statement.on_conflict_do_update(
            index_elements=["ref"], set_={c: statement.excluded[c] for c in rows[0] if c != "ref"})
        connection.execute(statement, rows)

    def add(self, documents):
        with self.engine.begin() as connection:
            self._upsert(connection, list(documents))

    def remove(self, refs):
        refs = list(refs)
        if refs:
            with self.engine.begin() as connection:
                connection.execute(delete(TABLE).where(TABLE.c.ref.in_(refs)))

    def rebuild(self, documents):
        # One transaction: searches see the old documents until the new ones are all in.
        with self.engine.begin() as connection:
            connection.execute(delete(TABLE))
            documents = list(documents)
            for start in range(0, len(documents), 1000):
                self._upsert(connection, documents[start:start + 1000])

    def refs(self):
        with self.engine.connect() as connection:
            return set(connection.scalars(select(TABLE.c.ref)))

    def document_frequencies(self, terms):
        with self.engine.connect() as connection:
            total = connection.scalar(select(func.count()).select_from(TABLE))
            frequencies = {}
            for term in terms:
                query = cast(_quote(term), TSQUERY)
                frequencies[term] = connection.scalar(
                    select(func.count()).select_from(TABLE).where(TABLE.c.terms.op("@@")(query)))
            return total, frequencies

    def candidates(self, kind, words, limit):
        literal = tsquery_literal(PlannedQuery(words=words), every_word=False)
        if literal is None:
            return []
        query = cast(literal, TSQUERY)
        wanted = [term for word in words for term in word.index_terms()]
        matched = select(func.array_agg(literal_column("lexeme"))).select_from(
            func.unnest(TABLE.c.terms).table_valued("lexeme")).where(
            literal_column("lexeme").in_(wanted)).scalar_subquery()
        rank = func.ts_rank(TABLE.c.terms, query, 1)
        statement = (select(TABLE.c.record_id, TABLE.c.key, rank.label("rank"), matched.label("matched"))
                     .where(TABLE.c.kind == kind, TABLE.c.public.is_(True), TABLE.c.terms.op("@@")(query))
                     .order_by(rank.desc(), TABLE.c.ref).limit(limit))
        with self.engine.connect() as connection:
            return [(row.record_id, row.key, float(row.rank), set(row.matched or []))
                    for row in connection.execute(statement)]

    def search(self, query):
        planned = plan(query.text)
        if query.text.strip() and not planned.words:
            return SearchResults(hits=[], total=0, page=query.page, per_page=query.per_page, facets={})
        conditions = []
        if not query.viewer_is_admin:
            visible = TABLE.c.public.is_(True)
            if query.viewer_organisation_id:
                visible = or_(visible, TABLE.c.organisation_id == query.viewer_organisation_id)
            conditions.append(visible)
        if query.kinds:
            conditions.append(TABLE.c.kind.in_(query.kinds))
        for name, value in query.filters.items():
            if name in ("sectors", "countries"):
                conditions.append(TABLE.c[name].contains(f",{value},"))
            elif value:
                conditions.append(TABLE.c[name] == str(value))
        with self.engine.connect() as connection:
            results = self._run(connection, planned, conditions, query, every_word=True)
            if results.total == 0 and len(planned.words) > 1:
                results = self._run(connection, planned, conditions, query, every_word=False)
                results.broadened = True
            return results

    def _run(self, connection, planned, conditions, query, every_word):
        literal = tsquery_literal(planned, every_word)
        where = list(conditions)
        rank = literal_column("0.0")
        if literal is not None:
            tsquery = cast(literal, TSQUERY)
            where.append(TABLE.c.terms.op("@@")(tsquery))
            rank = func.ts_rank(TABLE.c.terms, tsquery, 1)
        by_date = query.sort == "date" or literal is None
        order = (TABLE.c.date.desc(), TABLE.c.ref) if by_date else (rank.desc(), TABLE.c.ref)
        total = connection.scalar(select(func.count()).select_from(TABLE).where(*where))
        rows = connection.execute(
            select(TABLE.c.kind, TABLE.c.record_id, TABLE.c.key, TABLE.c.title, TABLE.c.body, rank.label("rank"))
            .where(*where).order_by(*order).offset((query.page - 1) * query.per_page).limit(query.per_page))
        terms = {term for word in planned.words for term in word.index_terms()}
        hits = []
        for row in rows:
            title, _newline, title_ko = row.title.partition("\n")
            hits.append(Hit(kind=row.kind, id=row.record_id, key=row.key, title=title, title_ko=title_ko,
                            score=0.0 if by_date else round(float(row.rank), 4), snippet=snippet(row.body, terms)))
        return SearchResults(hits=hits, total=total, page=query.page, per_page=query.per_page,
                             facets=self._facets(connection, where))

    @staticmethod
    def _facets(connection, where):
        counts = {}
        for name in FACETS:
            column = TABLE.c[name]
            if name in ("sectors", "countries"):
                value = func.unnest(func.string_to_array(func.trim(column, ","), ",")).label("value")
                inner = select(value).where(*where).subquery()
                statement = select(inner.c.value, func.count()).group_by(inner.c.value)
            else:
                statement = select(column, func.count()).where(*where).group_by(column)
            counts[name] = {value: count for value, count in connection.execute(statement) if value}
        return counts


