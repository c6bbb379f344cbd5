"""The embedded search backend: a Whoosh index in the instance folder.

Writers wait for the index lock instead of failing (Whoosh's default gives
up at once, losing the write), and every commit replaces the table of
contents atomically, so a crash mid-write leaves the previous index readable.
"""
import fcntl
from contextlib import contextmanager
from pathlib import Path

from whoosh import index, sorting
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.query import And, Every, Or, Term
from whoosh.writing import CLEAR

from .analysis import gram_analyzer, text_analyzer
from .backend import FACETS, Hit, SearchBackend, SearchResults
from .querying import TRANSLATION_BOOST, plan
from .whoosh_scoring import TEXT_FIELDS, top_documents

LOCK_TIMEOUT_SECONDS = 60


def schema():
    return Schema(
        ref=ID(stored=True, unique=True),
        kind=ID(stored=True),
        id=STORED(),
        key=STORED(),
        title=TEXT(analyzer=text_analyzer(), stored=True, field_boost=3.0),
        body=TEXT(analyzer=text_analyzer(), stored=True),
        grams=TEXT(analyzer=gram_analyzer(), field_boost=0.5),
        public=ID(),
        organisation_id=ID(),
        language=ID(),
        sectors=KEYWORD(commas=True),
        countries=KEYWORD(commas=True),
        trl=ID(),
        date=DATETIME(sortable=True),
    )


def fields(document):
    """A Document as Whoosh fields."""
    return {
        "ref": document.ref, "kind": document.kind, "id": document.id, "key": document.key,
        "title": document.title, "body": document.body, "grams": f"{document.title}\n{document.body}",
        "public": "1" if document.public else "0", "organisation_id": str(document.organisation_id),
        "language": document.language, "sectors": ",".join(document.sectors),
        "countries": ",".join(document.countries), "trl": str(document.trl) if document.trl else "",
        "date": document.date.replace(tzinfo=None),
    }


class WhooshBackend(SearchBackend):
    """Search over a Whoosh index in `path`."""

    def __init__(self, path):
        self.path = Path(path)

    @contextmanager
    def _creation_lock(self):
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / "create.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _index(self):
        if index.exists_in(self.path):
            return index.open_dir(self.path)
        with self._creation_lock():  # two processes may both find no index
            if not index.exists_in(self.path):
                return index.create_in(self.path, schema())
            return index.open_dir(self.path)

    def _recreate(self):
        """A new empty index in place of one that cannot be opened (nothing in it can be saved)."""
        with self._creation_lock():
            for path in self.path.iterdir():
                if path.name != "create.lock":
                    path.unlink()
            return index.create_in(self.path, schema())

    @contextmanager
    def _writer(self, **commit_options):
        writer = self._index().writer(timeout=LOCK_TIMEOUT_SECONDS, delay=0.05)
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit(**commit_options)

    def add(self, documents):
        documents = list(documents)
        if documents:
            with self._writer() as writer:
                for document in documents:
                    writer.update_document(**fields(document))

    def remove(self, refs):
        refs = list(refs)
        if refs:
            with self._writer() as writer:
                for ref in refs:
                    writer.delete_by_term("ref", ref)

    def rebuild(self, documents):
        try:
            self._index().close()
        except Exception:  # unreadable: start afresh, the database holds everything
            self._recreate()
        with self._writer(mergetype=CLEAR) as writer:
            for document in documents:
                writer.add_document(**fields(document))

    def refs(self):
        with self._index().searcher() as searcher:
            return {stored["ref"] for stored in searcher.all_stored_fields()}

    def document_frequencies(self, terms):
        """(number of documents, {term: documents holding it in title or body})."""
        with self._index().searcher() as searcher:
            frequencies = {term: max(searcher.doc_frequency("body", term), searcher.doc_frequency("title", term))
                           for term in terms}
            return searcher.doc_count(), frequencies

    def candidates(self, kind, words, limit):
        """Public records of `kind` matching any word, best first: [(id, key, score, matched terms)]."""
        units = [(terms, TEXT_FIELDS if where == "text" else ("grams",), boost)
                 for word in words for terms, where, boost in word.units()]
        with self._index().searcher() as searcher:
            best = top_documents(searcher, units, [("kind", kind), ("public", "1")], limit)
            found = []
            for docnum, score, matched in best:
                stored = searcher.stored_fields(docnum)
                found.append((stored["id"], stored["key"], score, matched))
            return found

    def search(self, query):
        planned = plan(query.text)
        if query.text.strip() and not planned.words:
            # Only stop words, operators or symbols: nothing to look for.
            return SearchResults(hits=[], total=0, page=query.page, per_page=query.per_page, facets={})
        visible = None
        if not query.viewer_is_admin:
            visible = Term("public", "1")
            if query.viewer_organisation_id:
                visible = Or([visible, Term("organisation_id", str(query.viewer_organisation_id))])
        conditions = [Or([Term("kind", kind) for kind in query.kinds])] if query.kinds else []
        conditions += [Term(name, str(value)) for name, value in query.filters.items() if value]
        if visible is not None:
            conditions.append(visible)
        restrict = And(conditions) if conditions else None

        with self._index().searcher() as searcher:
            broadened = False
            whoosh_query = to_whoosh(planned, every_word=True)
            results = self._run(searcher, whoosh_query, restrict, query)
            if results.total == 0 and len(planned.words) > 1:
                broadened = True
                results = self._run(searcher, to_whoosh(planned, every_word=False), restrict, query)
            results.broadened = broadened
            return results

    def _run(self, searcher, whoosh_query, restrict, query):
        facets = sorting.Facets()
        for name in FACETS:
            facets.add_field(name, allow_overlap=name in ("sectors", "countries"))
        by_date = query.sort == "date" or isinstance(whoosh_query, Every)
        sortedby = sorting.FieldFacet("date", reverse=True) if by_date else None
        page = searcher.search_page(whoosh_query, query.page, pagelen=query.per_page, filter=restrict,
                                    sortedby=sortedby, groupedby=facets, terms=True)
        page.results.fragmenter = ContextFragmenter(maxchars=220, surround=60)
        page.results.formatter = HtmlFormatter(tagname="mark", between=" … ")
        hits = []
        if page.offset < page.total:
            for hit in page:
                snippet = hit.highlights("body", top=2) or _escape(hit["body"][:220])
                score = 0.0 if by_date else round(hit.score or 0.0, 4)
                title, _newline, title_ko = hit["title"].partition("\n")
                hits.append(Hit(kind=hit["kind"], id=hit["id"], key=hit["key"], score=score,
                                title=title, title_ko=title_ko, snippet=snippet))
        counts = {name: {value: len(numbers) for value, numbers in page.results.groups(name).items() if value}
                  for name in FACETS}
        return SearchResults(hits=hits, total=page.total, page=query.page, per_page=query.per_page, facets=counts)


def _escape(text):
    from markupsafe import escape

    return str(escape(text))


def _all_terms(term_list, boost=1.0):
    """Every term of the list, each in the title or the body."""
    return And([Or([Term("title", term, boost=boost), Term("body", term, boost=boost)]) for term in term_list])


def to_whoosh(planned, every_word):
    """The planned query as Whoosh query objects."""
    if not planned.words:
        return Every()
    groups = []
    for word in planned.words:
        alternatives = [_all_terms(terms) for terms in word.alternatives]
        alternatives += [_all_terms(terms, TRANSLATION_BOOST) for terms in word.translations]
        if word.grams:
            alternatives.append(And([Term("grams", gram) for gram in word.grams]))
        groups.append(Or(alternatives, boost=word.weight))
    return And(groups) if every_word else Or(groups)
