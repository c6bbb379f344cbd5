"""The dashboard: one's own records and the matches, in the reader's language and time zone."""
import pytest

from portal.accounts.models import User
from portal.extensions import db
from portal.organisations.models import Organisation

from . import factories


@pytest.fixture
def bilingual(app, world):
    """A Korean company's solution and a Seoul challenge that fits it, both with Korean titles."""
    with app.test_request_context():
        alpha = db.session.get(Organisation, world["company_org"])
        seoul = db.session.get(Organisation, world["city_org"])
        seoul.name_ko = "서울 테스트 시청"
        factories.solution(alpha, title="Flood sensors for basement homes", title_ko="반지하 침수 센서",
                           summary="Water-level sensors warn residents before flooding reaches basements.",
                           sectors=["safety", "water-waste"])
        factories.challenge(seoul, title="Flood warning for basement homes", title_ko="반지하 침수 경보",
                            summary="Warn residents of basement homes before floods.",
                            problem="Flooding reaches basement homes before residents can leave.",
                            sectors=["safety", "water-waste"])
        for user_id in (world["company"], world["city"]):
            db.session.get(User, user_id).timezone = "Europe/Copenhagen"
        db.session.commit()


def korean_dashboard(client, login, user_id):
    login(user_id)
    client.post("/language", data={"language": "ko"})
    return client.get("/dashboard").get_data(as_text=True)


def test_korean_readers_see_korean_titles_in_their_tables_and_matches(client, world, login, bilingual):
    company = korean_dashboard(client, login, world["company"])
    own, fitting = company.split("반지하 침수 경보", 1)[0], company
    assert '<span lang="ko">반지하 침수 센서</span>' in own  # the table of one's own solutions
    assert "Flood sensors for basement homes" not in own.split("<tbody>")[1]
    assert '<span lang="ko">반지하 침수 경보</span>' in fitting  # the match row
    assert "서울 테스트 시청" in fitting  # the city's Korean name
    assert "Flood warning for basement homes" not in fitting

    city = korean_dashboard(client, login, world["city"])
    assert '<span lang="ko">반지하 침수 경보</span>' in city
    assert "Flood warning for basement homes" not in city


def test_english_readers_see_english_titles_and_korean_is_marked(client, world, login, bilingual):
    login(world["company"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Flood sensors for basement homes" in page and "Flood warning for basement homes" in page
    assert "반지하 침수 센서" not in page


def test_closing_times_on_the_dashboard_name_the_city_zone_and_the_readers(client, world, login, bilingual):
    login(world["company"])
    page = client.get("/dashboard").get_data(as_text=True)
    fitting = page.split("Challenges that fit your solutions")[1]
    assert "(Seoul)" in fitting and "Your time:" in fitting and "(Copenhagen)" in fitting

    login(world["city"])
    page = client.get("/dashboard").get_data(as_text=True)
    own = page.split("Your challenges")[1]
    assert "(Seoul)" in own and "11:59" in own and "(Copenhagen)" in own
