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
        "cost_estimate": 5_600_000, "currency": "DKK", "language": "en",
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
        "cost_estimate": 3_900_000, "currency": "DKK", "language": "en", "solutions": [], "partners": [],
    },
    {
        "challenge": "ch-copenhagen-v2g-hubs", "lead": "hraunvegur-data", "status": "declined", "days_ago": 9,
        "title": "Open data hub for charging sessions",
        "approach": "Our municipal data hub collects every charging session and publishes it as open data.",
        "timeline": "Four months.", "team": "Two data engineers.",
        "cost_estimate": 1_200_000, "currency": "DKK", "language": "en",
        "solutions": ["sol-hraunvegur-data-hub"], "partners": [],
        "reason": "The challenge asks for bidirectional charging hardware; a data portal alone does not answer it.",
    },
    {
        "challenge": "ch-copenhagen-v2g-hubs", "lead": "skarvik-portnet", "status": "withdrawn", "days_ago": 15,
        "title": "Shore power control adapted to fleet depots",
        "approach": "Our shore power management for ferries, adapted to charge the municipal fleet.",
        "timeline": "Six months.", "team": "Four engineers from Bergen.",
        "cost_estimate": 4_800_000, "currency": "DKK", "language": "en",
        "solutions": ["sol-skarvik-shore-power"], "partners": [],
    },
    {
        "challenge": "ch-seoul-semi-basement-flood", "lead": "damsol-sensing", "status": "shortlisted", "days_ago": 45,
        "title": "반지하 주택 침수 조기경보: 센서와 다국어 대피 안내",
        "approach": "반지하 주택 현관과 배수구에 수위 센서를 달아, 폭우 때 물이 차오르기 시작하면 주민과 "
                    "동 주민센터에 바로 경보를 보냅니다. 포도시빅랩스의 다국어 재난 알림으로 외국인 주민에게도 "
                    "모국어로 대피 안내가 갑니다. 서울시 재난안전 상황실 시스템과 연계해 구청이 한 화면에서 "
                    "침수 위험 가구를 확인할 수 있습니다.",
        "timeline": "1~2개월: 시범 구역 200가구 설치\n3~6개월: 상황실 연계와 주민 안내\n7~12개월: 자치구 확대",
        "team": "담솔센싱: 센서와 통신(엔지니어 5명)\n포도시빅랩스: 다국어 알림과 주민 안내(3명)",
        "cost_estimate": 780_000_000, "currency": "KRW", "language": "ko",
        "solutions": ["sol-damsol-semi-basement-flood", "sol-podo-disaster-alerts"],
        "partners": [("podo-civic", "operator", 20, "confirmed")],
        "reason": "센서와 상황실 연계 계획이 가장 구체적입니다. 공동 기획에서 S-DoT 연동과 5년 유지보수 체계를 함께 "
                  "정하겠습니다.",
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
        "challenge": "ch-seoul-elder-fall-detection", "lead": "saebyeok-vision", "status": "shortlisted",
        "days_ago": 10,
        "title": "영상 없이 지키는 독거 어르신 낙상 감지",
        "approach": "카메라 영상을 저장하지 않는 엣지 AI 센서가 거실과 침실에서 어르신의 낙상과 장시간 무활동을 "
                    "감지해, 응급안전안심서비스 관제 시스템과 생활지원사, 보호자에게 즉시 알립니다. 영상은 기기 "
                    "안에서 자세 정보로만 바뀌고 외부로 전송되지 않아 사생활을 지킵니다. 공공임대 단지 300가구에서 "
                    "6개월 실증하며 낙상 감지율과 오경보, 생활지원사 도착 시간을 매달 보고합니다.",
        "timeline": "1~2개월: 관제 시스템 연동과 단지 협의\n3개월: 300가구 설치\n4~9개월: 6개월 실증과 월간 보고",
        "team": "새벽비전AI: AI 엔지니어 4명, 설치·유지보수 2명(서울)",
        "cost_estimate": 420_000_000, "currency": "KRW", "language": "ko",
        "solutions": ["sol-saebyeok-fall-detection"], "partners": [("varsam-care", "technology", 30, "declined")],
        "reason": "사생활 보호와 관제 연동 계획이 구체적입니다. 레이더 방식 제안과 함께 공동 기획에서 비교하겠습니다.",
    },
    {
        "challenge": "ch-seoul-elder-fall-detection", "lead": "varsam-care", "status": "shortlisted", "days_ago": 9,
        "title": "Camera-free radar fall detection linked to Seoul's emergency safety service",
        "approach": "Varsam's wall-mounted radar detects falls and long inactivity of older people living alone "
                    "without a camera or microphone: it measures movement, not images, so nothing private leaves "
                    "the home. In Swedish municipal home care it runs in 2,400 homes, detecting 93 % of falls with "
                    "fewer than one false alarm per home a month. For Seoul we connect the radar to the emergency "
                    "safety service's monitoring system, so alerts reach the care workers it already dispatches, "
                    "with Korean voice prompts for residents, and install two sensors per home (living room and "
                    "bathroom) in 300 public rental homes for the six-month pilot. We report how much sooner care "
                    "workers arrive.",
        "timeline": "Month 1–2: integration with the monitoring system; Korean KC certification of the radar.\n"
                    "Month 3: installation in 300 homes with the housing corporation.\n"
                    "Month 4–9: six-month pilot with monthly reports on detection, false alarms and response times.",
        "team": "Varsam Care AB: two integration engineers and a clinical lead (Gothenburg).\nA Korean installation "
                "and maintenance partner, chosen with the city in the workspace.",
        "cost_estimate": 480_000_000, "currency": "KRW", "language": "en",
        "solutions": ["sol-varsam-radar-fall"], "partners": [],
        "reason": "카메라 없는 방식과 스웨덴 공공 돌봄 실적이 강점입니다. 국내 설치·유지보수 협력사를 공동 기획에서 "
                  "정해야 합니다.",
    },
    {
        "challenge": "ch-seoul-semi-basement-flood", "lead": "haneul-mobility", "status": "shortlisted",
        "days_ago": 40,
        "title": "침수 경보와 함께 움직이는 교통약자 대피 지원: 수요응답형 차량과 음성 경보",
        "approach": "반지하 주택의 침수 센서나 호우 예보로 경보가 나면, 하늘모빌리티의 수요응답형(DRT) 배차 "
                    "플랫폼이 거동이 불편한 고령자와 장애인 주민을 미리 등록한 주소에서 가까운 대피소로 태워 "
                    "나릅니다. 경보는 문자와 자동 음성 전화로 한국어, 영어, 중국어로 보내고, 주민이 전화에서 "
                    "'도움 필요'를 누르면 차량이 바로 배차됩니다. 구청 재난상황실 화면에서는 대피 요청과 차량 "
                    "위치, 대피를 마친 가구를 실시간으로 확인합니다. 농촌에서 3년간 운영한 배차 플랫폼을 도시 "
                    "재난 대피에 맞게 바꾸는 것이며, 침수 감지 자료는 센서 기업의 장비와 S-DoT 연동으로 받습니다.",
        "timeline": "1~2개월: 관악구 시범 지역 교통약자 명단 확인, 대피소·차량 협약\n"
                    "3~4개월: 상황실 화면과 S-DoT 연동 어댑터 개발\n"
                    "5~6개월: 집중호우 대비 모의 대피 훈련 2회\n7~12개월: 우기 실운영과 결과 보고",
        "team": "하늘모빌리티: 배차 플랫폼과 음성 경보(개발자 4명, 운영 매니저 1명)\n"
                "지역 장애인 콜택시·택시 운영사: 대피 차량(협약 협의 중)",
        "cost_estimate": 520_000_000, "currency": "KRW", "language": "ko",
        "solutions": ["sol-haneul-rural-drt"], "partners": [],
        "reason": "대피가 어려운 고령자 가구를 위한 제안입니다. 센서 제안과 함께 공동 기획에서 검토하며, 정비 인력 "
                  "확보 방안이 필요합니다.",
    },
    {
        "challenge": "ch-copenhagen-v2g-hubs", "lead": "binrute", "status": "shortlisted", "days_ago": 11,
        "title": "Duty-roster-aware charging: every vehicle ready for its next shift",
        "approach": "Binrute's route planning already tells Copenhagen's waste fleet, through FleetOps, which "
                    "vehicle leaves when and how far it drives. We extend it to the whole municipal fleet: from "
                    "each vehicle's next shift in the duty roster we compute the charge it needs and how long it "
                    "stands parked at the depot, and give both to the V2G hub controller every fifteen minutes. The "
                    "hub may then discharge to the depot building or the grid at peak load only as far as the next "
                    "shift allows, so no home-care car or service van starts a shift with insufficient charge. We "
                    "do not sell chargers: the scheduling layer works with any OCPP 2.0.1 bidirectional hub, and "
                    "driver and trip data stay in our Danish data centre under GDPR.",
        "timeline": "Month 1: duty roster feed from FleetOps for the three depots.\nMonth 2–3: charge-need "
                    "forecasts tested against six weeks of real shifts.\nMonth 4–18: live with the hub controller; "
                    "monthly reports on missed-charge events and peak load reduction.",
        "team": "Binrute ApS: two route-planning engineers and our data protection officer (Copenhagen).",
        "cost_estimate": 1_450_000, "currency": "DKK", "language": "en",
        "solutions": ["sol-binrute-route-optimiser"], "partners": [],
        "reason": "Not a charger supplier, but the duty-roster link is what the hub controller needs. Shortlisted "
                  "to work beside the hardware supplier in the workspace.",
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


# What the workspace demo once wrote for shortlisted companies without a proposal; seeding replaces it.
STUB_APPROACH = "See the workspace."


def _fill(proposal, entry):
    """Give a demo proposal its content, dates, partners, linked solutions and the city's notes."""
    challenge = proposal.challenge
    for field in ("status", "title", "approach", "timeline", "team", "cost_estimate", "currency", "language"):
        setattr(proposal, field, entry[field])
    proposal.decision_reason = entry.get("reason", "")
    if entry["status"] != Proposal.DRAFT:
        proposal.submitted_at = _submitted_at(challenge, entry["days_ago"])
    if entry["status"] in (Proposal.SHORTLISTED, Proposal.DECLINED):
        proposal.decided_at = proposal.submitted_at + timedelta(days=3)
    if entry["status"] == Proposal.WITHDRAWN:
        proposal.withdrawn_at = proposal.submitted_at + timedelta(days=2)
    partners = {partner.organisation_id for partner in proposal.partners}
    for key, role, share, status in entry["partners"]:
        if (organisation := organisations.get(key)).id not in partners:
            proposal.partners.append(ConsortiumPartner(organisation=organisation, role=role, share=share,
                                                       status=status, answered_at=None if status == "invited"
                                                       else utcnow()))
    linked = {link.solution_id for link in proposal.solution_links}
    for key in entry["solutions"]:
        solution_id = db.session.scalar(select(Solution.id).where(Solution.key == key))
        if solution_id not in linked:
            proposal.solution_links.append(ProposalSolution(solution_id=solution_id))
    db.session.flush()
    for email, body in entry.get("notes", []):
        author = db.session.scalar(select(User).where(User.email == email))
        db.session.add(ProposalNote(proposal_id=proposal.id, author=author, body=body))


def seed_proposals():
    """Add the demo proposals that are not there yet, and give content to stubs an older demo left."""
    for entry in PROPOSALS:
        challenge = challenges.get(entry["challenge"])
        lead = organisations.get(entry["lead"])
        existing = db.session.scalar(select(Proposal).where(Proposal.challenge_id == challenge.id,
                                                            Proposal.organisation_id == lead.id))
        if existing is not None and existing.approach == STUB_APPROACH:
            _fill(existing, entry)
        elif existing is None:
            proposal = Proposal(challenge=challenge, organisation=lead)
            db.session.add(proposal)
            _fill(proposal, entry)
    db.session.flush()
