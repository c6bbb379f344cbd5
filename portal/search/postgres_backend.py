"""The shared search backend: PostgreSQL full-text search over the search_documents table.

The terms come from the same analyser as the Whoosh backend (PostgreSQL's own
parsers know nothing of Korean particles), stored as a tsvector with field
weights: title A, body B, Hangul grams D. Several app servers can share it,
and writes are ordinary transactions.

Ranking does not use the tsvector: ts_rank reads every matching row's, and
an OR of dozens of words matches most rows (1.7 s to match at 10,000
solutions). Every record's terms are also kept in search_postings with a BM25
weight computed when the record is written (its impact), and matching and
search read only the best rows of each term from an index ordered by impact,
the "champion lists" of the information-retrieval textbooks. A search still
finds and counts its matches with the tsvector's GIN index.
"""
import math
from collections import Counter, defaultdict

from sqlalchemy import bindparam, cast, delete, select, text
from sqlalchemy.dialects.postgresql import TSVECTOR, insert

from .analysis import gram_analyzer, text_analyzer
from .backend import FACETS, Hit, SearchBackend, SearchResults
from .documents import KINDS
from .highlight import snippet
from .models import SearchDocument, SearchPosting, SearchTermCount
from .querying import plan

MAX_POSITION = 16383  # PostgreSQL's limit for tsvector positions
_TEXT, _GRAMS = text_analyzer(), gram_analyzer()
TABLE = SearchDocument.__table__
POSTINGS = SearchPosting.__table__
COUNTS = SearchTermCount.__table__

# BM25 as the Whoosh backend scores it, with the field boosts of its schema: each field's term
# frequency saturates on its own, and the fields add up (saturating their sum let a word repeated in
# the body weigh as much as the same word in the title). Lengths are measured against a fixed typical
# length, not the collection's average, so that a record's impacts never change when other records do.
B, K1 = 0.75, 1.2
FIELD_BOOSTS = {"title": 3.0, "body": 1.0, "grams": 0.5}
TYPICAL_LENGTHS = {"title": 12, "body": 120, "grams": 150}
GRAM_PREFIX = "~"  # grams live beside words in one column; "~" never starts a word
KOREAN_MARK = "#ko"  # no word starts with "#"
CHAMPIONS = 1000  # rows read per term: deep enough that a term's best holders are all seen
RESCORED = 2  # matching finds this many times the candidates it returns, then scores them exactly


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


def _tokens(analyzer, text):
    return [token.text for token in analyzer(text)]


def impacts(document):
    """{term: BM25 weight of the term in this document}; the term "" stands for the document itself, and
    KOREAN_MARK for its being written in Korean (so the term counts count records too)."""
    weights = defaultdict(float)
    for field, tokens, prefix in (("title", _tokens(_TEXT, document.title), ""),
                                  ("body", _tokens(_TEXT, document.body), ""),
                                  ("grams", _tokens(_GRAMS, f"{document.title}\n{document.body}"), GRAM_PREFIX)):
        norm = K1 * (1 - B + B * len(tokens) / TYPICAL_LENGTHS[field])
        for term, frequency in Counter(tokens).items():
            weights[prefix + term] += FIELD_BOOSTS[field] * frequency * (K1 + 1) / (frequency + norm)
    found = dict(weights)
    found[""] = 0.0
    if document.language == "ko":
        found[KOREAN_MARK] = 0.0
    return found


def _units(words):
    """Each word's units as (terms, boost): the record must hold every term; grams carry GRAM_PREFIX."""
    return [(tuple(dict.fromkeys(GRAM_PREFIX + term if where == "grams" else term for term in terms)), boost)
            for word in words for terms, where, boost in word.units()]


def _unit_rows(units):
    """The units as arrays for SQL's unnest(), a row per term: its unit's number, boost and size."""
    rows = [(number, term, boost, len(terms)) for number, (terms, boost) in enumerate(units) for term in terms]
    return dict(zip(("units", "terms", "boosts", "sizes"), map(list, zip(*rows, strict=True)), strict=True))


def _counts(connection, kind, terms):
    """{term: how many public records of `kind` hold it} for those of `terms` that some record holds. The
    terms go as one array: as a list of hundreds of parameters, the statement took longer to write, send
    and parse than to run."""
    return dict(connection.execute(text(
        "SELECT term, documents FROM search_term_counts WHERE kind = :kind AND term = ANY(CAST(:terms AS text[]))"),
        {"kind": kind, "terms": sorted(set(terms))}).all())


def _idf(total, documents):
    """BM25's idf, as the Whoosh backend weighs a term that `documents` of `total` records hold."""
    return math.log(total / (documents + 1)) + 1


def _weights_by_rarest(units, counts, total):
    """{term: weight}: each unit looked up by its rarest term of those in `counts` ({term: public records
    holding it}, of `total`), weighing its boost times that term's idf. Units that share their rarest term (a
    word and its translation, say) add up on it, so its rows are read once."""
    weights = {}
    for terms, boost in units:
        held = [(counts[term], term) for term in terms if term in counts]
        if held:
            documents, term = min(held)
            weights[term] = weights.get(term, 0.0) + boost * _idf(total, documents)
    return weights


def _postings(documents):
    """The rows of search_postings for `documents`: (kind, term, record id, impact, public)."""
    return [(document.kind, term, document.id, impact, document.public)
            for document in documents for term, impact in impacts(document).items()]


def _row(document):
    return {
        "ref": document.ref, "kind": document.kind, "record_id": document.id, "key": document.key,
        "title": document.title, "body": document.body, "public": document.public,
        "organisation_id": document.organisation_id, "language": document.language,
        "sectors": "," + ",".join(document.sectors) + ",", "countries": "," + ",".join(document.countries) + ",",
        "trl": str(document.trl) if document.trl else "", "date": document.date,
        "terms": tsvector_literal(document), "stamp": document.stamp,
    }


class PostgresBackend(SearchBackend):
    """Search with PostgreSQL's tsvector and GIN index, ranked from impact-ordered postings."""

    def __init__(self, engine):
        if engine.dialect.name != "postgresql":
            raise RuntimeError("the postgres search backend needs DATABASE_URL to point at PostgreSQL")
        self.engine = engine

    def _upsert(self, connection, documents):
        rows = [_row(document) for document in sorted(documents, key=lambda document: document.ref)]
        if not rows:
            return
        statement = insert(TABLE).values({**{c: bindparam(c) for c in rows[0] if c != "terms"},
                                          "terms": cast(bindparam("terms"), TSVECTOR)})
        statement = statement.on_conflict_do_update(
            index_elements=["ref"], set_={c: statement.excluded[c] for c in rows[0] if c != "ref"})
        connection.execute(statement, rows)

    def _replace_postings(self, connection, removed, documents):
        """Drop the postings of `removed` ((kind, id) pairs), add those of `documents`, and move the term
        counts of public records by the difference."""
        change = Counter()
        for kind in {kind for kind, _id in removed}:
            ids = [id for other, id in removed if other == kind]
            for term, public in connection.execute(delete(POSTINGS).where(
                    POSTINGS.c.kind == kind, POSTINGS.c.record_id.in_(ids)).returning(POSTINGS.c.term,
                                                                                      POSTINGS.c.public)):
                if public:
                    change[kind, term] -= 1
        rows = _postings(documents)
        for kind, term, _id, _impact, public in rows:
            if public:
                change[kind, term] += 1
        self._copy_postings(connection, rows)
        counts = [{"kind": kind, "term": term, "documents": delta}
                  for (kind, term), delta in sorted(change.items()) if delta]
        if counts:  # in key order, so that concurrent writers lock rows in the same order
            statement = insert(COUNTS).values({"kind": bindparam("kind"), "term": bindparam("term"),
                                               "documents": bindparam("documents")})
            connection.execute(statement.on_conflict_do_update(
                index_elements=["kind", "term"], set_={"documents": COUNTS.c.documents + statement.excluded.documents}),
                counts)
            for kind in {row["kind"] for row in counts if row["documents"] < 0}:
                fewer = [row["term"] for row in counts if row["kind"] == kind and row["documents"] < 0]
                connection.execute(delete(COUNTS).where(
                    COUNTS.c.kind == kind, COUNTS.c.term.in_(fewer), COUNTS.c.documents <= 0))

    @staticmethod
    def _copy_postings(connection, rows):
        if not rows:
            return
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy("COPY search_postings (kind, term, record_id, impact, public) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def add(self, documents):
        documents = list(documents)
        if documents:
            with self.engine.begin() as connection:
                # The document rows first: their locks make a concurrent writer of the same records wait
                # until this commits, so that its postings replace these instead of joining them.
                self._upsert(connection, documents)
                self._replace_postings(connection, {(d.kind, d.id) for d in documents}, documents)

    def remove(self, refs):
        refs = list(refs)
        if refs:
            with self.engine.begin() as connection:
                connection.execute(delete(TABLE).where(TABLE.c.ref.in_(refs)))
                removed = {(ref.partition(":")[0], int(ref.partition(":")[2])) for ref in refs}
                self._replace_postings(connection, removed, [])

    def rebuild(self, documents):
        # One transaction: searches see the old documents until the new ones are all in.
        with self.engine.begin() as connection:
            for table in (TABLE, POSTINGS, COUNTS):
                connection.execute(delete(table))
            batch = []
            for document in documents:
                batch.append(document)
                if len(batch) == 1000:
                    self._rebuild_batch(connection, batch)
                    batch = []
            self._rebuild_batch(connection, batch)
            connection.execute(text(
                "INSERT INTO search_term_counts (kind, term, documents) "
                "SELECT kind, term, count(*) FROM search_postings WHERE public GROUP BY kind, term"))

    def _rebuild_batch(self, connection, documents):
        self._upsert(connection, documents)
        self._copy_postings(connection, _postings(documents))

    def stamps(self):
        with self.engine.connect() as connection:
            return dict(connection.execute(select(TABLE.c.ref, TABLE.c.stamp)).all())

    def document_frequencies(self, kind, terms):
        terms = list(terms)
        with self.engine.connect() as connection:
            rows = _counts(connection, kind, ["", KOREAN_MARK, *terms])
        totals = {"all": rows.get("", 0), "ko": rows.get(KOREAN_MARK, 0)}
        return totals, {term: rows.get(term, 0) for term in terms}

    def candidates(self, kind, words, limit):
        units = _units(words)
        if not units:
            return []
        wanted = {term for terms, _boost in units for term in terms}
        with self.engine.connect() as connection:
            # The counts of the units' terms, looked up once by key: both statements below weigh terms by
            # them, and joining them there read the whole table of counts twice (a table that grows with
            # every word the collection holds).
            counts = _counts(connection, kind, ["", *wanted])
            total = counts.pop("", 0)
            if not counts or total <= 0:
                return []
            weights = _weights_by_rarest(units, counts, total)
            best = connection.execute(text(CANDIDATES_SQL), {
                "kind": kind, "terms": list(weights), "weights": list(weights.values()),
                "depth": CHAMPIONS, "limit": limit * RESCORED}).all()
            if not best:
                return []
            # As the Whoosh backend scores: a unit counts when the record holds all of its terms, each term
            # by its own weight; the query above judged each unit by its rarest term alone.
            rows = _unit_rows(units)
            boosts = rows.pop("boosts")
            rows["weights"] = [boost * _idf(total, counts.get(term, 0)) for term, boost in zip(rows["terms"], boosts,
                                                                                                 strict=True)]
            rescored = connection.execute(text(RESCORED_SQL), {
                "kind": kind, **rows, "ids": [row.record_id for row in best]}).all()
        found = [(record_id, key, score, {term.removeprefix(GRAM_PREFIX) for term in terms.split(" ")})
                 for record_id, key, score, terms in rescored if score > 0]
        found.sort(key=lambda row: (-row[2], row[0]))
        return found[:limit]

    def search(self, query):
        planned = plan(query.text)
        if query.text.strip() and not planned.words:
            return SearchResults(hits=[], total=0, page=query.page, per_page=query.per_page, facets={})
        conditions, parameters = [], {}
        if not query.viewer_is_admin:
            if query.viewer_organisation_id:
                conditions.append("(public OR organisation_id = :viewer)")
                parameters["viewer"] = query.viewer_organisation_id
            else:
                conditions.append("public")
        if query.kinds:
            conditions.append("kind = ANY(CAST(:kinds AS text[]))")
            parameters["kinds"] = list(query.kinds)
        for name, value in query.filters.items():
            if name in ("sectors", "countries"):  # stored as ",a,b,": the value with its commas is one of them
                conditions.append(f"strpos({name}, :{name}) > 0")
                parameters[name] = f",{value},"
            elif name in ("kind", "language", "trl") and value:
                conditions.append(f"{name} = :{name}")
                parameters[name] = str(value)
        with self.engine.connect() as connection:
            if planned.words:
                # The GIN index tells exactly which rows match; a sequential scan would instead unpack every
                # row's tsvector to test it (the planner counts that as cheap): at 10,000 records five times
                # slower for a common word. The matches meet their scores in a hash, where a merge join sorted
                # both sides by text keys first. Compiling the statement (JIT, which PostgreSQL starts on a
                # plan's estimated cost) took 27 ms of a 100 ms search at 100,000 records, to save little.
                # Only this transaction is affected.
                connection.execute(text("SELECT set_config('enable_seqscan', 'off', true), "
                                        "set_config('enable_mergejoin', 'off', true), set_config('jit', 'off', true)"))
            results = self._run(connection, planned, conditions, parameters, query, every_word=True)
            if results.total == 0 and len(planned.words) > 1:
                results = self._run(connection, planned, conditions, parameters, query, every_word=False)
                results.broadened = True
            return results

    def _weights(self, connection, kinds, words):
        """{(kind, term): weight} ranking a search: each unit of the words by its rarest term in each kind,
        weighing the unit's boost times the term's idf among the kind's public records."""
        units = _units(words)
        terms = {term for unit_terms, _boost in units for term in unit_terms}
        counts = dict(((kind, term), documents) for kind, term, documents in connection.execute(text(
            "SELECT kind, term, documents FROM search_term_counts "
            "WHERE kind = ANY(CAST(:kinds AS text[])) AND term = ANY(CAST(:terms AS text[]))"),
            {"kinds": list(kinds), "terms": sorted({"", *terms})}))
        weights = {}
        for kind in kinds:
            # Every term counts, held by no public record or not: a private record the viewer sees may hold it.
            held = {term: counts.get((kind, term), 0) for term in terms}
            for term, weight in _weights_by_rarest(units, held, max(counts.get((kind, ""), 0), 1)).items():
                weights[kind, term] = weight
        return weights

    def _run(self, connection, planned, conditions, parameters, query, every_word):
        """One statement finds the matches once and returns the page's records with their text, the total
        and the facet counts."""
        wanted = tsquery_literal(planned, every_word)
        where = list(conditions)
        parameters = dict(parameters, offset=(query.page - 1) * query.per_page, limit=query.per_page)
        if wanted is not None:
            where.append("terms @@ CAST(:query AS tsquery)")
            parameters["query"] = wanted
        by_date = query.sort == "date" or wanted is None
        where = " AND ".join(where) or "true"
        if by_date:
            statement = SEARCH_SQL.format(where=where, scored="", score="0.0", join="",
                                          order="matched.date DESC, matched.ref",
                                          page_order="page.date DESC, page.ref")
        else:
            weights = self._weights(connection, query.kinds or KINDS, planned.words)
            parameters.update(wanted_kinds=[kind for kind, _term in weights], wanted_terms=[term for _kind, term
                              in weights], wanted_weights=list(weights.values()), depth=CHAMPIONS)
            statement = SEARCH_SQL.format(
                where=where, scored=SCORED_SQL, score="coalesce(scored.score, 0.0)",
                join="LEFT JOIN scored ON scored.kind = matched.kind AND scored.record_id = matched.record_id",
                order="coalesce(scored.score, 0.0) DESC, matched.date DESC, matched.ref",
                page_order="page.score DESC, page.date DESC, page.ref")
        facets, total, hits = {name: {} for name in FACETS}, 0, []
        terms = {term for word in planned.words for term in word.index_terms()}
        rows = connection.execute(text(statement), parameters).all()
        for position, score, ref, kind, record_id, key, title, body in sorted(rows, key=lambda row: row[0]):
            if position > 0:
                title, _newline, title_ko = title.partition("\n")
                hits.append(Hit(kind=kind, id=int(record_id), key=key, title=title, title_ko=title_ko,
                                score=0.0 if by_date else round(float(score), 4), snippet=snippet(body, terms)))
            elif position == 0:
                total = record_id
            else:
                facet, _colon, value = ref.partition(":")
                facets[facet][value] = record_id
        return SearchResults(hits=hits, total=total, page=query.page, per_page=query.per_page, facets=facets)


# A search: the matching records' short columns once (`matched`), ranked for the page and counted. Ranking
# reads no tsvector (ts_rank read every match's, 190 ms of a 230 ms search at 100,000 records): public
# records are scored from the best CHAMPIONS rows of each unit's rarest term, as matching finds its
# candidates, and the few private records the viewer may see from their own postings. A match in no best
# row scores 0 and comes after, newest first. The facets and the total are one grouping of the matches by
# their raw columns: the lists of sectors and countries are split afterwards, on the few distinct lists
# there are, instead of unnesting every match's.
SEARCH_SQL = """
WITH matched AS MATERIALIZED (
    SELECT ref, kind, record_id, public, date, language, trl, sectors, countries
    FROM search_documents WHERE {where}
){scored}, page AS (
    SELECT matched.ref, matched.date, {score} AS score FROM matched {join}
    ORDER BY {order} OFFSET :offset LIMIT :limit
), facet_lists AS (
    SELECT CASE WHEN GROUPING(kind) = 0 THEN 'kind' WHEN GROUPING(language) = 0 THEN 'language'
                WHEN GROUPING(trl) = 0 THEN 'trl' WHEN GROUPING(sectors) = 0 THEN 'sectors'
                WHEN GROUPING(countries) = 0 THEN 'countries' ELSE '' END AS facet,
           coalesce(kind, language, trl, sectors, countries, '') AS list, count(*) AS found
    FROM matched GROUP BY GROUPING SETS ((kind), (language), (trl), (sectors), (countries), ())
)
SELECT :offset + row_number() OVER (ORDER BY {page_order}), page.score, documents.ref, documents.kind,
       documents.record_id, documents.key, documents.title, documents.body
FROM page JOIN search_documents AS documents ON documents.ref = page.ref
UNION ALL
SELECT 0, NULL, '', NULL, found, NULL, NULL, NULL FROM facet_lists WHERE facet = ''
UNION ALL
SELECT -1, NULL, facet || ':' || value, NULL, sum(found)::bigint, NULL, NULL, NULL
FROM facet_lists, unnest(string_to_array(list, ',')) AS value WHERE value <> '' GROUP BY facet, value
"""

SCORED_SQL = """, wanted AS (
    SELECT * FROM unnest(CAST(:wanted_kinds AS text[]), CAST(:wanted_terms AS text[]),
                         CAST(:wanted_weights AS float8[])) AS wanted(kind, term, weight)
), scored AS (
    SELECT wanted.kind, best.record_id, sum(wanted.weight * best.impact) AS score
    FROM wanted CROSS JOIN LATERAL (
        SELECT record_id, impact FROM search_postings
        WHERE kind = wanted.kind AND term = wanted.term AND public ORDER BY impact DESC LIMIT :depth
    ) AS best
    GROUP BY wanted.kind, best.record_id
    UNION ALL
    SELECT matched.kind, matched.record_id, sum(wanted.weight * postings.impact)
    FROM matched
    JOIN search_postings AS postings ON postings.kind = matched.kind AND postings.record_id = matched.record_id
    JOIN wanted ON wanted.kind = postings.kind AND wanted.term = postings.term
    WHERE NOT matched.public
    GROUP BY matched.kind, matched.record_id
)"""


# The best CHAMPIONS rows of each unit's rarest term (:terms) from the impact-ordered index, each weighing
# its unit's boost times the term's idf (:weights): a unit of several words ("smart grid") is held, near
# enough, by the records that hold its rarest word, and the common word's long list is never read. Scoring
# every word of such units here read four times the rows, 190 ms p95 per match at 10,000 solutions instead
# of 77; instead, candidates() scores the best RESCORED times as many records as it returns exactly, from
# their own postings.
CANDIDATES_SQL = """
SELECT best.record_id, sum(wanted.weight * best.impact) AS score
FROM unnest(CAST(:terms AS text[]), CAST(:weights AS float8[])) AS wanted(term, weight)
CROSS JOIN LATERAL (
    SELECT record_id, impact FROM search_postings
    WHERE kind = :kind AND term = wanted.term AND public ORDER BY impact DESC LIMIT :depth
) AS best
GROUP BY best.record_id ORDER BY score DESC, best.record_id LIMIT :limit
"""


# The exact scores of some records (:ids) of one kind, with the terms of the units they hold whole: each
# term weighs its unit's boost times its idf (:weights), as the Whoosh backend weighs it. Grouping by record
# and unit finds the units held whole without sorting every posting (as a window over them did), and the
# records' keys are joined once a record, not once a posting. Terms are words: a space parts them.
RESCORED_SQL = """
WITH wanted AS (
    SELECT * FROM unnest(CAST(:units AS int[]), CAST(:terms AS text[]), CAST(:weights AS float8[]),
                         CAST(:sizes AS int[])) AS wanted(unit, term, weight, size)
), units AS (
    SELECT postings.record_id, sum(wanted.weight * postings.impact) AS part,
           string_agg(postings.term, ' ') AS terms
    FROM search_postings AS postings JOIN wanted ON wanted.term = postings.term
    WHERE postings.kind = :kind AND postings.record_id = ANY(CAST(:ids AS int[]))
    GROUP BY postings.record_id, wanted.unit HAVING count(*) = min(wanted.size)
), scored AS (
    SELECT record_id, sum(part) AS score, string_agg(terms, ' ') AS terms FROM units GROUP BY record_id
)
SELECT scored.record_id, coalesce(documents.key, '') AS key, scored.score, scored.terms
FROM scored LEFT JOIN search_documents AS documents ON documents.ref = CAST(:kind AS text) || ':' || scored.record_id
"""
