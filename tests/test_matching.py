"""Matching: ranked solutions for a challenge and challenges for a company, with reasons."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import update as sa_update

from portal.challenges.models import Challenge
from portal.extensions import db
from portal.matching import services as matching
from portal.matching.strategies import get_strategy
from portal.model_types import utcnow
from portal.organisations.models import Organisation
from portal.solutions.models import Solution

from . import factories

TODAY = date.today()


@pytest.fixture
def market(app, world):
    """A Korean flood challenge, a Danish heating challenge, and solutions that do or do not fit."""
    with app.test_request_context():
        alpha = db.session.get(Organisation, world["company_org"])
        beta = db.session.get(Organisation, world["other_company_org"])
        seoul = db.session.get(Organisation, world["city_org"])
        copenhagen = db.session.get(Organisation, world["other_city_org"])
        factories.solution(alpha, title="Flood early warning for basement homes",
                           summary="Water-level sensors warn residents before flooding reaches basement homes.",
                           sectors=["safety", "water-waste"], trl=8, countries=["KR"])
        factories.solution(beta, title="River flood model", summary="Simulates river flooding for planners.",
                           sectors=["environment"], trl=5, countries=["SE"])
        factories.solution(beta, title="Heat pump controller for district heating",
                           summary="Lowers supply temperatures in district heating networks.",
                           sectors=["energy"], trl=7, countries=["DK"])
        factories.solution(alpha, title="Parking app", summary="Find a free parking space.", sectors=["mobility"])
        factories.challenge(seoul, title="Flood alerts for semi-basement homes",
                            title_ko="반지하 침수 대응", language="ko", sectors=["safety"],
                            summary="Residents of semi-basements need early warnings.",
                            problem="집중호우 때 반지하 주택이 침수됩니다. 주민에게 조기 경보가 필요합니다.",
                            outcomes="침수 전에 대피할 수 있도록 경보를 보냅니다.")
        factories.challenge(copenhagen, title="Lower district heating temperatures", sectors=["energy"],
                            summary="Cut losses in the district heating network.", problem="Losses are high.",
                            outcomes="Lower supply temperature.")
        factories.challenge(copenhagen, title="Old flood basement study", sectors=["safety"],
                            summary="Flooding of basements.", problem="Basements flood.", outcomes="A study.",
                            opens=TODAY - timedelta(days=90), closes=TODAY - timedelta(days=30))
        factories.challenge(copenhagen, title="Draft flood idea", status=Challenge.DRAFT, sectors=["safety"],
                            summary="Flooding basements, a draft.")
        db.session.commit()


def challenge_by_title(title):
    return db.session.query(Challenge).filter_by(title=title).one()


def test_the_fitting_solution_ranks_first_and_says_why(app, market):
    with app.test_request_context():
        matches = matching.solutions_for_challenge(challenge_by_title("Flood alerts for semi-basement homes"))
        assert matches[0].record.title == "Flood early warning for basement homes"
        reasons = {reason.kind: reason.values for reason in matches[0].reasons}
        assert reasons["sectors"] == ["safety"]
        assert reasons["trl"] == [8] and reasons["countries"] == ["KR"]
        assert "Parking app" not in [match.record.title for match in matches]
        assert 0 < matches[-1].score <= matches[0].score <= 1


def test_a_korean_challenge_reaches_english_solutions_through_the_glossary(app, world, market):
    """Only the Korean text says flooding (침수); the reason names it beside the solution's own word."""
    with app.test_request_context():
        seoul = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(seoul, title="Semi-basement homes", language="ko", sectors=["safety"],
                                        summary="반지하 주택", problem="집중호우 때 반지하 주택이 침수됩니다.",
                                        outcomes="주민에게 조기 경보를 보냅니다.")
        db.session.commit()
        match = matching.solutions_for_challenge(challenge)[0]
    assert match.record.title == "Flood early warning for basement homes"
    assert "침수 (flood)" in terms_of(match)  # the solution writes "Flood" and "flooding"


def test_company_sees_open_challenges_that_fit_not_closed_or_drafts(app, client, world, login, market):
    login(world["other_company"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Challenges that fit your solutions" in page
    fitting = page.split("Challenges that fit your solutions")[1]
    assert "Lower district heating temperatures" in fitting
    assert "Fits your solution" in fitting and "Heat pump controller for district heating" in fitting
    assert "Old flood basement study" not in fitting and "Draft flood idea" not in fitting


def test_only_the_owning_city_and_admins_see_matches_on_a_challenge(app, client, world, login, market):
    with app.test_request_context():
        key = challenge_by_title("Flood alerts for semi-basement homes").key
    for persona, sees in (("city", True), ("admin", True), ("other_city", False), ("company", False),
                          ("consultant", False)):
        login(world[persona])
        page = client.get(f"/challenges/{key}").get_data(as_text=True)
        assert ("Solutions that fit this challenge" in page) is sees, persona
    client.post("/logout")
    assert "Solutions that fit this challenge" not in client.get(f"/challenges/{key}").get_data(as_text=True)


def test_cli_match_json_shape_and_errors(app, runner, market):
    with app.test_request_context():
        key = challenge_by_title("Lower district heating temperatures").key
    result = runner.invoke(args=["match", key, "--json", "--limit", "3"])
    rows = json.loads(result.output)
    assert rows and set(rows[0]) == {"key", "score", "reasons"}
    assert rows[0]["key"].startswith("sol-") and any(r.startswith("sectors: energy") for r in rows[0]["reasons"])
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)
    missing = runner.invoke(args=["match", "ch-nowhere"])
    assert missing.exit_code == 1 and "no challenge with key 'ch-nowhere'" in missing.output


def test_strategies_are_chosen_by_name():
    assert get_strategy("text-and-fit").name == "text-and-fit"
    with pytest.raises(RuntimeError, match="unknown matching strategy"):
        get_strategy("astrology")


def test_an_assigned_consultancy_sees_the_matches(app, client, world, login, market):
    with app.test_request_context():
        key = challenge_by_title("Flood alerts for semi-basement homes").key
    login(world["city"])
    response = client.post(f"/challenges/{key}/consultants", data={"organisation_id": world["consultancy_org"]})
    assert response.status_code == 302
    page = client.post(f"/challenges/{key}/consultants", data={"organisation_id": world["company_org"]},
                       follow_redirects=True).get_data(as_text=True)
    assert "Choose a verified consultancy." in page  # a company cannot be assigned as a consultancy
    login(world["consultant"])
    assert "Solutions that fit this challenge" in client.get(f"/challenges/{key}").get_data(as_text=True)
    assert "Flood alerts for semi-basement homes" in client.get("/dashboard").get_data(as_text=True)
    login(world["city"])
    client.post(f"/challenges/{key}/consultants/{world['consultancy_org']}/remove")
    login(world["consultant"])
    assert "Solutions that fit this challenge" not in client.get(f"/challenges/{key}").get_data(as_text=True)


def test_key_words_leave_out_words_no_candidate_holds_function_words_and_numbers(app, world, market):
    from portal.matching.strategies import CHALLENGE_FIELDS, key_words

    with app.test_request_context():
        challenge = challenge_by_title("Lower district heating temperatures")
        factories.solution(db.session.get(Organisation, world["company_org"]), title="Leak finder",
                           summary="Cuts the city's network losses by 40 per cent in 2 years.", sectors=["energy"])
        db.session.commit()
        challenge.problem = "The city's zyxwv network loses much before winter: 40 per cent in 2 years."
        labels = [word.label for word in key_words(challenge, CHALLENGE_FIELDS, 40, "solution")]
        db.session.rollback()
    assert "district heating" in labels and "zyxwv" not in labels
    assert "before" not in labels  # a solution says it too, but it tells nothing of the subject
    assert "40" not in labels and "2" not in labels  # shared figures say nothing of a shared purpose
    assert "s" not in labels  # of "city's"


def test_a_korean_word_is_weighed_among_records_written_in_korean(app, world):
    """Every Korean record says 주민 (residents): among them it is a common word, however few they are."""
    from portal.matching.strategies import CHALLENGE_FIELDS, key_words

    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        for number in range(3):
            factories.solution(company, title=f"주민 서비스 {number}", summary="For residents.", language="ko",
                               description=f"주민에게 알림을 보냅니다 {number}.", sectors=["citizen-services"])
        for number in range(5):
            factories.solution(company, title=f"Service {number}", summary="For residents.",
                               description="Sensor network." if number < 4 else "Maps.", sectors=["safety"])
        seoul = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(seoul, title="Sensor for 주민", summary="Residents.", sectors=["safety"])
        db.session.commit()
        labels = [word.label for word in key_words(challenge, CHALLENGE_FIELDS, 40, "solution")]
    assert labels.index("Sensor") < labels.index("주민")


def test_a_thing_said_in_both_languages_is_one_key_word(app, world, market):
    """The flood challenge says residents and 주민, early warnings and 경보: one key word each, so that
    other things it says find room, and a Korean solution saying 주민 matches it as fully as one saying residents."""
    from portal.matching.strategies import CHALLENGE_FIELDS, key_words

    with app.test_request_context():
        factories.solution(db.session.get(Organisation, world["company_org"]), title="Winter notices",
                           summary="Notices for residents.", language="ko", sectors=["safety"],
                           description="겨울 동안 주민에게 5분 간격으로 알립니다.")
        db.session.commit()
        challenge = challenge_by_title("Flood alerts for semi-basement homes")
        challenge.problem += " 겨울 동안에도 주민들이 10분 넘게 불편을 겪습니다."
        words = key_words(challenge, CHALLENGE_FIELDS, 40, "solution")
        db.session.rollback()
    labels = [word.label for word in words]
    assert len({"Residents", "주민"} & set(labels)) == 1
    residents = next(word for word in words if word.label in ("Residents", "주민"))
    assert ["주민"] in residents.alternatives and ["resid"] in residents.alternatives
    assert "동안" not in labels  # a Korean function word, like "during"
    assert "분" not in labels  # minutes, or persons: a syllable that tells nothing of a subject


def test_a_word_in_a_title_weighs_more_than_the_same_word_repeated_in_a_body(app, world):
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        factories.solution(company, title="Gritter fleet", summary="Trucks for the cold season.",
                           sectors=["mobility"])
        factories.solution(company, title="Night road service", sectors=["mobility"],
                           summary="Our gritter, a second gritter and one more gritter spread salt every night.")
        seoul = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(seoul, title="Gritter", summary="Gritter.", sectors=["mobility"])
        db.session.commit()
        ranked = [match.record.title for match in matching.solutions_for_challenge(challenge)]
    assert ranked[:2] == ["Gritter fleet", "Night road service"]


def test_a_reason_does_not_name_a_word_twice(app, world, market):
    """"early" is part of "early warning": the reason names the term once."""
    with app.test_request_context():
        seoul = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(seoul, title="Early warning of floods", summary="Warn residents early.",
                                        sectors=["safety"])
        db.session.commit()
        match = matching.solutions_for_challenge(challenge)[0]
    terms = next(reason.values for reason in match.reasons if reason.kind == "terms")
    assert match.record.title == "Flood early warning for basement homes"
    assert "early warning" in terms and "early" not in terms


def test_a_term_of_several_words_matches_only_records_that_hold_them_all(app, world):
    """"District heating" is one key word: a district library shares a word of it, not its meaning."""
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        factories.solution(company, title="District heating optimiser", summary="Lowers supply temperatures.",
                           sectors=["energy"])
        factories.solution(company, title="District library booking", summary="Book rooms in libraries.",
                           sectors=["citizen-services"])
        for number in range(3):
            factories.solution(company, title=f"Heat pump {number}", summary="Heating for homes.",
                               sectors=["energy"])
        copenhagen = db.session.get(Organisation, world["other_city_org"])
        challenge = factories.challenge(copenhagen, title="District heating", summary="District heating.",
                                        problem="District heating.", outcomes="District heating.",
                                        sectors=["energy"])
        db.session.commit()
        titles = [match.record.title for match in matching.solutions_for_challenge(challenge)]
    assert titles[0] == "District heating optimiser"
    assert "District library booking" not in titles


def terms_of(match):
    return next((reason.values for reason in match.reasons if reason.kind == "terms"), [])


def solution_side(value):
    """The part of a reason that names the solution's word: "침수 (flooding)" names "flooding"."""
    return value.rsplit(" (", 1)[1].rstrip(")") if value.endswith(")") else value


def written_in(value, text):
    """True when `text` holds `value`'s words (in any inflection), or, in Korean, its letters."""
    from portal.search.analysis import HANGUL, terms, text_analyzer

    if HANGUL.fullmatch(value.replace(" ", "")):
        return all(part in text for part in value.split())
    analyzer = text_analyzer()
    return set(terms(analyzer, value)) <= set(terms(analyzer, text))


def solution_text(solution):
    return " ".join([solution.title, solution.title_ko, solution.summary, solution.summary_ko,
                     solution.description, " ".join(solution.tags)])


def test_a_reason_never_names_a_word_the_solution_does_not_contain(app, world, market):
    """The challenge says 외국인 주민 (foreign residents); a solution for all residents (주민) shares the word
    주민, not the term, and a solution about migrants shares the term through the glossary."""
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        factories.solution(company, title="재난 문자 발송", summary="Disaster texts.", language="ko",
                           title_ko="재난 문자 발송", description="재난 문자를 주민에게 보냅니다.",
                           sectors=["safety"], tags=[])
        factories.solution(company, title="Disaster texts for migrants", sectors=["safety"], tags=[],
                           summary="Translated disaster texts for migrants.", description="Texts in twelve languages.")
        seoul = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(seoul, title="Disaster texts everyone understands", language="ko",
                                        title_ko="모두가 이해하는 재난 문자", sectors=["safety"],
                                        summary="외국인 주민이 재난 문자를 이해하지 못합니다.",
                                        problem="재난 문자는 한국어로만 발송됩니다.", outcomes="번역된 재난 문자.")
        db.session.commit()
        matches = matching.solutions_for_challenge(challenge)
        named = {match.record.title: terms_of(match) for match in matches}
        for match in matches:
            for value in terms_of(match):
                assert written_in(solution_side(value), solution_text(match.record)), (match.record.title, value)
    assert not any("외국인 주민" in value for value in named["재난 문자 발송"])
    assert "외국인 주민 (migrants)" in named["Disaster texts for migrants"]


def test_a_reason_names_a_word_as_the_reader_wrote_it(app, world):
    """A title starts with a capital ("Guiding"); the challenge writes the word "guiding" elsewhere, so the
    reason does too. A name written only with capitals keeps them."""
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        factories.solution(company, title="Museum guiding app", summary="Audio guiding for visitors of Oslo.",
                           sectors=["citizen-services"], tags=[])
        seoul = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(seoul, title="Guiding visitors", sectors=["citizen-services"],
                                        summary="Visitors of Oslo need guiding in their language.")
        db.session.commit()
        terms = terms_of(matching.solutions_for_challenge(challenge)[0])
    assert "guiding" in terms and "Guiding" not in terms
    assert "Oslo" in terms


def test_a_term_of_several_words_is_named_only_where_written_in_a_row(app, world):
    """A solution heating a district library shares the words of "district heating", not the term."""
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        factories.solution(company, title="District library heating", summary="Heating for the district library.",
                           sectors=["energy"], tags=[])
        factories.solution(company, title="District heating optimiser", summary="Lowers supply temperatures.",
                           sectors=["energy"], tags=[])
        copenhagen = db.session.get(Organisation, world["other_city_org"])
        challenge = factories.challenge(copenhagen, title="District heating losses", sectors=["energy"],
                                        summary="Our district heating network loses heat.")
        db.session.commit()
        named = {match.record.title: terms_of(match) for match in matching.solutions_for_challenge(challenge)}
    assert "district heating" in named["District heating optimiser"]
    assert not any("district heating" in value.lower() for value in named.get("District library heating", []))


@pytest.fixture
def strong_and_weak(app, world):
    """A challenge with a solution that answers it and one that shares a single word with it."""
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        factories.solution(company, title="Gritter fleet for icy roads", summary="Gritters spread salt on icy roads.",
                           sectors=["mobility"], tags=["gritter"], trl=9)
        factories.solution(company, title="Museum audio guide", summary="Guides for visitors on the roads of art.",
                           sectors=["citizen-services"], tags=[], trl=3, countries=["SE"])
        seoul = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(seoul, title="Gritters for icy roads", sectors=["mobility"],
                                        summary="Gritters must reach icy roads before the morning rush.")
        db.session.commit()
        matches = matching.solutions_for_challenge(challenge)
        return challenge.key, [(match.record.title, match.strong) for match in matches]


def test_weaker_matches_are_folded_below_the_strong_ones(app, client, world, login, strong_and_weak):
    key, ranked = strong_and_weak
    assert ranked == [("Gritter fleet for icy roads", True), ("Museum audio guide", False)]
    login(world["city"])
    page = client.get(f"/challenges/{key}").get_data(as_text=True)
    shown, folded = page.split("<details", 1)
    assert "Gritter fleet for icy roads" in shown and "Museum audio guide" not in shown
    assert "Weaker matches (1)" in folded and "Museum audio guide" in folded.split("</details>")[0]
    client.post("/language", data={"language": "ko"})
    assert "적합도가 낮은 항목 (1)" in client.get(f"/challenges/{key}").get_data(as_text=True)


def test_the_match_command_still_lists_weaker_matches_up_to_the_limit(app, runner, strong_and_weak):
    key, ranked = strong_and_weak
    rows = json.loads(runner.invoke(args=["match", key, "--json", "--limit", "2"]).output)
    assert len(rows) == 2 == len(ranked) and all(set(row) == {"key", "score", "reasons"} for row in rows)
    assert rows[0]["score"] > rows[1]["score"]
    lines = runner.invoke(args=["match", key, "--limit", "1"]).output.splitlines()
    assert len(lines) == 1


def matches_section(page):
    return page.split("Solutions that fit this challenge")[1]


def count_calls(monkeypatch, method_name):
    """How often the matching strategy really ranks (not counting answers served from the cache)."""
    from portal.matching.strategies import TextAndFit

    calls = []
    original = getattr(TextAndFit, method_name)

    def counted(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TextAndFit, method_name, counted)
    return calls


def test_a_challenge_page_ranks_once_and_shows_a_new_solution_at_once(app, client, world, login, market,
                                                                       monkeypatch):
    calls = count_calls(monkeypatch, "solutions_for")
    with app.test_request_context():
        key = challenge_by_title("Flood alerts for semi-basement homes").key
    login(world["city"])
    first = matches_section(client.get(f"/challenges/{key}").get_data(as_text=True))
    assert matches_section(client.get(f"/challenges/{key}").get_data(as_text=True)) == first
    assert len(calls) == 1  # the second view was answered from the cache
    assert "Basement flood sirens" not in first
    login(world["other_company"])
    client.post("/solutions/new", data={
        "title": "Basement flood sirens", "summary": "Sirens warn semi-basement residents of flooding.",
        "language": "en", "sectors": ["safety"], "trl": "7", "countries": ["KR"], "tags": "flood"})
    login(world["city"])
    assert "Basement flood sirens" in matches_section(client.get(f"/challenges/{key}").get_data(as_text=True))
    assert len(calls) == 2


def test_an_archived_solution_leaves_the_matches_at_once(app, client, world, login, market):
    with app.test_request_context():
        key = challenge_by_title("Flood alerts for semi-basement homes").key
    login(world["city"])
    assert "Flood early warning for basement homes" in matches_section(
        client.get(f"/challenges/{key}").get_data(as_text=True))
    with app.test_request_context():
        solution_key = db.session.query(Solution).filter_by(title="Flood early warning for basement homes").one().key
    login(world["company"])
    assert client.post(f"/solutions/{solution_key}/archive").status_code == 302
    login(world["city"])
    assert "Flood early warning for basement homes" not in matches_section(
        client.get(f"/challenges/{key}").get_data(as_text=True))


def test_a_dashboard_follows_new_and_closing_challenges_and_shows_each_company_its_own(
        app, client, world, login, market, monkeypatch):
    calls = count_calls(monkeypatch, "challenges_for")
    login(world["other_company"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Lower district heating temperatures" in page and "Faster heat pump permits" not in page
    before = len(calls)
    client.get("/dashboard")
    assert len(calls) == before  # answered from the cache
    login(world["company"])  # another company: its own fits, never the first one's
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Heat pump controller for district heating" not in page
    login(world["other_city"])
    client.post("/challenges/new", data={
        "title": "Faster heat pump permits", "summary": "District heating with heat pumps.", "language": "en",
        "problem": "Heat pump controller projects wait for permits.", "outcomes": "Lower supply temperatures.",
        "sectors": ["energy"], "budget_min": "1000", "budget_max": "2000", "currency": "EUR",
        "opens": (TODAY - timedelta(days=1)).isoformat(), "closes": (TODAY + timedelta(days=20)).isoformat()})
    with app.test_request_context():
        new = db.session.query(Challenge).filter_by(title="Faster heat pump permits").one()
        key = new.key
    assert client.post(f"/challenges/{key}/publish").status_code == 302
    login(world["other_company"])
    assert "Faster heat pump permits" in client.get("/dashboard").get_data(as_text=True)
    # Time passes: the challenge closes without any record changing.
    with app.test_request_context():
        db.session.execute(sa_update(Challenge).where(Challenge.key == key).values(
            opens_at=utcnow() - timedelta(days=2), closes_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert "Faster heat pump permits" not in client.get("/dashboard").get_data(as_text=True)
