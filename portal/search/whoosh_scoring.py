"""Scoring, filtering and counting over a Whoosh index's postings with NumPy.

Whoosh's own matchers walk a query posting by posting in Python: a challenge
turned into dozens of weighted terms took 2.4 s at 10,000 documents, and even
a two-word search with facets took 90 ms, most of it spent re-reading the
visibility filter and the facet fields on every call. Here each term's
postings are read once per segment and kept as arrays, which is safe because
a Whoosh segment never changes once written (deletions are a separate list,
applied on every query). Scores are Whoosh's BM25F: the same idf, the same
parameters, the same quantised field lengths.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermsReader
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

B, K1 = BM25F().B, BM25F().K1
TEXT_FIELDS = ("title", "body")
# What a process keeps of the index: 6 bytes a posting, so 256 MB hold about 40 million postings,
# all of a 100,000-solution index several times over.
CACHE_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Postings:
    docs: np.ndarray  # segment document numbers, ascending
    weights: np.ndarray  # term frequency times the field's boost (small multiples of 0.5: exact in float16)

    @property
    def size(self):
        return len(self.docs)

    @property
    def nbytes(self):
        return self.docs.nbytes + self.weights.nbytes


EMPTY = Postings(np.zeros(0, np.int32), np.zeros(0, np.float16))


class SegmentCache:
    """What was read from immutable segments, least recently used dropped first."""

    def __init__(self, limit=CACHE_BYTES):
        self.limit = limit
        self._entries = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    @property
    def held(self):
        """Bytes held, roughly."""
        return self._held

    def holds(self, key):
        with self._lock:
            return key in self._entries

    def _get(self, key, load):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = load()  # outside the lock: loading is the slow part, and loading twice is harmless
        with self._lock:
            if key not in self._entries:
                self._entries[key] = found
                self._held += _size(found)
                while self._held > self.limit and len(self._entries) > 1:
                    _key, dropped = self._entries.popitem(last=False)
                    self._held -= _size(dropped)
        return found

    def lengths(self, reader, field):
        """Every document's length of `field` in one segment."""
        def load():
            count = reader.doc_count_all()
            return np.fromiter((reader.doc_field_length(doc, field, 0) for doc in range(count)), np.float32, count)

        return self._get((reader.segment().segment_id(), "#lengths", field), load)

    def column(self, reader, field):
        """Every document's value of a sortable field in one segment, as sortable numbers."""
        def load():
            return np.array(list(reader.column_reader(field, translate=False)), np.int64)

        return self._get((reader.segment().segment_id(), "#column", field), load)

    def values(self, reader, field):
        """The distinct values of a field in one segment (deleted documents' values included)."""
        return self._get((reader.segment().segment_id(), "#values", field), lambda: list(reader.field_terms(field)))

    def derived(self, reader, key, load):
        """Something computed from one segment as it is now, under `key`: a segment only ever gains
        deletions, so its id and number of deletions say which state a value belongs to."""
        segment = reader.segment()
        return self._get((segment.segment_id(), segment.deleted_count(), *key), load)

    def postings(self, reader, field, text, terminfo=None):
        """One term's postings in one segment, deleted documents included (queries drop them). `terminfo`,
        when the caller has it, saves looking the term up."""
        def load():
            matcher = _matcher(reader, field, text, terminfo)
            if matcher is None:
                return EMPTY
            docs, weights = read_postings(matcher)
            return Postings(docs, weights.astype(np.float16))

        return self._get((reader.segment().segment_id(), field, text), load)

    def warm(self, reader, fields):
        """Read every term's postings of `fields` in one segment, in the order the terms lie on disk, unless
        that would fill more than half the cache; True when they are all in."""
        terms = getattr(reader, "_terms", None)
        if not isinstance(terms, W3TermsReader):
            return False
        done = (reader.segment().segment_id(), "#warmed", *fields)  # asked again with every new segment
        if self.holds(done):
            return True
        for field in fields:
            if field not in terms.indexed_field_names():
                continue
            field_type = reader.schema[field]
            for (found_field, term), info in terms.items_from(field, b""):
                if found_field != field:
                    break
                if self.held > self.limit // 2:
                    return False
                self.postings(reader, field, field_type.from_bytes(term), info)
        self._get(done, lambda: True)
        return True


class SegmentPostings:
    """One segment's postings as one query reads them: a term asked for again within the query (a
    challenge's key words share many) is answered from here, without the shared cache's lock and
    bookkeeping, which cost more than the lookups themselves (about 1,500 of them a match)."""

    def __init__(self, reader, cache=None):
        self.reader, self.cache, self.found = reader, cache or CACHE, {}

    def __call__(self, field, text):
        found = self.found.get((field, text))
        if found is None:
            found = self.found[field, text] = self.cache.postings(self.reader, field, text)
        return found

    def holding(self, field, text):
        """A mask of the segment's documents holding `text` in `field`."""
        mask = np.zeros(self.reader.doc_count_all(), bool)
        mask[self(field, text).docs] = True
        return mask


def _matcher(reader, field, text, terminfo=None):
    """A matcher over the term's postings, deleted documents included; None when no document holds it.

    A segment of Whoosh's own codec is asked for the term once: asking whether it is there and then for
    its postings looked it up twice and wrapped it in a filter of deleted documents that read_postings
    unwraps again, most of the 150 us a term first read took (a challenge's key words are hundreds)."""
    terms = getattr(reader, "_terms", None)
    if not isinstance(terms, W3TermsReader):
        return reader.postings(field, text) if (field, text) in reader else None
    field_type = reader.schema[field]
    term = field_type.to_bytes(text)
    info = terminfo
    if info is None:
        try:
            info = terms.term_info(field, term)
        except TermNotFound:
            return None
    return terms._codec.postings_reader(terms._postfile, info, field_type.format, term=(field, term))


def read_postings(matcher):
    """(document numbers, weights) of a term's postings.

    Whoosh's own reader decodes each posting in Python; its on-disk blocks are a
    pickled tuple of delta-coded numbers and weights, which NumPy decodes ten
    times faster. Other matchers (tiny inlined lists) are read the public way.
    """
    if isinstance(matcher, FilterMatcher):  # the deleted documents: every query drops them itself
        matcher = matcher.child
    docs, weights = [], []
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            matcher._read_data()
            deltas, block_weights = matcher._data[0], matcher._data[1]
            docs.append(np.cumsum(np.array(deltas, np.int64)))
            if block_weights is None or isinstance(block_weights, float):
                weights.append(np.full(len(deltas), 1.0 if block_weights is None else block_weights, np.float32))
            else:
                weights.append(np.array(block_weights, np.float32))
            matcher._next_block()
        if docs:
            return np.concatenate(docs).astype(np.int32), np.concatenate(weights)
        return EMPTY.docs, EMPTY.weights
    while matcher.is_active():
        docs.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(docs, np.int32), np.array(weights, np.float32)


def _size(entry):
    """Bytes held, roughly."""
    if isinstance(entry, Postings | np.ndarray):
        return entry.nbytes
    return 64 * len(entry) if isinstance(entry, list | tuple) else 64


CACHE = SegmentCache()


@dataclass
class Segment:
    """One segment's part of a query: its scores, and which documents hold each word."""

    reader: object
    offset: int  # added to a segment's document numbers, it gives the searcher's
    allowed: np.ndarray  # documents the viewer may see and the filters let through
    scores: np.ndarray
    presence: list  # per word, the documents holding it
    postings: SegmentPostings = None

    def matching(self, every_word):
        """Allowed documents holding every word (or any word); all allowed ones when there are no words."""
        if not self.presence:
            return self.allowed
        combine = np.logical_and if every_word else np.logical_or
        return self.allowed & combine.reduce(self.presence)


def any_of(reader, field, values):
    """A mask of the segment's documents holding any of `values` in `field`."""
    mask = np.zeros(reader.doc_count_all(), bool)
    for value in values:
        mask[CACHE.postings(reader, field, value).docs] = True
    return mask


def score(searcher, words, restrict):
    """Every segment scored for `words`, each a list of units (terms, fields, boost): a document scores
    for a unit when it holds all of its terms, each in any of the fields. `restrict(reader)` gives the
    mask of documents that may be found at all."""
    fields = {field for units in words for _terms, unit_fields, _boost in units for field in unit_fields}
    average = {field: searcher.avg_field_length(field, 1.0) or 1.0 for field in fields}
    idf = {}
    segments = []
    for reader, offset in searcher.reader().leaf_readers():
        count = reader.doc_count_all()
        allowed = restrict(reader)
        drop_deleted(reader, allowed)
        postings_of = SegmentPostings(reader)
        scores = np.zeros(count, np.float32)
        norms = {}  # per field: K1 times each document's length normalisation
        presence = []
        for units in words:
            holds = np.zeros(count, bool)
            for terms, unit_fields, boost in units:
                whole = _holding_all(postings_of, terms, unit_fields) if len(terms) > 1 else None  # a mask
                for term in terms:
                    for field in unit_fields:
                        postings = postings_of(field, term)
                        if not postings.size:
                            continue
                        if (field, term) not in idf:
                            idf[field, term] = searcher.idf(field, term)
                        if field not in norms:
                            norms[field] = K1 * (1 - B + B * CACHE.lengths(reader, field) / average[field])
                        tf = postings.weights.astype(np.float32)
                        part = boost * idf[field, term] * tf * (K1 + 1) / (tf + norms[field][postings.docs])
                        if whole is None:
                            scores[postings.docs] += part
                            holds[postings.docs] = True
                        else:
                            keep = whole[postings.docs]
                            scores[postings.docs[keep]] += part[keep]
                if whole is not None:
                    holds |= whole
            presence.append(holds)
        segments.append(Segment(reader, offset, allowed, scores, presence, postings_of))
    return segments


def drop_deleted(reader, mask):
    """Clear the segment's deleted documents from `mask`."""
    if reader.has_deletions():
        mask[list(reader.segment().deleted_docs())] = False


def _holding_all(postings_of, terms, fields):
    """A mask of the segment's documents that hold every one of `terms` in any of `fields` (a mask is
    linear in the segment's size, where merging sorted lists would sort)."""
    holding = np.ones(postings_of.reader.doc_count_all(), bool)
    for term in terms:
        holding &= np.logical_or.reduce([postings_of.holding(field, term) for field in fields])
    return holding


def ranked(segments, masks, by_date=False):
    """(searcher docnums, scores, the segment each came from) of the masked documents, best or newest first."""
    docnums, scores, keys, origin = [], [], [], []
    for number, (segment, mask) in enumerate(zip(segments, masks, strict=True)):
        found = np.flatnonzero(mask)
        docnums.append(found + segment.offset)
        scores.append(segment.scores[found])
        keys.append(-CACHE.column(segment.reader, "date")[found] if by_date else -segment.scores[found])
        origin.append(np.full(found.size, number))
    if not docnums:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int64)
    docnums, scores, keys, origin = map(np.concatenate, (docnums, scores, keys, origin))
    order = np.lexsort((docnums, keys))
    return docnums[order], scores[order], origin[order]


def best(segments, masks, limit):
    """Like `ranked`, best first, but only the `limit` best (without sorting every match)."""
    trimmed = []
    for segment, mask in zip(segments, masks, strict=True):
        found = np.flatnonzero(mask)
        if found.size > limit:
            found = found[np.argpartition(-segment.scores[found], limit - 1)[:limit]]
        keep = np.zeros(mask.size, bool)
        keep[found] = True
        trimmed.append(keep)
    docnums, scores, origin = ranked(segments, trimmed)
    return docnums[:limit], scores[:limit], origin[:limit]


def matched_terms(segments, docnums, origin, words):
    """For each document (searcher docnums, from the segments `origin` names), the terms of the units it
    holds whole."""
    matched = [set() for _docnum in docnums]
    for number in np.unique(origin):
        segment = segments[number]
        positions = np.flatnonzero(origin == number)
        docs = docnums[positions] - segment.offset
        holding = {}  # (term, fields): which of the documents hold the term in one of the fields

        def holds(term, fields, segment=segment, docs=docs, holding=holding):
            found = holding.get((term, fields))
            if found is None:
                found = holding[term, fields] = np.logical_or.reduce(
                    [_contains(segment.postings(field, term).docs, docs) for field in fields])
            return found

        for units in words:
            for terms, fields, _boost in units:
                held = holds(terms[0], fields)
                for term in terms[1:]:
                    held = held & holds(term, fields)
                for position in positions[np.flatnonzero(held)]:
                    matched[position].update(terms)
    return matched


def _contains(sorted_docs, docs):
    """Which of `docs` are in the ascending array `sorted_docs`."""
    if not sorted_docs.size:
        return np.zeros(docs.size, bool)
    places = np.minimum(np.searchsorted(sorted_docs, docs), sorted_docs.size - 1)
    return sorted_docs[places] == docs


def facet_counts(segments, masks, fields):
    """{field: {value: how many masked documents hold it}}."""
    counts = {field: {} for field in fields}
    for segment, mask in zip(segments, masks, strict=True):
        if not mask.any():
            continue
        for field in fields:
            for value in CACHE.values(segment.reader, field):
                if not value:  # no value ("" for a record without a readiness level)
                    continue
                found = int(mask[CACHE.postings(segment.reader, field, value).docs].sum())
                if found:
                    counts[field][value] = counts[field].get(value, 0) + found
    return counts
