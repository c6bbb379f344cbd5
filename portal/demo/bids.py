"""Demo bids: a Korean company's sealed bid on a tender still taking bids, two sealed bids on a closed tender
waiting for its opening, and an opened, evaluated and awarded tender of two lots.

The tenders come from the demo's tender seeding as {"flood", "draft", "sealed", "to_award"}; every bid goes
through the same services the pages use (sealed with the configured key, receipts, notices), with the
server's clock set back to when it would have arrived. Each bid is known by its tender, lot and company, each
evaluator by the tender and person; seeding again adds nothing twice.
"""
import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ..accounts.models import User
from ..accounts.services import create_user
from ..bids import services as bids
from ..bids.models import Bid, Score
from ..extensions import db
from ..model_types import utcnow
from ..tenders.models import Tender

# The companies that bid, by the email of the person who submits (people the demo's other seeding created).
HANEUL, BINRUTE, DAMSOL, HAEMIL = ("company@haneul.example", "company@binrute.example", "company@damsol.example",
                                   "company@haemil.example")
# A second person of each demo city, so that two evaluators score the awarded tender.
EVALUATORS = {"seoul-smart-city-bureau": ("procurement@seoul.example", "오지훈 (Oh Jihoon)", "ko"),
              "copenhagen-smart-operations": ("procurement@copenhagen.example", "Anders Vestergaard", "en")}

OFFERS = {
    HANEUL: {
        "price": 0.92, "partners": ["포도시빅랩스 (Podo Civic Labs)"],
        "ko": "반지하 주택 400가구의 출입구와 배수구에 수위 센서를 설치하고, 물이 3cm 차오르면 주민 휴대전화와 "
              "동 주민센터로 30초 안에 경보를 보냅니다. 서울시 재난안전 상황실과 S-DoT 연동을 포함합니다.",
        "en": "Water-level sensors at the doors and drains of 400 semi-basement homes; at 3 cm of water residents "
              "and the district office are alerted within 30 seconds. Integration with the city's disaster "
              "situation room and S-DoT is included.",
    },
    BINRUTE: {
        "price": 0.97, "partners": [],
        "ko": "덴마크 자치단체에서 운영 중인 경보 플랫폼을 현지화하여 제공합니다. "
              "유지보수는 현지 협력사와 함께 합니다.",
        "en": "Our alerting platform, in service with three Danish municipalities, localised and run with a local "
              "maintenance partner; open interfaces to the city's existing systems.",
    },
    DAMSOL: {
        "price": 0.88, "partners": ["포도시빅랩스 (Podo Civic Labs)"],
        "ko": "담솔센싱의 침수 센서와 다국어 대피 안내를 결합하여, 시범 구역부터 자치구 전체로 단계적으로 확대합니다.",
        "en": "Damsol's flood sensors with multilingual evacuation guidance, rolled out from a pilot area to the "
              "whole district in three phases, with five years of maintenance.",
    },
    HAEMIL: {
        "price": 0.95, "partners": ["Varmeflod Energi ApS"],
        "ko": "센서 전원과 통신을 위한 소형 태양광·배터리 모듈을 공급하고 5년간 원격 관제합니다.",
        "en": "Solar and battery modules that power the sensors and their radio links, monitored remotely for "
              "five years.",
    },
}
# (quality, price-like) scores of each company by the first and the second evaluator, with why.
SCORES = {
    DAMSOL: ((85, 80), (80, 85)),
    HANEUL: ((80, 75), (70, 75)),
    BINRUTE: ((65, 70), (70, 60)),
    HAEMIL: ((75, 80), (80, 80)),
}
# What each company says on a price or cost criterion.
PRICE_NOTES = {"ko": "설치, 시운전, 교육과 5년 유지보수를 포함한 고정 가격입니다. 부가가치세는 별도입니다.",
               "en": "A fixed price covering installation, commissioning, training and five years of maintenance; "
                     "VAT excluded."}
METHOD = {"ko": "# 수행 계획\n\n1. 현장 조사\n2. 설치와 시험\n3. 운영과 유지보수\n",
          "en": "# Method statement\n\n1. Site survey\n2. Installation and testing\n3. Operation and maintenance\n"}
COMMENTS = {"ko": ("제안 내용이 구체적입니다.", "가격이 예산에 비해 적정합니다."),
            "en": ("A concrete, well-planned approach.", "A fair price for what is offered.")}
JUSTIFICATION = {"ko": "가중 합계가 가장 높은 입찰입니다. 평가위원 두 명의 점수가 모든 기준에서 일치합니다.",
                 "en": "The highest weighted total of the lot; both evaluators agree on every criterion."}


def _person(email):
    person = db.session.scalar(select(User).where(User.email == email))
    if person is None:
        raise RuntimeError(f"demo data: no person {email} to bid; seed the demo's people first")
    return person


def _received(tender, days_before):
    """When a demo bid arrived: `days_before` the deadline, in the past, after the publication."""
    moment = tender.submission_deadline - timedelta(days=days_before)
    moment = min(moment, utcnow() - timedelta(hours=2))
    if tender.published_at is not None:
        moment = max(moment, tender.published_at + timedelta(hours=1))
    return moment


def _bid(tender, lot, email, days_before):
    """The company's bid on the lot, submitted as it would have been unless it is there already."""
    person = _person(email)
    existing = db.session.scalar(select(Bid).where(Bid.lot_id == lot.id, Bid.organisation_id == person.organisation_id))
    if existing is not None:
        return existing
    offer, language = OFFERS[email], tender.language
    budget = lot.estimated_value or tender.estimated_value or 1_000_000
    data = {"price": int(budget * offer["price"]), "partners": offer["partners"],
            "responses": {criterion.id: PRICE_NOTES[language] if criterion.kind in ("price", "cost")
                          else offer[language] for criterion in tender.criteria}}
    name = "수행계획서.md" if language == "ko" else "method-statement.md"
    upload = FileStorage(stream=io.BytesIO(METHOD[language].encode()), filename=name)
    return bids.submit(person, tender, lot.id, data, [upload], now=_received(tender, days_before))


def _after(moment, **delta):
    """`delta` after `moment`, but never later than now."""
    return min(utcnow(), moment + timedelta(**delta))


def _decided(tender):
    """When the demo award was made: a few days ago, so its standstill period still runs, after the scores."""
    return min(utcnow(), max(tender.opened_at + timedelta(days=2), utcnow() - timedelta(days=3)))


def _evaluators(tender):
    """The city's demo person and a procurement colleague, named and declared."""
    city_person = next((member for member in tender.organisation.members if member.active), None)
    if city_person is None:
        raise RuntimeError(f"demo data: {tender.organisation.key} has nobody to evaluate")
    email, name, locale = EVALUATORS.get(tender.organisation.key, (
        f"procurement@{tender.organisation.key}.example", "Procurement Officer", "en"))
    colleague = db.session.scalar(select(User).where(User.email == email))
    if colleague is None:
        from .services import PASSWORD
        colleague = create_user(email, name, PASSWORD, organisation=tender.organisation, locale=locale)
    people = [city_person, colleague]
    for person in people:
        if bids.evaluator_of(person, tender) is None:
            bids.name_evaluator(city_person, tender, person.id)
        if bids.evaluator_of(person, tender).declared_at is None:
            bids.declare(person, tender, True, now=_after(tender.opened_at, hours=1))
    return people


def seed_bids(tenders, today):
    """Add the demo bids, the opening, the evaluation and the award to the demo tenders, where not done yet.

    `tenders` maps "flood", "draft", "sealed" and "to_award" to Tender rows; `today` is the demo's day.
    """
    del today  # the tenders' own instants, set from it, place every bid
    flood, sealed, to_award = tenders["flood"], tenders["sealed"], tenders["to_award"]
    _bid(flood, flood.lots[0], HANEUL, 3)
    for email, days in ((BINRUTE, 4), (HAEMIL, 2)):
        _bid(sealed, sealed.lots[0], email, days)
    lots = to_award.lots
    offers = {lots[0].id: (DAMSOL, HANEUL, BINRUTE), lots[-1].id: (HAEMIL, BINRUTE)}
    placed = [(email, _bid(to_award, lot, email, 5 - position))
              for lot in lots for position, email in enumerate(offers[lot.id])]
    if to_award.status == Tender.PUBLISHED:
        city_person = next(member for member in to_award.organisation.members if member.active)
        bids.open_tender(city_person, to_award, now=_after(to_award.opening_at, hours=1))
    first, second = _evaluators(to_award)
    if to_award.status != Tender.OPENED:
        return
    comments = COMMENTS[to_award.language]
    for email, bid in placed:
        for person, given in zip((first, second), SCORES[email], strict=True):
            if db.session.scalar(select(Score.id).where(Score.bid_id == bid.id, Score.evaluator_id == person.id)):
                continue
            entries = {criterion.id: (given[min(position, 1)], comments[min(position, 1)])
                       for position, criterion in enumerate(to_award.criteria)}
            bids.score(person, bid, entries, now=_after(to_award.opened_at, days=1))
    for lot in bids.evaluation(to_award):
        if lot.award is None and lot.ranked:
            best = lot.ranked[0].bid
            bids.award(first, to_award, lot.lot.id, best.id, bids.content(first, best)["price"],
                       JUSTIFICATION[to_award.language], now=_decided(to_award))
    db.session.flush()

