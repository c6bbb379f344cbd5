"""The demo's tenders: Seoul's flood workspace becomes an open Korean tender with answered questions and an
amendment; Copenhagen has a draft, a sealed tender and one opened, evaluated and awarded; seeding again adds
none."""
from sqlalchemy import func, select

from portal.demo.services import PASSWORD
from portal.demo.tenders import seed_tenders
from portal.extensions import db
from portal.model_types import utcnow
from portal.tenders.models import Question, Tender, TenderVersion


def test_the_demo_has_a_tender_in_every_state(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.test_request_context():
        now = utcnow()
        seeded = seed_tenders(now.date())  # again: finds the same ones
        assert {name: tender.phase(now) for name, tender in seeded.items()} == {
            "flood": "open", "draft": "draft", "sealed": "sealed", "to_award": "awarded"}
        flood = seeded["flood"]
        assert flood.workspace_id is not None and flood.language == "ko" and flood.procedure == "innovation"
        assert [version.number for version in flood.versions] == [1, 2]
        assert len(flood.versions[1].snapshot["clarifications"]) == 2
        assert all(question.answered_at for question in flood.questions) and len(flood.questions) == 2
        assert 18 <= (flood.submission_deadline - now).days <= 21
        assert len(seeded["to_award"].lots) == 2 and seeded["to_award"].language == "en"
        counts = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (Tender, TenderVersion, Question)]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert [db.session.scalar(select(func.count()).select_from(model))
                for model in (Tender, TenderVersion, Question)] == counts
    client = app.test_client()
    listing = client.get("/tenders").get_data(as_text=True)
    assert "반지하 주택 침수 조기경보 시스템 실증 사업" in listing and "City-wide sensor" not in listing
    client.post("/login", data={"email": "city@copenhagen.example", "password": PASSWORD})
    dashboard = client.get("/dashboard").get_data(as_text=True)
    for title in ("City-wide sensor collection of street bins", "Water-quality buoys for the harbour baths",
                  "Electric cargo bikes for home care"):
        assert title in dashboard, title
