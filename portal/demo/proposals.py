"""Demo proposals: every state, a Korean–Nordic consortium, a shortlist, Korean content and the city's notes.

Each proposal is known by its challenge and lead company; seeding again adds none twice.
"""
from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..challenges import services as challenges
from ..extensions import db
from ..model_types import utcnow
from ..organisations import services as organisations
from ..proposals.models import ConsortiumPartner, Proposal, ProposalNote, ProposalSolution
from ..solutions.models import Solution

PROPOSALS = [
    {
        "challenge": "ch-copenhagen-v2g-hubs", "lead": "haemil-energy", "status": "shortlisted", "days_ago": 12,
        "title": "Bidirectional depot hubs for Copenhagen's municipal fleet",
        "approach": "Haemil's V2G charging hubs, run in Korean municipal depots since 2023, give the fleet's "
                    "vans and cars back to the grid at evening peaks. Varmeflod connects the hubs to the "
                    "district heating plant's energy management system and to the Danish DSO's flexibility "
                    "market, so the hubs fit the city's own systems rather than sitting beside them. The depot "
                    "scheduler plans charging around each vehicle's route, so no vehicle leaves short of charge.",
        "timeline": "Month 1–2: grid study and depot surveys with the DSO.\nMonth 3–6: two pilot hubs "
                    "(Sydhavn and Bispebjerg).\nMonth 7–12: twelve hubs and flexibility market trading.",
        "team": "Haemil Energy Systems: V2G hardware and scheduler (6 engineers, Seoul).\nVarmeflod Energi: "
                "local integration, permits and maintenance (4 engineers, Copenhagen).",
        "cost_estimate": 2_400_000, "currency": "EUR", "language": "en",
        "solutions": ["sol-haemil-v2g-hub", "sol-haemil-depot-scheduler"],
        "partners": [("varmeflod-energi", "local-partner", 35, "confirmed")],
        "reason": "A strong fit with our depots and the DSO's flexibility market. In the workspace we want the "
                  "grid connection plan and who maintains the hubs after year two.",
        "notes": [("city@copenhagen.example", "Varmeflod already maintains our district heating substations: "
                                              "one maintenance contract could cover both.")],
    },
    {
        "challenge": "ch-copenhagen-v2g-hubs", "lead": "rullvik-transit", "status": "submitted", "days_ago": 6,
        "title": "Charging for autonomous shuttles at fleet depots",
        "approach": "We adapt our shuttle depot charging to the municipal fleet: slow overnight charging with "
                    "a simple booking calendar for vehicles.",
        "timeline": "Nine months.", "team": "Three engineers from Gothenburg.",
        "cost_estimate": 900_000, "currency": "EUR", "language": "en", "solutions": [], "partners": [],
    },
    {
        "challenge": "ch-copenhagen-v2g-hubs", "lead": "hraunvegur-data", "status": "declined", "days_ago": 9,
        "title": "Open data hub for charging sessions",
        "approach": "Our municipal data hub collects every charging session and publishes it as open data.",
        "timeline": "Four months.", "team": "Two data engineers.",
        "cost_estimate": 300_000, "currency": "EUR", "language": "en",
        "solutions": ["sol-hraunvegur-data-hub"], "partners": [],
        "reason": "The challenge asks for bidirectional charging hardware; a data portal alone does not answer it.",
    },
    {
        "challenge": "ch-copenhagen-v2g-hubs", "lead": "skarvik-portnet", "status": "withdrawn", "days_ago": 15,
        "title": "Shore power control adapted to fleet depots",
        "approach": "Our shore power management for ferries, adapted to charge the municipal fleet.",
        "timeline": "Six months.", "team": "Four engineers from Bergen.",
        "cost_estimate": 1_100_000, "currency": "EUR", "language": "en",
        "solutions": ["sol-skarvik-shore-power"], "partners": [],
    },
    {
        "challenge": "ch-seoul-semi-basement-flood", "lead": "damsol-sensing", "status": "submitted", "days_ago": 8,
        "title": "반지하 주택 침수 조기경보: 센서와 다국어 대피 안내",
        "approach": "반지하 주택 현관과 배수구에 수위 센서를 달아, 폭우 때 물이 차오르기 시작하면 주민과 "
                    "동 주민센터에 바로 경보를 보냅니다. 포도시빅랩스의 다국어 재난 알림으로 외국인 주민에게도 "
                    "모국어로 대피 안내가 갑니다. 서울시 재난안전 상황실 시스템과 연계해 구청이 한 화면에서 "
                    "침수 위험 가구를 확인할 수 있습니다.",
        "timeline": "1~2개월: 시범 구역 200가구 설치\n3~6개월: 상황실 연계와 주민 안내\n7~12개월: 자치구 확대",
        "team": "담솔센싱: 센서와 통신(엔지니어 5명)\n포도시빅랩스: 다국어 알림과 주민 안내(3명)",
        "cost_estimate": 850_000_000, "currency": "KRW", "language": "ko",
        "solutions": ["sol-damsol-semi-basement-flood", "sol-podo-disaster-alerts"],
        "partners": [("podo-civic", "operator", 20, "confirmed")],
        "notes": [("city@seoul.example",
                   "관악구 시범 구역과 먼저 협의할 것. 상황실 연계 방식은 워크스페이스에서 확인.")],
    },
    {
        "challenge": "ch-seoul-semi-basement-flood", "lead": "mirinae-twin", "status": "submitted", "days_ago": 5,
        "title": "Street-level flood twin that warns households",
        "approach": "A street-level flood simulation twin forecasts where water will pool in heavy rain and "
                    "sends an early warning to the semi-basement homes in those streets.",
        "timeline": "Eight months.", "team": "Five engineers.",
        "cost_estimate": 600_000_000, "currency": "KRW", "language": "en",
        "solutions": ["sol-mirinae-flood-twin"], "partners": [],
    },
    {
        "challenge": "ch-seoul-elder-fall-detection", "lead": "saebyeok-vision", "status": "submitted", "days_ago": 4,
        "title": "영상 없이 지키는 독거 어르신 낙상 감지",
        "approach": "카메라 영상을 저장하지 않는 엣지 AI로 낙상을 감지하고, 관리사무소와 보호자에게 즉시 "
                    "알립니다. 바르삼 케어의 레이더 센서를 욕실에 함께 설치합니다.",
        "timeline": "6개월 시범, 이후 단계적 확대", "team": "새벽비전 AI 엔지니어 4명, 바르삼 케어 2명",
        "cost_estimate": 420_000_000, "currency": "KRW", "language": "ko",
        "solutions": ["sol-saebyeok-fall-detection"], "partners": [("varsam-care", "technology", 30, "invited")],
    },
    {
        "challenge": "ch-copenhagen-smart-bins", "lead": "binrute", "status": "shortlisted", "days_ago": None,
        "title": "Fill-level sensors and dynamic routes for inner-city bins",
        "approach": "Fill-level sensors in every street bin feed our route optimiser, so collection trucks only "
                    "visit bins that need emptying.",
        "timeline": "Pilot in Indre By in three months, whole inner city in nine.",
        "team": "Binrute's Copenhagen team.",
        "cost_estimate": 4_500_000, "currency": "DKK", "language": "en",
        "solutions": ["sol-binrute-fill-sensors", "sol-binrute-route-optimiser"], "partners": [],
        "reason": "Shortlisted for the workspace with our waste operator.",
    },
    {
        "challenge": "ch-gothenburg-archipelago-drt", "lead": "haneul-mobility", "status": "draft", "days_ago": None,
        "title": "섬 지역 수요응답형 버스: 한국 농촌 DRT를 예테보리 군도에",
        "approach": "하늘모빌리티의 농촌 수요응답형 버스 플랫폼을 군도 페리 시간표와 연동합니다. "
                    "Rullvik Transit이 현지 운영과 차량을 맡습니다.",
        "timeline": "", "team": "", "cost_estimate": None, "currency": "SEK", "language": "ko",
        "solutions": ["sol-haneul-rural-drt"], "partners": [("rullvik-transit", "local-partner", 40, "invited")],
    },
]


def _submitted_at(challenge, days_ago):
    """When a demo proposal was sent: `days_ago` before now, or ten days before a closed challenge closed."""
    if days_ago is None:
        return min(utcnow(), challenge.closes_at) - timedelta(days=10)
    return max(challenge.opens_at, utcnow() - timedelta(days=days_ago))


def seed_proposals():
    """Add the demo proposals that are not there yet."""
    for entry in PROPOSALS:
        challenge = challenges.get(entry["challenge"])
        lead = organisations.get(entry["lead"])
        if db.session.scalar(select(Proposal.id).where(Proposal.challenge_id == challenge.id,
                                                       Proposal.organisation_id == lead.id)):
            continue
        proposal = Proposal(challenge=challenge, organisation=lead, status=entry["status"], title=entry["title"],
                            approach=entry["approach"], timeline=entry["timeline"], team=entry["team"],
                            cost_estimate=entry["cost_estimate"], currency=entry["currency"],
                            language=entry["language"], decision_reason=entry.get("reason", ""))
        if entry["status"] != Proposal.DRAFT:
            proposal.submitted_at = _submitted_at(challenge, entry["days_ago"])
        if entry["status"] in (Proposal.SHORTLISTED, Proposal.DECLINED):
            proposal.decided_at = proposal.submitted_at + timedelta(days=3)
        if entry["status"] == Proposal.WITHDRAWN:
            proposal.withdrawn_at = proposal.submitted_at + timedelta(days=2)
        for key, role, share, status in entry["partners"]:
            proposal.partners.append(ConsortiumPartner(organisation=organisations.get(key), role=role, share=share,
                                                       status=status, answered_at=None if status == "invited"
                                                       else utcnow()))
        for key in entry["solutions"]:
            solution_id = db.session.scalar(select(Solution.id).where(Solution.key == key))
            proposal.solution_links.append(ProposalSolution(solution_id=solution_id))
        db.session.add(proposal)
        db.session.flush()
        for email, body in entry.get("notes", []):
            author = db.session.scalar(select(User).where(User.email == email))
            db.session.add(ProposalNote(proposal_id=proposal.id, author=author, body=body))
    db.session.flush()
