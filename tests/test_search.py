"""Search: one box over solutions, challenges and organisations, in English and Korean."""
import json
import multiprocessing
import os
import shutil
import traceback

import pytest

from portal.challenges.models import Challenge
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.search import services as search_services
from portal.search.backend import get_backend
from portal.solutions.models import Solution

from . import factories
from .conftest import build_app

ON_WHOOSH = os.environ.get("PORTAL_SEARCH_BACKEND", "whoosh") == "whoosh"
whoosh_only = pytest.mark.skipif(not ON_WHOOSH, reason="about the Whoosh index's files and locks")


@pytest.fixture
def records(app, world):
    """A few records in both languages, indexed the way the portal indexes them: after commit."""
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        city = db.session.get(Organisation, world["city_org"])
        factories.solution(company, title="Semi-basement flood sensor", title_ko="반지하 침수 센서",
                           summary="Warns residents before water gets in.",
                           description="집중호우 때 공무원에게 침수 상황을 즉시 알립니다.", language="ko",
                           sectors=["safety", "water-waste"], trl=8, countries=["KR"])
        factories.solution(company, title="Demand-responsive village buses", summary="Buses that come when called.",
                           description="Routes are planned for rural villages.", sectors=["mobility"], trl=6,
                           countries=["SE"])
        factories.solution(company, title="Archived flood gauge", summary="Old river flood gauge.",
                           status=Solution.ARCHIVED)
        factories.challenge(city, title="Flood warnings for semi-basements", status=Challenge.DRAFT,
                            summary="A draft nobody outside the city sees.")
        factories.challenge(city, title="Safer school routes", summary="Children walk to school; cars speed.",
                            problem="통학로에서 차량이 과속합니다.")
        db.session.commit()


def add_solutions(app, world, *solutions):
    """Solutions of the world's company (each given by its fields), indexed as the portal indexes: after commit."""
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        for fields in solutions:
            factories.solution(company, **fields)
        db.session.commit()


def keys(found):
    return [hit.key.split("-")[0] + ":" + hit.title for hit in found.hits]


def titles(app, text, user=None, **options):
    with app.test_request_context():
        return [hit.title for hit in search_services.search(user, text, **options).hits]


def test_a_bare_korean_word_finds_its_inflected_forms(app, records):
    assert titles(app, "공무원") == ["Semi-basement flood sensor"]  # the text says 공무원에게
    assert titles(app, "집중호우") == ["Semi-basement flood sensor"]
    assert titles(app, "반지하") == ["Semi-basement flood sensor"]


def test_a_korean_word_of_one_syllable_finds_its_inflected_forms(app, world):
    add_solutions(app, world,
                  dict(title="Flooded underpass alarm", summary="Warns drivers.", language="ko",
                       description="지하차도가 물에 잠기면 차량 진입을 막습니다.", sectors=["safety"]),
                  dict(title="Pipe length survey", summary="Measures pipes.", language="ko",
                       description="관로의 길이를 측정합니다.", sectors=["water-waste"]))
    assert titles(app, "물") == ["Flooded underpass alarm"]  # the text says 물에
    assert titles(app, "길") == []  # 길이 is length, not 길 (a road) with a particle


def test_parts_of_korean_compounds_match(app, records):
    assert titles(app, "통학") == ["Safer school routes"]  # part of 통학로에서


def test_english_is_stemmed(app, records):
    assert titles(app, "warning residents") == ["Semi-basement flood sensor"]
    assert titles(app, "villages planning") == ["Demand-responsive village buses"]


def test_drafts_and_archived_records_stay_hidden_from_others(app, records, world):
    from portal.accounts.models import User

    assert titles(app, "flood") == ["Semi-basement flood sensor"]
    with app.test_request_context():
        city_member = db.session.get(User, world["city"])
        company_member = db.session.get(User, world["company"])
        admin = db.session.get(User, world["admin"])
        city_sees = [hit.title for hit in search_services.search(city_member, "flood").hits]
        assert "Flood warnings for semi-basements" in city_sees
        assert "Archived flood gauge" in [h.title for h in search_services.search(company_member, "flood").hits]
        assert len(search_services.search(admin, "flood").hits) == 3


def test_records_only_their_organisation_sees_are_ranked_by_their_words(app, world):
    from portal.accounts.models import User

    add_solutions(app, world, dict(title="Siren box", summary="Sounds an alarm."),
                  dict(title="Alarm relay", summary="Passes each alarm on as a louder alarm.",
                       status=Solution.ARCHIVED))
    with app.test_request_context():
        found = search_services.search(db.session.get(User, world["company"]), "alarm")
    assert [hit.title for hit in found.hits] == ["Alarm relay", "Siren box"]
    assert found.hits[1].score > 0


def test_every_word_first_then_any_word(app, records):
    with app.test_request_context():
        found = search_services.search(None, "flood buses")
    assert found.broadened and found.total == 2


def test_facets_filters_and_sorting(app, records):
    with app.test_request_context():
        found = search_services.search(None, "")
        assert found.facets["kind"] == {"solution": 2, "challenge": 1, "organisation": 5}
        assert found.facets["trl"] == {"8": 1, "6": 1}  # records without a readiness level are not a value
        assert found.facets["sectors"]["safety"] >= 2
        only = search_services.search(None, "", kinds=("solution",), filters={"sectors": "mobility"})
        assert [hit.title for hit in only.hits] == ["Demand-responsive village buses"]
        assert search_services.search(None, "", filters={"countries": "SE"}).total == 2  # a solution, a company


def test_a_kind_given_as_a_filter_narrows_as_the_kinds_do(app, records):
    with app.test_request_context():
        found = search_services.search(None, "", filters={"kind": "challenge"})
    assert [hit.title for hit in found.hits] == ["Safer school routes"] and found.total == 1


def test_index_follows_edits_and_verification(app, records, world):
    with app.test_request_context():
        solution = db.session.query(Solution).filter_by(title="Demand-responsive village buses").one()
        solution.title = "On-call minibuses"
        db.session.commit()
    assert titles(app, "minibuses") == ["On-call minibuses"]
    with app.test_request_context():
        db.session.get(Organisation, world["company_org"]).verification = Organisation.PENDING
        db.session.commit()
    assert titles(app, "minibuses") == []


def test_a_rolled_back_change_is_not_indexed(app, records):
    with app.test_request_context():
        solution = db.session.query(Solution).filter_by(title="Demand-responsive village buses").one()
        solution.title = "Ghost title"
        db.session.flush()
        db.session.rollback()
    assert titles(app, "ghost") == []


@pytest.mark.parametrize("text", ['"unbalanced', "AND OR NOT", "wild* ?card", "😀🚌", "'; DROP TABLE x; --",
                                  "x" * 10000, "공무원 AND (flood", "\\", "title:flood"])
def test_any_text_gets_results_or_nothing_never_an_error(client, records, text):
    response = client.get("/search", query_string={"q": text})
    assert response.status_code == 200


def test_long_queries_are_capped_with_a_message(client, records):
    page = client.get("/search", query_string={"q": "flood " * 2000}).get_data(as_text=True)
    assert "Only the first 500 characters" in page


def test_search_page_highlights_and_pages(app, client, world):
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        for number in range(23):
            factories.solution(company, title=f"Leak finder {number}", summary=f"Finds leaks <b>fast</b> {number}.")
        db.session.commit()
    page = client.get("/search?q=leaks").get_data(as_text=True)
    assert "23 results" in page and page.count('class="mb-3 search-hit"') == 20
    assert '<mark class="match term0">leaks</mark>' in page
    assert "&lt;b&gt;fast&lt;/b&gt;" in page  # record text is escaped, only the marks are HTML
    assert client.get("/search?q=leaks&page=2").get_data(as_text=True).count('class="mb-3 search-hit"') == 3
    sideways = client.get("/search?q=leaks&sort=sideways&kind=planet")  # unknown choices are ignored
    assert sideways.status_code == 200 and "23 results" in sideways.get_data(as_text=True)


def test_cli_search_json_shape(app, runner, records):
    result = runner.invoke(args=["search", "flood", "--json", "--limit", "5"])
    rows = json.loads(result.output)
    assert [(row["key"].startswith("sol-"), row["kind"]) for row in rows] == [(True, "solution")]
    assert set(rows[0]) == {"key", "kind", "score"} and rows[0]["score"] > 0


@whoosh_only
def test_reindex_rebuilds_a_damaged_index(app, runner, records):
    index_folder = os.path.join(app.instance_path, "search-index")
    for name in os.listdir(index_folder):
        if name.endswith(".toc"):
            with open(os.path.join(index_folder, name), "wb") as handle:
                handle.write(b"garbage")
    app.extensions.pop("portal_search_checked", None)
    assert titles(app, "flood") == ["Semi-basement flood sensor"]  # noticed, rebuilt, answered
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "indexed" in result.output


@whoosh_only
def test_a_missing_index_is_rebuilt(app, records):
    shutil.rmtree(os.path.join(app.instance_path, "search-index"))
    app.extensions.pop("portal_search_checked", None)
    assert titles(app, "flood") == ["Semi-basement flood sensor"]


def test_an_index_behind_the_database_is_rebuilt(app, records):
    titles(app, "flood")
    with app.app_context():
        get_backend().remove(["solution:1"])
    app.extensions.pop("portal_search_checked", None)  # a new process
    assert titles(app, "flood") == ["Semi-basement flood sensor"]


def _write_many(instance_path, worker, count, errors):
    from portal.model_types import utcnow
    from portal.search.documents import Document

    app = build_app(instance_path)
    try:
        with app.app_context():
            backend = get_backend()
            for number in range(count):
                backend.add([Document(kind="solution", id=worker * 1000 + number, key=f"sol-{worker}-{number}",
                                      title=f"worker {worker} item {number}", body="concurrent", public=True,
                                      organisation_id=1, date=utcnow())])
    except Exception:
        errors.put(traceback.format_exc())


@whoosh_only
def test_several_processes_writing_at_once_lose_nothing(app, instance_path):
    with app.app_context():
        get_backend().rebuild([])
    spawn = multiprocessing.get_context("spawn")
    errors = spawn.Queue()
    workers = [spawn.Process(target=_write_many, args=(str(instance_path), worker, 50, errors)) for worker in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert errors.empty(), errors.get()
    with app.app_context():
        assert len(get_backend().refs()) == 200


@pytest.fixture
def bilingual(app, world):
    add_solutions(app, world,
                  dict(title="Basement water alarm", summary="Detects urban flooding in homes.",
                       description="Sensors and alerts.", sectors=["safety"]),
                  dict(title="Fall sensor for care homes", title_ko="요양원 낙상 센서", summary="Detects falls.",
                       summary_ko="어르신의 낙상을 감지합니다.", description="노인이 넘어지면 보호자에게 알립니다.",
                       language="ko", sectors=["health"]),
                  dict(title="Heat network optimiser", summary="Tunes supply temperatures.",
                       description="지역난방 공급 온도를 조절합니다.", language="ko", sectors=["energy"]))


def test_a_korean_query_reaches_english_text_through_the_glossary(app, bilingual):
    assert titles(app, "침수") == ["Basement water alarm"]
    assert titles(app, "침수를") == ["Basement water alarm"]


def test_an_english_query_reaches_korean_text_through_the_glossary(app, bilingual):
    assert titles(app, "elderly") == ["Fall sensor for care homes"]  # the text says 어르신 and 노인
    assert "Heat network optimiser" in titles(app, "district heating")


def test_a_words_own_spelling_ranks_above_its_translations(app, bilingual, world):
    add_solutions(app, world,
                  dict(title="침수 경보", summary="A Korean title about 침수.", sectors=["safety"]))
    assert titles(app, "침수")[0] == "침수 경보"


def test_glossary_covers_every_sector():
    from portal.search.glossary import read_concepts
    from portal.taxonomy import SECTORS

    concepts = read_concepts()
    assert len(concepts) >= 300
    assert {sector for sector, _en, _ko in concepts} == set(SECTORS)
    flooding = next(c for c in concepts if "flooding" in c[1])
    assert "침수" in flooding[2]
    elderly = next(c for c in concepts if "elderly" in c[1])
    assert {"노인", "어르신"} <= set(elderly[2])


def _rebuild_forever(instance_path, started):
    from portal.model_types import utcnow
    from portal.search.documents import Document

    app = build_app(instance_path)
    with app.app_context():
        documents = (Document(kind="solution", id=n, key=f"sol-{n}", title=f"item {n}", body="crash " * 50,
                              public=True, organisation_id=1, date=utcnow()) for n in range(10_000_000))

        def announce():
            started.set()
            yield from documents

        get_backend().rebuild(announce())


@whoosh_only
def test_a_crash_in_the_middle_of_a_write_leaves_an_index_that_opens(app, records, instance_path):
    import signal
    import time

    assert titles(app, "flood") == ["Semi-basement flood sensor"]
    spawn = multiprocessing.get_context("spawn")
    started = spawn.Event()
    writer = spawn.Process(target=_rebuild_forever, args=(str(instance_path), started))
    writer.start()
    assert started.wait(60)
    time.sleep(1.5)  # well into writing segment files
    os.kill(writer.pid, signal.SIGKILL)
    writer.join()
    # The killed writer's lock and half-written segment do not stop readers or the next writer.
    assert titles(app, "flood") == ["Semi-basement flood sensor"]
    with app.test_request_context():
        solution = db.session.query(Solution).filter_by(title="Demand-responsive village buses").one()
        solution.title = "After the crash"
        db.session.commit()
    assert titles(app, "crash") == ["After the crash"]


def _document(number, title, body, public=True):
    from portal.model_types import utcnow
    from portal.search.documents import Document

    return Document(kind="solution", id=number, key=f"sol-{number}", title=title, body=body, public=public,
                    organisation_id=1, date=utcnow())


def test_matching_scores_as_whoosh_scores_the_same_or_query(tmp_path):
    """The NumPy scorer matching uses gives the scores of Whoosh's BM25F, across segments and deletions."""
    from whoosh.query import And, Or, Term

    from portal.search.querying import words_of
    from portal.search.whoosh_backend import WhooshBackend

    backend = WhooshBackend(tmp_path / "index")
    # Enough documents for postings of several blocks (Whoosh writes 128 postings a block).
    backend.rebuild([_document(n, f"pump {n}", "heat pump for district heating " * (n % 3 + 1)) for n in range(1, 300)])
    backend.add([_document(20, "Heat pump controller", "Controls the heat pump of a district heating network.")])
    backend.add([_document(3, "Leak finder", "Finds heat leaks in district heating pipes.")])  # replaces one
    backend.add([_document(21, "Hidden heat pump", "A heat pump nobody may see.", public=False)])
    words = words_of("heat pump", glossary=False)
    for word in words:
        word.weight = 1.0
    found = backend.candidates("solution", words, 500)
    with backend._index().searcher() as searcher:
        terms = [term for word in words for term in word.alternatives[0]]
        query = Or([Term(field, term) for term in terms for field in ("title", "body")])
        expected = {hit["key"]: hit.score for hit in searcher.search(
            query, limit=None, filter=And([Term("kind", "solution"), Term("public", "1")]))}
        assert len(searcher.reader().leaf_readers()) > 1  # the adds made segments of their own
    assert {key: pytest.approx(score, rel=1e-4) for _id, key, score, _terms in found} == expected
    assert [key for _id, key, _score, _terms in found].count("sol-3") == 1 and "sol-21" not in expected
    assert all(terms == ({"heat"} if key == "sol-3" else {"heat", "pump"}) for _id, key, _score, terms in found)


@pytest.mark.parametrize("read_ahead", [False, True], ids=["read-when-asked", "read-ahead"])
def test_term_counts_follow_every_change_of_the_whoosh_index(tmp_path, monkeypatch, read_ahead):
    """Matching weighs key words by counts kept per segment; an edit, a hidden record or a removal changes
    them at once, though Whoosh marks deletions in a segment it otherwise leaves as it was. So they do when
    each new segment's postings are read as a searcher opens it, ahead of the question."""
    from portal.search import whoosh_backend, whoosh_scoring
    from portal.search.whoosh_backend import WhooshBackend

    monkeypatch.setattr(whoosh_scoring, "CACHE", whoosh_scoring.SegmentCache())
    monkeypatch.setattr(whoosh_backend, "READ_AHEAD_WORDS", whoosh_backend.READ_AHEAD_WORDS if read_ahead else 0)
    backend = WhooshBackend(tmp_path / "index")
    backend.rebuild([_document(1, "heat pump", "district heating"), _document(2, "pump", "water pump")])

    def counts():
        if read_ahead:
            backend.stamps()  # a searcher on the changed index
            _assert_postings_read(backend)
        totals, frequencies = backend.document_frequencies("solution", ["pump", "heat", "valv"])
        return totals["all"], frequencies

    assert counts() == (2, {"pump": 2, "heat": 1, "valv": 0})
    backend.add([_document(2, "valve", "water valve")])  # replaces the second pump
    assert counts() == (2, {"pump": 1, "heat": 1, "valv": 1})
    backend.add([_document(3, "heat valve", "hidden", public=False)])
    assert counts() == (2, {"pump": 1, "heat": 1, "valv": 1})
    backend.remove(["solution:1"])
    assert counts() == (1, {"pump": 0, "heat": 0, "valv": 1})


def _assert_postings_read(backend):
    """Every text term's postings in every segment of the index are in the cache."""
    from portal.search import whoosh_scoring
    from portal.search.whoosh_backend import READ_AHEAD_FIELDS

    with backend._searcher() as searcher:
        for segment, _offset in searcher.reader().leaf_readers():
            for field in READ_AHEAD_FIELDS:
                for term in segment.lexicon(field):
                    key = segment.segment().segment_id(), field, segment.schema[field].from_bytes(term)
                    assert whoosh_scoring.CACHE.holds(key)


def test_postings_read_ahead_score_and_count_as_postings_read_when_asked(tmp_path, monkeypatch):
    """A searcher opening a segment reads every text term's postings at once, so that a match does not read
    them one at a time; what it finds there is what it would have read itself, across segments, deletions
    and hidden records."""
    from portal.search import whoosh_backend, whoosh_scoring
    from portal.search.whoosh_backend import WhooshBackend

    folder = tmp_path / "index"
    writing = WhooshBackend(folder)
    writing.rebuild([_document(n, f"pump {n}", "heat pump for district heating " * (n % 3 + 1)) for n in range(1, 300)])
    writing.add([_document(20, "Heat pump controller", "Controls the heat pump of a 난방 network.")])
    writing.add([_document(3, "Leak finder", "Finds heat leaks in district heating pipes.")])  # replaces one
    writing.add([_document(21, "Hidden heat pump", "A heat pump nobody may see.", public=False)])  # hides one
    words = words_of_query("heat pump leaks 난방")
    terms = {term for word in words for term in word.index_terms()} | {"absent"}

    def answers(backend):
        return backend.document_frequencies("solution", terms), backend.candidates("solution", words, 500)

    monkeypatch.setattr(whoosh_scoring, "CACHE", whoosh_scoring.SegmentCache())
    with monkeypatch.context() as patched:
        patched.setattr(whoosh_backend, "READ_AHEAD_WORDS", 0)
        when_asked = answers(WhooshBackend(folder))
    monkeypatch.setattr(whoosh_scoring, "CACHE", whoosh_scoring.SegmentCache())
    reading = WhooshBackend(folder)
    reading.stamps()
    _assert_postings_read(reading)
    assert answers(reading) == when_asked
    assert when_asked[0][1]["heat"] == 298 and when_asked[1]  # all but the hidden one
    reading.close()
    writing.close()


postgres_only = pytest.mark.skipif(ON_WHOOSH, reason="about the postgres backend's postings and term counts")


def _counts(connection):
    from sqlalchemy import text

    kept = dict(((kind, term), documents) for kind, term, documents in connection.execute(
        text("SELECT kind, term, documents FROM search_term_counts")))
    recounted = dict(((kind, term), documents) for kind, term, documents in connection.execute(
        text("SELECT kind, term, count(*) FROM search_postings WHERE public GROUP BY kind, term")))
    return kept, recounted


@postgres_only
def test_postgres_term_counts_follow_edits_hiding_and_removal(app, records, world):
    with app.test_request_context():
        solution = db.session.query(Solution).filter_by(title="Demand-responsive village buses").one()
        solution.summary = "Minibuses that come when called, in every valley."
        db.session.commit()
        db.session.get(Organisation, world["company_org"]).verification = Organisation.PENDING
        db.session.commit()  # its solutions are no longer public: their postings go
        with db.engine.connect() as connection:
            kept, recounted = _counts(connection)
        assert kept == recounted and ("solution", "") not in kept  # no public solution is left
        search_services.rebuild_index()
        with db.engine.connect() as connection:
            assert _counts(connection)[0] == kept
        challenge = db.session.query(Challenge).filter_by(title="Safer school routes").one()
        get_backend().remove([f"challenge:{challenge.id}"])
        with db.engine.connect() as connection:
            kept, recounted = _counts(connection)
        assert kept == recounted and ("challenge", "") not in kept


def test_korean_glossary_terms_match_however_they_are_spaced(app, world):
    add_solutions(app, world,
                  dict(title="Kerbside camera", summary="Detects illegal parking in school zones.",
                       sectors=["mobility"]),
                  dict(title="Bus stop display", summary="Shows arrival times.", sectors=["mobility"]))
    # The glossary writes 불법주정차 as one word; writers also put a space in it, with a particle after it.
    assert titles(app, "불법주정차") == ["Kerbside camera"]
    assert titles(app, "불법 주정차를") == ["Kerbside camera"]
    # ... and writes 어린이 보호구역 with a space, which is also written as one word.
    assert titles(app, "어린이보호구역")[:1] == ["Kerbside camera"]


@whoosh_only
def test_an_index_of_an_older_layout_is_rebuilt_with_the_current_one(app, records):
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    from portal.search.whoosh_backend import FORMAT, FORMAT_FILE

    folder = os.path.join(app.instance_path, "search-index")
    shutil.rmtree(folder)
    os.makedirs(folder)
    old = index.create_in(folder, Schema(ref=ID(stored=True, unique=True), title=TEXT(stored=True)))
    with old.writer() as writer:
        writer.add_document(ref="solution:999", title="stale flood gauge")
    app.extensions.pop("portal_search_checked", None)  # a new process, after an upgrade
    assert titles(app, "flood") == ["Semi-basement flood sensor"]
    with open(os.path.join(folder, FORMAT_FILE), encoding="utf-8") as handle:
        assert handle.read().strip() == FORMAT


def test_a_korean_word_has_one_bare_form_however_it_is_inflected(app, world):
    add_solutions(app, world,
                  dict(title="Crossing guard camera", summary="Watches a pedestrian crossing.", sectors=["safety"]),
                  dict(title="Crosswalk radar", summary="Counts people waiting to cross.",
                       description="횡단보도에서 기다리는 보행자를 셉니다.", language="ko", sectors=["safety"]))
    # 횡단보도 ends in 도, which also reads as a particle: bare and inflected forms must meet in the glossary.
    assert set(titles(app, "횡단보도에서")) == {"Crossing guard camera", "Crosswalk radar"}
    assert "Crosswalk radar" in titles(app, "pedestrian crossing")


def _write_the_same_record(instance_path, worker, count, errors):
    from portal.model_types import utcnow
    from portal.search.documents import Document

    app = build_app(instance_path)
    try:
        with app.app_context():
            for number in range(count):
                # Many words, so that writing one version's postings takes a while.
                words = " ".join(f"w{worker}x{number}x{index}" for index in range(400))
                get_backend().add([Document(kind="solution", id=1, key="sol-one", title=f"version {worker}",
                                            body=words, public=True, organisation_id=1, date=utcnow())])
    except Exception:
        errors.put(traceback.format_exc())


@postgres_only
def test_postgres_writers_of_the_same_record_at_once_leave_one_set_of_postings(app, instance_path):
    from sqlalchemy import text

    spawn = multiprocessing.get_context("spawn")
    errors = spawn.Queue()
    workers = [spawn.Process(target=_write_the_same_record, args=(str(instance_path), worker, 30, errors))
               for worker in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert errors.empty(), errors.get()
    with app.app_context(), db.engine.connect() as connection:
        kept, recounted = _counts(connection)
        terms = [term for (term,) in connection.execute(text("SELECT term FROM search_postings"))]
    assert kept == recounted
    versions = {term.rsplit("x", 1)[0] for term in terms if term.startswith("w")}
    assert len(versions) == 1 and len(terms) == len(set(terms)) == 403  # one version's 400 words, its title's
    # two and the record's own mark, not two versions' words mixed


def test_a_kept_searcher_sees_an_index_made_anew_at_the_same_generation(tmp_path):
    """An index recreated elsewhere counts its generations from the start again; a searcher kept from
    before must still notice that it is another index."""
    from portal.search.whoosh_backend import WhooshBackend

    reading = WhooshBackend(tmp_path / "index")
    reading.rebuild([_document(1, "old pump", "old text")])
    assert [key for _id, key, _score, _terms in reading.candidates("solution", _words("pump"), 10)] == ["sol-1"]
    writing = WhooshBackend(tmp_path / "index")  # another process, finding the index unusable
    writing._recreate()
    writing.rebuild([_document(2, "new pump", "new text")])
    assert [key for _id, key, _score, _terms in reading.candidates("solution", _words("pump"), 10)] == ["sol-2"]
    reading.close()
    writing.close()


def _words(text):
    from portal.search.querying import words_of

    return words_of(text, glossary=False)


def test_parking_and_parks_are_different_things(app, world):
    """The stemmer would make "parking" "park": a search for parking must not bring park maintenance."""
    add_solutions(app, world,
                  dict(title="Parking guidance", summary="Shows free parking spaces.", sectors=["mobility"]),
                  dict(title="Playground inspection", summary="Checks play equipment in parks.",
                       sectors=["environment"]))
    assert titles(app, "parking") == ["Parking guidance"]
    assert titles(app, "park") == ["Playground inspection"]
    assert titles(app, "주차") == ["Parking guidance"]  # through the glossary
    assert titles(app, "공원") == ["Playground inspection"]


def test_buildings_are_not_building_work(app, world):
    add_solutions(app, world,
                  dict(title="Energy audits of public buildings", summary="Finds heat losses.", sectors=["buildings"]),
                  dict(title="Low-code dashboards", summary="We build dashboards in days.", sectors=["ai-data"]))
    assert titles(app, "buildings") == titles(app, "building") == ["Energy audits of public buildings"]
    assert titles(app, "build") == ["Low-code dashboards"]


def test_no_glossary_or_vocabulary_term_stands_for_two_concepts():
    """A term two lines share (after analysis) would carry one concept's translations to the other."""
    from portal.search.analysis import text_analyzer
    from portal.search.glossary import all_concepts, term_key

    analyzer, owner, shared = text_analyzer(), {}, []
    for line, (english, korean) in enumerate(all_concepts()):
        for term in english + korean:
            key = term_key(term, analyzer)
            if owner.setdefault(key, (line, term))[0] != line:
                shared.append((owner[key][1], term))
    assert shared == []


def test_ageing_pipes_are_not_elderly_people():
    from portal.search.querying import words_of

    ageing = words_of("ageing water mains")[0]
    assert ["노인"] not in ageing.translations and ["노인"] in words_of("elderly")[0].translations


def test_everyday_words_reach_the_other_language(app, world):
    """Not only smart-city terms: a Korean query for residents (주민) finds English text about residents."""
    add_solutions(app, world,
                  dict(title="Door-to-door notices", summary="Tells residents about roadworks.",
                       sectors=["citizen-services"]),
                  dict(title="골목 청소 로봇", summary="A robot that sweeps narrow streets.", language="ko",
                       description="좁은 골목길을 밤마다 청소합니다.", sectors=["water-waste"]))
    assert titles(app, "주민") == ["Door-to-door notices"]
    assert titles(app, "alleys") == ["골목 청소 로봇"]


def test_korean_words_join_only_into_a_term_that_spans_them():
    """"목표로 합니다" written as one is 목표 with endings: two words, not a term of two (a match reason
    read "목표 합니다")."""
    from portal.search.querying import words_of

    assert [word.text for word in words_of("목표로 합니다")] == ["목표로", "합니다"]
    assert [word.text for word in words_of("불법 주정차를 막습니다")] == ["불법 주정차를", "막습니다"]


def test_korean_words_are_shown_as_written_without_their_particles():
    """A match reason shows 횡단보도, not the index's bare form 횡단보 (its 도 also reads as a particle)."""
    from portal.search.querying import words_of

    text = "횡단보도에서 공무원에게 낙상을 골목과 센서가 감지하는 어린이 보호구역을 온도 회의 반지하는 시작된 역할"
    labels = [word.label for word in words_of(text)]
    assert labels == ["횡단보도", "공무원", "낙상", "골목", "센서", "감지", "어린이 보호구역", "온도", "회의", "반지하",
                      "시작", "역할"]


def test_words_are_shown_with_their_hyphens():
    from portal.search.querying import words_of

    assert [word.label for word in words_of("Semi-basement homes, e-scooter docks")] == [
        "Semi-basement", "homes", "e-scooter", "docks"]


def snippets(page):
    return [part.split("</p>")[0] for part in page.split('<p class="small mb-0 snippet">')[1:]]


def test_snippets_start_at_a_word_and_say_their_language(client, app, world):
    add_solutions(app, world, {
        "title": "District pilot coordinator",
        "summary": "The bureau coordinates Seoul's smart city pilots across all of the district offices, "
                   "with flood resilience first.",
        "summary_ko": "서울시는 반지하 주택에 사는 주민들에게 침수 위험을 미리 알려 주는 "
                      "조기경보 시스템을 찾고 있습니다. 폭우가 내릴 때 주민들이 안전하게 대피할 수 있어야 합니다."})
    (english,) = snippets(client.get("/search?q=flood").get_data(as_text=True))
    assert '<span lang="en">… Seoul\'s smart city pilots' in english  # not "s smart city pilots"
    (korean,) = snippets(client.get("/search?q=대피").get_data(as_text=True))
    assert korean.startswith('<span lang="ko">… ') and "주민들이 안전하게 <mark" in korean


def test_snippets_cut_the_fragments_whoosh_s_highlighter_cuts():
    """The snippet's own fragmenter jumps from match to match; it must cut exactly where Whoosh's context
    fragmenter, walking every token, does: at the edges of the text, of the length limit, around matches
    close together and far apart, and for Korean words, whose every form is a token of its own."""
    import random

    from whoosh.analysis import Token
    from whoosh.highlight import ContextFragmenter, highlight

    from portal.search import highlight as snippets_module

    def tokens(text, **_options):
        token = Token(chars=True)
        for match in snippets_module.WORDS.finditer(text):
            for term in snippets_module._terms_of(match.group()):
                token.text, token.startchar, token.endchar = term, match.start(), match.end()
                yield token

    english = ("Flood sensors warn residents of semi-basement homes before water gets in; the district office "
               "sends alerts to officials, and sensor data helps planners map flood risk street by street.")
    korean = "집중호우 때 공무원에게 침수 상황을 즉시 알립니다. 반지하 주택 주민들이 안전하게 대피할 수 있어야 합니다."
    words = (english + " " + korean).split()
    rng = random.Random(8)
    texts = [english, korean, english + "\n" + korean, "flood " * 80, "x" * 70 + " flood " + "y" * 70,
             " ".join(rng.choice(words) for _ in range(400))]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 120))) for _ in range(150)]
    queries = ["flood", "sensor", "침수", "공무원", "주민 대피", "flood water residents", "street", "nothing here"]
    compared = 0
    for text in texts:
        for query in queries:
            terms = frozenset(term for word in words_of_query(query) for term in word.index_terms())
            expected = highlight(text, terms, tokens, ContextFragmenter(maxchars=snippets_module.OPENING_CHARS,
                                                                        surround=snippets_module.SURROUND_CHARS),
                                 snippets_module.formatter(), top=2)
            if expected:
                assert snippets_module.snippet(text, terms) == expected, (text, query)
                compared += 1
    assert compared > 500


def words_of_query(text):
    from portal.search.querying import plan

    return plan(text).words


def test_the_readiness_facet_counts_up_from_the_lowest_level(client, app, world):
    add_solutions(app, world, *({"title": f"Leak finder {trl}", "trl": trl} for trl in (8, 6, 7, 8, 9)))
    page = client.get("/search?q=leak").get_data(as_text=True)
    readiness = page.split(">TRL</h2>")[1].split("</ul>")[0]
    levels = [part.split("</a>")[0].rsplit(">", 1)[1] for part in readiness.split("<li>")[1:]]
    assert levels == ["6", "7", "8", "9"]


@whoosh_only
def test_a_table_of_contents_replaced_while_being_opened_is_looked_for_again(app, records, monkeypatch):
    """Another process's commit deletes the table of contents this one just found: the write looks again
    instead of failing (and so losing the change)."""
    from whoosh import index

    from portal.model_types import utcnow
    from portal.search.documents import Document

    open_dir, gone = index.open_dir, []

    def racing_open_dir(*args, **kwargs):
        if len(gone) < 2:  # the first two looks find a file that is deleted before it is read
            gone.append(True)
            raise FileNotFoundError(2, "No such file or directory", "_MAIN_7.toc")
        return open_dir(*args, **kwargs)

    monkeypatch.setattr(index, "open_dir", racing_open_dir)
    with app.app_context():
        get_backend().add([Document(kind="solution", id=999, key="sol-raced", title="Raced rain gauge",
                                    body="gauge", public=True, organisation_id=1, date=utcnow())])
        assert "solution:999" in get_backend().refs()
    assert len(gone) == 2


def _ranking(app, text, **options):
    with app.test_request_context():
        return [(hit.title, hit.score) for hit in search_services.search(None, text, **options).hits]


@postgres_only
def test_postgres_ranking_of_public_records_ignores_other_organisations_unpublished_ones(app, world):
    """What a term weighs is counted over public records only: another company's archived records, full of
    a word, must not tell a visitor anything by moving the public results."""
    add_solutions(app, world,
                  dict(title="Flood sensor", summary="Measures water at the kerb."),
                  dict(title="Rain gauge", summary="Counts rain and flood water in the drains."))
    before = _ranking(app, "flood water")
    with app.test_request_context():
        other = db.session.get(Organisation, world["other_company_org"])
        for number in range(12):
            factories.solution(other, status=Solution.ARCHIVED, title=f"Flood flood archived {number}",
                               summary="Flood water flood water.")
        db.session.commit()
    assert _ranking(app, "flood water") == before and [title for title, _score in before] == [
        "Flood sensor", "Rain gauge"]


@postgres_only
def test_postgres_pages_list_every_match_once_best_first_beyond_the_rows_ranked(app, world, monkeypatch):
    """A search ranks from the best rows of each term; matches beyond them still come, once, newest first."""
    from portal.search import postgres_backend

    add_solutions(app, world, *(dict(title=f"Pump {number}", summary="A pump." + " Valves." * number)
                                for number in range(5)),
                  dict(title="Pump pump pump", summary="Pumps: the pump of pumps."))
    monkeypatch.setattr(postgres_backend, "CHAMPIONS", 2)
    with app.test_request_context():
        pages = [search_services.search(None, "pump", page=page, per_page=2) for page in (1, 2, 3)]
    listed = [hit.title for found in pages for hit in found.hits]
    assert pages[0].total == 6 and sorted(listed) == sorted(["Pump pump pump", *(f"Pump {n}" for n in range(5))])
    assert listed[0] == "Pump pump pump" and pages[0].hits[1].score > 0
    assert all(hit.score == 0 for found in pages[1:] for hit in found.hits)
