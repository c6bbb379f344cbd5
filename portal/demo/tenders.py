"""Demo tenders in the states a procurement passes through, built through the tender services with the instants
placed around `today`:

- flood: Seoul's flood warning workspace (ready to tender, Korean) becomes its tender, published twelve days
  ago, with two answered questions and one amendment, open for bids for three more weeks;
- draft: a Copenhagen tender built from scratch, not yet published;
- sealed: a Copenhagen tender whose submission deadline passed yesterday and whose opening is tomorrow;
- to_award: a Copenhagen tender in two lots whose opening time has passed, for the bids to be opened,
  evaluated and awarded.

Each is found by its workspace or its title when it exists, so seeding again changes nothing.
"""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..accounts.models import User
from ..challenges import services as challenges
from ..extensions import db
from ..tenders import services as tenders
from ..tenders.models import Tender
from ..workspaces.models import Workspace


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _at(day, hour, zone, minute=0):
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone))


def _existing(organisation_id, title):
    return db.session.scalar(select(Tender).where(Tender.organisation_id == organisation_id, Tender.title == title))


FLOOD_LOTS = [
    {"title": "침수 감지 센서 설치·운영 (시범 자치구 2곳, 500가구 이상)",
     "description": "배수구와 출입구의 수위 센서, 물막이판 작동 감지, 1분 주기 전송, 3년 유지보수.",
     "estimated_value": 800_000_000},
    {"title": "다국어 경보 발송과 구청 상황실 연동",
     "description": "문자·음성 경보를 한국어, 영어, 중국어로 보내고 S-DoT 관제 화면과 연동한다.",
     "estimated_value": 400_000_000},
]
FLOOD_CRITERIA = [
    {"kind": "price", "name": "가격", "description": "설치비와 3년 유지보수비를 합한 총액", "weight": 30},
    {"kind": "quality", "name": "기술 품질과 실증 계획",
     "description": "감지 정확도, 오경보율, 경보 도달 시간, 실증 일정", "weight": 45},
    {"kind": "quality", "name": "서울시 시스템 적합성",
     "description": "S-DoT 연동, 데이터 표준, 개인정보 보호, 접근성", "weight": 25},
]
FLOOD_TEXTS = {
    "eligibility_criteria": (
        "「국가를 당사자로 하는 계약에 관한 법률」에 따른 입찰참가자격을 갖춘 기업 또는 "
        "공동수급체가 참가할 수 있습니다. 공동수급체는 대표사를 정하고 구성원은 5개사 이하로 "
        "합니다. 외국 기업은 국내 공동수급체 구성원으로 참가할 수 있습니다."),
    "selection_criteria": (
        "최근 5년간 IoT 센서 또는 재난 경보 서비스 구축 실적 2건 이상. 가구 정보를 저장하는 "
        "클라우드는 CSAP 인증을 받은 국내 리전이어야 합니다."),
    "contract_terms": (
        "계약 기간은 실증 12개월과 유지보수 36개월입니다. 대금은 설치 완료 40%, 실증 완료 40%, "
        "유지보수 기간 분할 20%로 지급합니다. 수집한 데이터의 소유권은 서울시에 있으며 공공데이터로 "
        "개방할 수 있습니다. 장애를 4시간 안에 복구하지 못하면 지체상금을 부과합니다."),
}
FLOOD_LOT_2_AMENDED = "문자·음성 경보를 한국어, 영어, 중국어, 베트남어로 보내고 S-DoT 관제 화면과 연동한다."
FLOOD_CHANGE_NOTE = ("질의응답 2건을 부록으로 더하고, 2번 로트의 경보 언어에 베트남어를 명시했습니다. "
                     "일정은 바뀌지 않았습니다.")
FLOOD_QUESTIONS = [
    ("company@haneul.example", 10,
     "2번 로트(다국어 경보)에 1번 로트 입찰 기업도 함께 입찰할 수 있습니까? "
     "두 로트를 모두 낙찰받는 것도 가능한지 알려 주십시오.",
     8, "네. 두 로트 모두에 입찰할 수 있고 로트별로 따로 평가하므로 두 로트를 모두 낙찰받을 수도 "
        "있습니다. 다만 로트마다 입찰서를 따로 제출해야 합니다."),
    ("company@damsol.example", 9,
     "S-DoT 연동 시험 환경(테스트 API 키)은 언제부터 제공됩니까? 입찰 전에 연동을 시험해 볼 수 "
     "있습니까?",
     7, "공고 기간에는 S-DoT 공개 API 문서와 표본 데이터만 제공합니다. 테스트 API 키는 계약 체결 후 "
        "2주 안에 발급합니다. 기술 제안서에는 공개 문서를 기준으로 연동 방식을 설명해 주십시오."),
]


def _flood(today):
    """Seoul's flood warning workspace becomes its tender, as the city would build it there."""
    workspace = db.session.scalar(select(Workspace).where(
        Workspace.challenge_id == challenges.get("ch-seoul-semi-basement-flood").id))
    if workspace is None:
        return None
    if (existing := tenders.live_tender_of(workspace)) is not None:
        return existing
    city_person = _user("city@seoul.example")
    zone = workspace.organisation.timezone
    published = _at(today - timedelta(days=12), 10, zone)
    data = tenders.initial_data(city_person, workspace, now=published)
    data.update(FLOOD_TEXTS, title="반지하 주택 침수 조기경보 시스템 실증 사업", lots=FLOOD_LOTS,
                criteria=FLOOD_CRITERIA, terms={"candidates": 3, "partners": 2}, publication_at=published,
                clarification_deadline=_at(today + timedelta(days=12), 18, zone),
                submission_deadline=_at(today + timedelta(days=21), 14, zone),
                opening_at=_at(today + timedelta(days=21), 15, zone))
    tender = tenders.create(city_person, data, workspace)
    tenders.publish(city_person, tender, tender.revision, now=published)
    for email, asked, text, answered, answer in FLOOD_QUESTIONS:
        question = tenders.ask(_user(email), tender, text, now=_at(today - timedelta(days=asked), 11, zone))
        tenders.answer(city_person, question, answer, now=_at(today - timedelta(days=answered), 15, zone))
    amended = tenders.data_of(tender)
    amended["lots"][1]["description"] = FLOOD_LOT_2_AMENDED
    tenders.amend(city_person, tender, amended, tender.revision, FLOOD_CHANGE_NOTE,
                  now=_at(today - timedelta(days=5), 10, zone))
    return tender


def _copenhagen(title, today, published_days_ago, fields, days):
    """A Copenhagen tender from scratch; published `published_days_ago` days ago unless that is None. `days` places
    the clarification deadline, the submission deadline and the opening, in days from today with their hours."""
    city_person = _user("city@copenhagen.example")
    if (existing := _existing(city_person.organisation_id, title)) is not None:
        return existing
    zone = city_person.organisation.timezone
    publication = _at(today - timedelta(days=published_days_ago or -3), 9, zone)
    data = tenders.initial_data(city_person, now=publication)
    data.update(fields, title=title, language="en", currency="DKK", publication_at=publication,
                **{name: _at(today + timedelta(days=day), hour, zone) for name, (day, hour) in days.items()})
    tender = tenders.create(city_person, data)
    if published_days_ago is not None:
        tenders.publish(city_person, tender, tender.revision, now=publication)
    return tender


BINS = {
    "description": "A city-wide service that tells the collection crews which street bins are full, so that rounds "
                   "empty full bins instead of fixed routes. It builds on the 2026 inner-city pilot: 800 sensors, "
                   "30 % fewer trips, half the overflow reports.",
    "procedure": "restricted", "terms": {"candidates": 5}, "estimated_value": 18_000_000,
    "technical_specification": "## Sensors\n\n- Fill level every 15 minutes, on the municipal LoRaWAN network.\n"
                               "- Eight years of battery life in street bins.\n\n## Routing\n\n"
                               "- Daily routes for 14 crews, respecting the inner city's vehicle restrictions.\n"
                               "- An open API for the city's data platform.",
    "criteria": [{"kind": "price", "name": "Price", "description": "", "weight": 30},
                 {"kind": "cost", "name": "Cost of ownership over eight years", "description": "Batteries, "
                  "replacements and network fees included.", "weight": 20},
                 {"kind": "quality", "name": "Routing quality", "description": "Trips saved in the pilot data set.",
                  "weight": 50}],
}
BUOYS = {
    "description": "Sensor buoys at the four harbour baths that measure E. coli indicators, temperature and "
                   "turbidity, and a public web page that tells swimmers whether the water is safe.",
    "estimated_value": 2_400_000,
    "technical_specification": "Measurements every 30 minutes from May to September; a warning on the public page "
                               "within 15 minutes of a limit being passed; data open under CC BY 4.0.",
    "eligibility_criteria": "Any company established in the EU/EEA or in a country with an agreement on government "
                            "procurement with the EU.",
    "contract_terms": "Delivery by 1 May; operation for three bathing seasons, with an option of two more.",
    "criteria": [{"kind": "price", "name": "Price", "description": "", "weight": 40},
                 {"kind": "quality", "name": "Measurement quality and warning time", "description": "", "weight": 60}],
}
CARGO_BIKES = {
    "description": "Electric cargo bikes for the home-care service's short trips in the inner districts, and the "
                   "service that keeps them on the road.",
    "estimated_value": 6_500_000,
    "technical_specification": "Bikes carry 100 kg of equipment, lock electronically, and report their position "
                               "to the fleet system. Service within 24 hours, at the three care centres.",
    "selection_criteria": "Two fleets of at least 30 cargo bikes delivered in the last three years.",
    "contract_terms": "Four years; the city may buy 20 more bikes at the same price.",
    "lots": [{"title": "Sixty electric cargo bikes", "description": "Delivered in two batches.",
              "estimated_value": 4_000_000},
             {"title": "Service and parking hubs", "description": "Maintenance, spare bikes and three secure "
              "parking hubs for four years.", "estimated_value": 2_500_000}],
    "criteria": [{"kind": "price", "name": "Price", "description": "", "weight": 35},
                 {"kind": "cost", "name": "Life-cycle cost", "description": "Energy, repairs and batteries over "
                  "four years.", "weight": 25},
                 {"kind": "quality", "name": "Fit for the care workers' trips", "description": "Tested by care "
                  "workers on a set route.", "weight": 40}],
}


def seed_tenders(today):
    """Add the demo tenders that are not there yet; {"flood", "draft", "sealed", "to_award"}: each tender."""
    seeded = {
        "flood": _flood(today),
        "draft": _copenhagen("City-wide sensor collection of street bins", today, None, BINS,
                             {"clarification_deadline": (40, 12), "submission_deadline": (55, 12),
                              "opening_at": (55, 14)}),
        "sealed": _copenhagen("Water-quality buoys for the harbour baths", today, 40, BUOYS,
                              {"clarification_deadline": (-10, 16), "submission_deadline": (-1, 12),
                               "opening_at": (1, 10)}),
        "to_award": _copenhagen("Electric cargo bikes for home care", today, 60, CARGO_BIKES,
                                {"clarification_deadline": (-30, 16), "submission_deadline": (-16, 12),
                                 "opening_at": (-15, 10)}),
    }
    db.session.flush()
    return seeded
