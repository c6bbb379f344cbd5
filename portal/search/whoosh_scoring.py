"""Fast scoring of long OR queries over a Whoosh index, for matching.

A challenge turned into a query has dozens of weighted terms. Whoosh's own
matchers walk such a query posting by posting in Python (0.3-5 s at 10,000
documents, growing with the index), so matching scores term at a time with
NumPy instead: each term's postings are read once per segment and kept, since
a Whoosh segment never changes after it is written (deletions are a separate
list, applied on every query). The score is BM25 with Whoosh's parameters and
its idf, so it ranks as the search page does.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.scoring import BM25F

B, K1 = BM25F().B, BM25F().K1
TEXT_FIELDS = ("title", "body")
CACHE_POSTINGS = 8_000_000  # about 100 MB of cached postings per process at most


@dataclass(frozen=True)
class Postings:
    docs: np.ndarray  # segment document numbers, ascending
    weights: np.ndarray  # term frequency times the field's boost
    lengths: np.ndarray  # the field's length in each of those documents

    @property
    def size(self):
        return len(self.docs)


EMPTY = Postings(np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, np.float32))


class SegmentCache:
    """Postings and field lengths of immutable segments, least recently used dropped first."""

    def __init__(self, limit=CACHE_POSTINGS):
        self.limit = limit
        self._entries = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

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

    def postings(self, reader, field, text):
        """One term's postings in one segment."""
        def load():
            if (field, text) not in reader:
                return EMPTY
            matcher = reader.postings(field, text)
            docs, weights = [], []
            while matcher.is_active():
                docs.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
            docs = np.array(docs, np.int32)
            lengths = self.lengths(reader, field)[docs] if reader.schema[field].scorable else np.ones(len(docs))
            return Postings(docs, np.array(weights, np.float32), lengths.astype(np.float32))

        return self._get((reader.segment().segment_id(), field, text), load)


def _size(entry):
    return entry.size if isinstance(entry, Postings) else len(entry)


CACHE = SegmentCache()


def _present(reader, terms, fields):
    """Documents of the segment that hold every one of `terms` in any of `fields`."""
    present = None
    for term in terms:
        docs = np.unique(np.concatenate([CACHE.postings(reader, field, term).docs for field in fields]))
        present = docs if present is None else np.intersect1d(present, docs, assume_unique=True)
        if not present.size:
            break
    return present


def top_documents(searcher, units, required, limit):
    """The `limit` best documents for weighted units, as [(global docnum, score, {matched terms})].

    `units` are (terms, fields, boost): a document scores for a unit when it
    holds all of its terms, each in any of the fields. `required` are
    (field, term) pairs every result must hold (kind and visibility).
    """
    idf = {}
    for terms, fields, _boost in units:
        for term in terms:
            for field in fields:
                idf[field, term] = searcher.idf(field, term)
    average = {field: searcher.avg_field_length(field, 1.0) or 1.0 for field in {f for _t, fs, _b in units for f in fs}}
    best = []
    for reader, offset in searcher.reader().leaf_readers():
        count = reader.doc_count_all()
        if not count:
            continue
        allowed = np.ones(count, bool)
        for field, term in required:
            mask = np.zeros(count, bool)
            mask[CACHE.postings(reader, field, term).docs] = True
            allowed &= mask
        if reader.has_deletions():
            allowed[list(reader.segment().deleted_docs())] = False
        scores = np.zeros(count, np.float32)
        for terms, fields, boost in units:
            present = _present(reader, terms, fields) if len(terms) > 1 else None
            for term in terms:
                for field in fields:
                    postings = CACHE.postings(reader, field, term)
                    if not postings.size:
                        continue
                    tf, length = postings.weights, postings.lengths
                    part = idf[field, term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average[field]))
                    if present is None:
                        scores[postings.docs] += boost * part
                    else:
                        keep = np.isin(postings.docs, present, assume_unique=True)
                        scores[postings.docs[keep]] += boost * part[keep]
        scores[~allowed] = 0
        found = np.flatnonzero(scores)
        if found.size > limit:
            found = found[np.argpartition(-scores[found], limit - 1)[:limit]]
        matched = _matched_terms(reader, units, found)
        best += [(float(scores[doc]), offset + int(doc), terms) for doc, terms in zip(found, matched, strict=True)]
    best.sort(key=lambda item: (-item[0], item[1]))
    return [(docnum, score, terms) for score, docnum, terms in best[:limit]]


def _matched_terms(reader, units, found):
    """For each document in `found`, the terms of the units it holds whole."""
    matched = [set() for _doc in found]
    if not found.size:
        return matched
    for terms, fields, _boost in units:
        held = [np.isin(found, np.concatenate([CACHE.postings(reader, field, term).docs for field in fields]))
                for term in terms]
        whole = np.logical_and.reduce(held)
        for position in np.flatnonzero(whole):
            matched[position].update(terms)
    return matched
