"""`flask seed-demo`: our own demo data with one login per role."""
from datetime import date

from sqlalchemy import func, select

from portal.challenges.models import Challenge
from portal.demo.proposals import PROPOSALS
from portal.demo.services import PASSWORD, demo_records
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.proposals.models import Proposal
from portal.solutions.models import Solution


def test_demo_data_meets_its_brief():
    data = demo_records(date(2026, 11, 22))
    organisations = data["organisations"]
    countries = {o["country"] for o in organisations}
    assert len(organisations) >= 20 and {"KR", "DK", "SE", "FI"} <= countries
    assert {o["kind"] for o in organisations} == {"city", "company", "consultancy"}
    assert len(data["solutions"]) >= 60 and len(data["challenges"]) >= 12
    for records in (data["solutions"], data["challenges"]):
        assert {r["language"] for r in records} == {"en", "ko"}
        assert all(r["title_ko"] for r in records if r["language"] == "ko")


def test_seed_demo_is_idempotent_and_its_logins_work(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for role in ("admin", "city", "company", "consultant"):
        assert role in result.output

    def totals():
        with app.app_context():
            return [db.session.scalar(select(func.count()).select_from(m))
                    for m in (Organisation, Solution, Challenge, Proposal)]

    first = totals()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert totals() == first
    with app.app_context():
        assert {item["title"] for item in PROPOSALS} <= set(db.session.scalars(select(Proposal.title)))
    client = app.test_client()
    for email, page, text in [("admin@cocity.example", "/admin/organisations", "Aurora Grid Analytics"),
                              ("city@seoul.example", "/dashboard", "Seoul"),
                              ("company@haneul.example", "/dashboard", "Haneul"),
                              ("consultant@nordbro.example", "/dashboard", "consultant")]:
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302, email
        assert text.lower() in client.get(page).get_data(as_text=True).lower(), email
        client.post("/logout")


def test_seeded_challenges_cover_every_phase(app, runner):
    runner.invoke(args=["seed-demo"])
    client = app.test_client()
    for phase in ("upcoming", "open", "closed"):
        page = client.get(f"/challenges?phase={phase}").get_data(as_text=True)
        assert "No challenge here." not in page, phase


def test_seeded_proposals_walk_every_state_with_a_korean_nordic_consortium(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        proposals = db.session.scalars(select(Proposal)).all()
        assert {proposal.status for proposal in proposals} == set(Proposal.STATUSES)
        consortia = [proposal for proposal in proposals if proposal.organisation.country == "KR" and any(
            partner.status == "confirmed" and partner.role == "local-partner"
            and partner.organisation.country in ("DK", "SE", "NO", "FI", "IS") for partner in proposal.partners)]
        assert consortia and consortia[0].status == "shortlisted"
        assert any(proposal.language == "ko" and proposal.status != "draft" for proposal in proposals)
    client = app.test_client()
    client.post("/login", data={"email": "city@copenhagen.example", "password": PASSWORD})
    page = client.get("/challenges/ch-copenhagen-v2g-hubs/proposals").get_data(as_text=True)
    titles = [title for title in ("Bidirectional depot hubs", "Charging for autonomous shuttles") if title in page]
    assert titles == ["Bidirectional depot hubs", "Charging for autonomous shuttles"]
    assert page.index("Bidirectional depot hubs") < page.index("Charging for autonomous shuttles")
    assert "one maintenance contract" in page  # the city's note
    client.post("/logout")
    client.post("/login", data={"email": "company@haneul.example", "password": PASSWORD})
    assert "섬 지역 수요응답형 버스" in client.get("/dashboard").get_data(as_text=True)
def test_seeded_workspaces_walk_the_stages_and_one_is_ready_to_tender(app, runner):
    from portal.workspaces import services as workspace_services
    from portal.workspaces.models import Workspace, WorkspaceActivity

    assert runner.invoke(args=["seed-demo"]).exit_code == 0

    def totals():
        with app.app_context():
            return [db.session.scalar(select(func.count()).select_from(m)) for m in (Workspace, WorkspaceActivity)]

    first = totals()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert totals() == first and first[0] == 3
    with app.app_context():
        stages = dict(db.session.execute(select(Workspace.title, Workspace.stage)).all())
        assert set(stages.values()) == {"explore", "co-design", "ready-to-tender"}
        ready = db.session.scalar(select(Workspace).where(Workspace.stage == "ready-to-tender"))
        assert workspace_services.fit_table(ready).complete and workspace_services.investment_of(ready)
        # Everything the gate into ready-to-tender asks for is there, the agreed requirements included.
        assert workspace_services.readiness(ready, "ready-to-tender") == []
        assert [gate.to_stage for gate in ready.gate_decisions] == ["define", "co-design", "pilot", "ready-to-tender"]
        assert "침수" in ready.title
    client = app.test_client()
    for email, title in (("company@haneul.example", "반지하 침수 조기경보"),
                         ("consultant@nordbro.example", "V2G hubs for the city fleet")):
        client.post("/login", data={"email": email, "password": PASSWORD})
        assert title in client.get("/dashboard").get_data(as_text=True), email
        client.post("/logout")


def test_every_company_in_a_demo_workspace_answered_its_challenge_with_a_real_proposal(app, runner):
    from portal.demo.proposals import STUB_APPROACH
    from portal.workspaces.models import Workspace

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id)).where(Proposal.approach == STUB_APPROACH)) == 0
        for workspace in db.session.scalars(select(Workspace)):
            shortlist = set(db.session.scalars(Proposal.shortlisted_company_ids(workspace.challenge_id)))
            for member in workspace.members:
                if member.role != "company":
                    continue
                assert member.organisation_id in shortlist, (workspace.title, member.organisation.key)
                own = db.session.scalar(select(Proposal).where(Proposal.challenge_id == workspace.challenge_id,
                                                               Proposal.organisation_id == member.organisation_id))
                assert own is not None and own.status == "shortlisted", member.organisation.key
                assert len(own.approach) > 150 and own.timeline and own.team and own.cost_estimate, own.title
                # Korean companies write to a Korean city in Korean.
                if member.organisation.country == "KR" and workspace.organisation.country == "KR":
                    assert own.language == "ko", own.title
    client = app.test_client()
    client.post("/login", data={"email": "city@seoul.example", "password": PASSWORD})
    page = client.get("/challenges/ch-seoul-semi-basement-flood/proposals").get_data(as_text=True)
    assert page.index("반지하 주택 침수 조기경보") < page.index("교통약자 대피 지원")
    page = client.get("/challenges/ch-seoul-elder-fall-detection/proposals").get_data(as_text=True)
    assert "Camera-free radar fall detection" in page and "영상 없이 지키는" in page
    client.post("/logout")
    client.post("/login", data={"email": "company@binrute.example", "password": PASSWORD})
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Duty-roster-aware charging" in page


def test_seeding_again_gives_an_older_demos_stub_proposals_their_content(app, runner):
    from portal.demo.proposals import STUB_APPROACH

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        stub = db.session.scalar(select(Proposal).where(Proposal.title.like("Duty-roster-aware%")))
        stub.title, stub.approach, stub.timeline, stub.team, stub.cost_estimate = (
            "Binrute ApS: V2G", STUB_APPROACH, "", "", None)
        stub.solution_links = []
        db.session.commit()
        before = db.session.scalar(select(func.count(Proposal.id)))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == before
        proposal = db.session.scalar(select(Proposal).where(Proposal.approach.like("%duty roster%")))
        assert proposal.title.startswith("Duty-roster-aware") and proposal.cost_estimate == 1_450_000
