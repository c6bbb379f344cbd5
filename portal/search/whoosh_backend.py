"""The embedded search backend: a Whoosh index in the instance folder.

Writers wait for the index lock instead of failing (Whoosh's default gives
up at once, losing the write), and every commit replaces the table of
contents atomically, so a crash mid-write leaves the previous index readable.
"""
import fcntl
import os
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh import index
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.writing import CLEAR

from . import whoosh_scoring as scoring
from .analysis import gram_analyzer, text_analyzer
from .backend import FACETS, Hit, SearchBackend, SearchResults
from .highlight import snippet
from .querying import plan

LOCK_TIMEOUT_SECONDS = 60
# The index's layout: change it with the schema or the analysis, and every index made before is
# rebuilt from the database when next used (Whoosh keeps the schema an index was created with).
FORMAT = "6"
FORMAT_FILE = "cocity-format"
TOC_FILE = re.compile(r"_MAIN_(\d+)\.toc")  # Whoosh's table of contents, one a generation
OPEN_ATTEMPTS = 20
# Segments whose text fields hold up to this many words (a 10,000-record segment holds about 2 million) have
# all their postings read when a searcher first opens them, about 0.4 us a word; larger ones a term at a time.
READ_AHEAD_WORDS = 3_000_000
READ_AHEAD_FIELDS = (*scoring.TEXT_FIELDS, "grams")  # what queries read a term at a time


def _retrying(open_index):
    """`open_index()`, run again when a file it found is gone. A writer in another process that commits
    deletes the table of contents and the segments it replaced, and the ones found a moment before may be
    among them; looking again finds the newer ones."""
    for attempt in range(OPEN_ATTEMPTS):
        try:
            return open_index()
        except FileNotFoundError:
            if attempt + 1 == OPEN_ATTEMPTS:
                raise
            time.sleep(0.005 * (attempt + 1))


def schema():
    return Schema(
        ref=ID(stored=True, unique=True, sortable=True),
        stamp=ID(stored=True, sortable=True),
        kind=ID(stored=True),
        id=STORED(),
        key=STORED(),
        # No positions: nothing looks for phrases, and decoding them was most of the time reading postings took.
        title=TEXT(analyzer=text_analyzer(), stored=True, field_boost=3.0, phrase=False),
        body=TEXT(analyzer=text_analyzer(), stored=True, phrase=False),
        grams=TEXT(analyzer=gram_analyzer(), field_boost=0.5, phrase=False),
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
        "ref": document.ref, "stamp": document.stamp, "kind": document.kind, "id": document.id, "key": document.key,
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
        self._local = threading.local()
        self._searchers = set()  # every thread's, to close them with the backend
        self._searchers_lock = threading.Lock()

    def close(self):
        """Close every thread's searcher."""
        with self._searchers_lock:
            searchers, self._searchers = self._searchers, set()
        for searcher in searchers:
            searcher.close()

    def __del__(self):
        if hasattr(self, "_searchers_lock"):  # not when __init__ failed
            self.close()

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
        return _retrying(self._open_or_create)

    def _open_or_create(self):
        if index.exists_in(self.path):
            return index.open_dir(self.path)
        with self._creation_lock():  # two processes may both find no index
            if not index.exists_in(self.path):
                return self._create()
            return index.open_dir(self.path)

    def _create(self):
        created = index.create_in(self.path, schema())
        (self.path / FORMAT_FILE).write_text(FORMAT + "\n", encoding="utf-8")
        return created

    def outdated(self):
        try:
            return (self.path / FORMAT_FILE).read_text(encoding="utf-8").strip() != FORMAT
        except OSError:
            return index.exists_in(self.path)  # made before formats were marked, or marker lost

    def _recreate(self):
        """A new empty index in place of one that cannot be opened or has an older layout."""
        with self._creation_lock():
            for path in self.path.iterdir():
                if path.name != "create.lock":
                    path.unlink()
            return self._create()

    @contextmanager
    def _writer(self, **commit_options):
        # Separate segment files: Whoosh copies a compound segment file into memory each time it is opened.
        writer = self._index().writer(timeout=LOCK_TIMEOUT_SECONDS, delay=0.05, compound=False)
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
            if self.outdated():
                self._recreate()
        except Exception:  # unreadable: start afresh, the database holds everything
            self._recreate()
        with self._writer(mergetype=CLEAR) as writer:
            for document in documents:
                writer.add_document(**fields(document))

    @contextmanager
    def _searcher(self):
        """This thread's searcher, renewed when the index has changed since it was opened."""
        state = self._local.__dict__
        stamp = self._stamp()
        if state.get("stamp") != stamp or state.get("pid") != os.getpid():
            old, searcher = state.get("searcher"), _retrying(lambda: self._index().searcher())
            with self._searchers_lock:
                if old is not None and state.get("pid") == os.getpid():
                    self._searchers.discard(old)
                    old.close()
                self._searchers.add(searcher)
            state.update(searcher=searcher, stamp=stamp, pid=os.getpid())
            _read_ahead(searcher)
        yield state["searcher"]

    def _stamp(self):
        """What identifies the index's current version: its newest table of contents, by generation and
        by file (an index created anew counts its generations from the start again). Looking at the
        folder is enough; opening the index would read and unpickle that file on every search."""
        newest = None
        if not self.path.is_dir():  # not created yet
            return newest
        with os.scandir(self.path) as entries:
            for entry in entries:
                found = TOC_FILE.fullmatch(entry.name)
                if found and (newest is None or int(found[1]) > newest[0]):
                    try:
                        status = entry.stat()
                    except FileNotFoundError:  # replaced by a newer one meanwhile
                        continue
                    newest = (int(found[1]), status.st_ino, status.st_mtime_ns)
        return newest

    def stamps(self):
        with self._searcher() as searcher:
            stamps = {}
            for reader, _offset in searcher.reader().leaf_readers():
                deleted = set(reader.segment().deleted_docs()) if reader.has_deletions() else set()
                for doc, (ref, stamp) in enumerate(zip(reader.column_reader("ref"), reader.column_reader("stamp"),
                                                       strict=True)):
                    if doc not in deleted:
                        stamps[ref] = stamp
            return stamps

    def document_frequencies(self, kind, terms):
        """(numbers of public records of `kind`, all and in Korean; {term: how many of them hold it in the
        title or in the body, whichever more do})."""
        terms = list(terms)
        totals, frequencies = {"all": 0, "ko": 0}, dict.fromkeys(terms, 0)
        with self._searcher() as searcher:
            for reader, _offset in searcher.reader().leaf_readers():
                every, korean = _totals(reader, kind)
                totals["all"] += every
                totals["ko"] += korean
                for term in terms:
                    frequencies[term] += _frequency(reader, kind, term)
        return totals, frequencies

    def candidates(self, kind, words, limit):
        """Public records of `kind` matching any word, best first: [(id, key, score, matched terms)]."""
        units = _units(words)
        with self._searcher() as searcher:
            segments = scoring.score(searcher, units, lambda reader: _public(reader, kind))
            masks = [segment.matching(every_word=False) for segment in segments]
            docnums, scores, origin = scoring.best(segments, masks, limit)
            matched = scoring.matched_terms(segments, docnums, origin, units)
            found = []
            for docnum, score, terms in zip(docnums, scores, matched, strict=True):
                stored = searcher.stored_fields(int(docnum))
                found.append((stored["id"], stored["key"], float(score), terms))
            return found

    def search(self, query):
        planned = plan(query.text)
        if query.text.strip() and not planned.words:
            # Only stop words, operators or symbols: nothing to look for.
            return SearchResults(hits=[], total=0, page=query.page, per_page=query.per_page, facets={})
        units = _units(planned.words)

        def restrict(reader):
            allowed = np.ones(reader.doc_count_all(), bool)
            if query.kinds:
                allowed &= scoring.any_of(reader, "kind", query.kinds)
            for name, value in query.filters.items():
                allowed &= scoring.any_of(reader, name, [str(value)])
            if not query.viewer_is_admin:
                visible = scoring.any_of(reader, "public", ["1"])
                if query.viewer_organisation_id:
                    visible |= scoring.any_of(reader, "organisation_id", [str(query.viewer_organisation_id)])
                allowed &= visible
            return allowed

        with self._searcher() as searcher:
            segments = scoring.score(searcher, units, restrict)
            masks = [segment.matching(every_word=True) for segment in segments]
            broadened = False
            if not any(mask.any() for mask in masks) and len(units) > 1:
                broadened = True
                masks = [segment.matching(every_word=False) for segment in segments]
            by_date = query.sort == "date" or not units
            docnums, scores, _origin = scoring.ranked(segments, masks, by_date=by_date)
            start = (query.page - 1) * query.per_page
            terms = {term for word in planned.words for term in word.index_terms()}
            hits = []
            for docnum, score in zip(docnums[start:start + query.per_page], scores[start:start + query.per_page],
                                     strict=True):
                stored = searcher.stored_fields(int(docnum))
                title, _newline, title_ko = stored["title"].partition("\n")
                hits.append(Hit(kind=stored["kind"], id=stored["id"], key=stored["key"], title=title,
                                title_ko=title_ko, score=0.0 if by_date else round(float(score), 4),
                                snippet=snippet(stored["body"], terms)))
            return SearchResults(hits=hits, total=len(docnums), page=query.page, per_page=query.per_page,
                                 facets=scoring.facet_counts(segments, masks, FACETS), broadened=broadened)


def _read_ahead(searcher):
    """Read the text fields' postings of the searcher's segments not read yet, those small enough to read
    at once. Matching asks for a hundred or more terms, many not asked for before, and reading them one at a
    time, each when first asked, was most of the slowest matches' time; here they are read in one pass, in
    the order they lie on disk, into the arrays queries would have read themselves. A segment is read once:
    a change of the index adds a segment (or merges some into a new one), and only that one is new."""
    for reader, _offset in searcher.reader().leaf_readers():
        if sum(reader.field_length(field) for field in READ_AHEAD_FIELDS) <= READ_AHEAD_WORDS:
            scoring.CACHE.warm(reader, READ_AHEAD_FIELDS)


def _public(reader, kind):
    """The segment's public records of `kind`, deleted ones left out."""
    allowed = scoring.any_of(reader, "kind", [kind]) & scoring.any_of(reader, "public", ["1"])
    scoring.drop_deleted(reader, allowed)
    return allowed


# Counts for weighing key words are kept per segment and state: matching asks for hundreds of terms each
# time, most of them asked for before (255 ms p95 at 100,000 solutions when counted every time).

def _public_kept(reader, kind):
    """Like _public, kept while the segment is unchanged (callers must not change it)."""
    return scoring.CACHE.derived(reader, ("#public", kind), lambda: _public(reader, kind))


def _totals(reader, kind):
    """(public records of `kind` in the segment, how many of them in Korean)."""
    def count():
        allowed = _public_kept(reader, kind)
        return int(allowed.sum()), int((allowed & scoring.any_of(reader, "language", ["ko"])).sum())

    return scoring.CACHE.derived(reader, ("#totals", kind), count)


def _frequency(reader, kind, term):
    """How many public records of `kind` in the segment hold `term` in the title or in the body, whichever
    more do."""
    def count():
        allowed = _public_kept(reader, kind)
        return max(int(allowed[scoring.CACHE.postings(reader, field, term).docs].sum())
                   for field in scoring.TEXT_FIELDS)

    return scoring.CACHE.derived(reader, ("#frequency", kind, term), count)


def _units(words):
    """Each word's units with Whoosh field names."""
    return [[(terms, scoring.TEXT_FIELDS if where == "text" else ("grams",), boost)
             for terms, where, boost in word.units()] for word in words]
