"""Search and matching speed and memory at scale, for each backend beside a SQLite FTS5 baseline.

Generates N smart-city solutions (English and Korean, about a third Korean,
deterministic from --seed) and, for each backend and size, measures: index
build time (rebuild with every document) and size on disk; search p50/p95 for
short 1-3 word queries, without and with facet filters (a sector and a kind);
matching p50/p95 for challenge-length texts, done as TextAndFit.solutions_for
does it (key words of the challenge, then candidates("solution", words, 60));
add-one-and-commit latency; and peak memory. The baseline is SQLite FTS5
(unicode61) over the same text, in the same run; its match column answers each
challenge's whole text as one OR query (bm25, LIMIT 10), as bench/quality.py does.

Each backend, and the baseline, runs in its own process, so a peak RSS
belongs to one of them (and includes the generated documents). A backend that
cannot start is reported as "skipped: <reason>". The postgres backend works in
a schema of its own (dropped afterwards) in DATABASE_URL, by default
postgresql://postgres@127.0.0.1:5432/test; its size is pg_total_relation_size
of its table and its peak RSS is the client's only.

    .venv/bin/python bench/speed.py                                    # 10k solutions, whoosh
    .venv/bin/python bench/speed.py --sizes 10000,100000 --backends whoosh,postgres --queries 200
"""
import argparse
import json
import math
import os
import platform
import re
import resource
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from random import Random
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
GLOSSARY = ROOT / "portal" / "search" / "glossary.tsv"
ADDS = 50
WARM_UPS = 5
ZIPF_OFFSET = 2  # phrase weights 1 / (rank + 2): a few common terms, a long tail of rare ones
# Targets, against SQLite FTS5 in the same run (the machine's load moves both alike): search p95 at most
# SEARCH_RATIO times FTS5's and under a ceiling per size; match p95 at most MATCH_RATIO times FTS5's
# whole-text OR. A search page shows the total, the facet counts and snippets, which the backends compute
# and FTS5's top twenty alone do not: the search target is judged against FTS5 doing that work too (its
# total, snippets and sector counts), and the ratio to its top twenty alone is printed beside it.
SEARCH_RATIO, MATCH_RATIO = 2.0, 0.5
SEARCH_CEILING_MS = {10000: 50, 100000: 100}

# ---------------------------------------------------------------------------------------------------
# Vocabulary: per sector, English and Korean phrases; glossary.tsv adds its terms at run time.

SECTORS = {
    "mobility": (
        ["traffic signal", "bus route", "parking sensor", "ride sharing", "electric bus", "traffic congestion",
         "road safety", "commuter flow", "transit schedule", "curb space", "last-mile delivery", "mobility hub",
         "travel time", "intersection", "shuttle service"],
        ["교통 신호", "버스 노선", "주차 센서", "차량 공유", "전기버스", "교통 혼잡", "도로 안전", "출퇴근 수요",
         "배차 간격", "환승 센터", "라스트마일 배송", "모빌리티 허브", "통행 시간", "교차로", "셔틀 서비스"]),
    "safety": (
        ["cctv camera", "emergency response", "fire detection", "crime prevention", "disaster alert",
         "flood warning", "evacuation route", "street lighting", "night patrol", "incident report",
         "earthquake sensor", "gas leak", "fall detection", "public safety", "situation room"],
        ["방범 카메라", "긴급 대응", "화재 감지", "범죄 예방", "재난 경보", "홍수 경보", "대피 경로", "가로등",
         "야간 순찰", "사고 신고", "지진 감지", "가스 누출", "낙상 감지", "공공 안전", "통합관제센터"]),
    "energy": (
        ["solar panel", "energy storage", "smart grid", "peak demand", "heat pump", "district heating",
         "power consumption", "renewable energy", "battery", "microgrid", "demand response", "energy efficiency",
         "carbon emissions", "smart meter", "virtual power plant"],
        ["태양광 패널", "에너지 저장장치", "스마트 그리드", "최대 수요", "히트펌프", "지역난방", "전력 소비",
         "신재생 에너지", "배터리", "마이크로그리드", "수요 반응", "에너지 효율", "탄소 배출", "스마트 계량기",
         "가상발전소"]),
    "environment": (
        ["air quality", "fine dust", "noise monitoring", "urban heat island", "green roof", "tree canopy",
         "pollution source", "emission map", "biodiversity", "climate adaptation", "odor sensor",
         "weather station", "ozone", "particulate matter", "urban forest"],
        ["대기질", "미세먼지", "소음 측정", "도시 열섬", "옥상 녹화", "가로수", "오염원", "배출 지도", "생물다양성",
         "기후 적응", "악취 센서", "기상 관측소", "오존", "초미세먼지", "도시숲"]),
    "water-waste": (
        ["water leak", "pipe network", "sewer overflow", "waste collection", "recycling rate", "smart bin",
         "water quality", "stormwater", "wastewater treatment", "food waste", "fill level", "water meter",
         "drainage", "landfill", "pressure sensor"],
        ["누수", "상수도 관망", "하수 월류", "폐기물 수거", "재활용률", "스마트 쓰레기통", "수질", "빗물",
         "하수 처리", "음식물 쓰레기", "적재량", "수도 계량기", "배수", "매립지", "수압 센서"]),
    "health": (
        ["elderly care", "remote monitoring", "health check", "chronic disease", "heart rate", "telemedicine",
         "care worker", "loneliness", "medication reminder", "wearable device", "mental health", "emergency call",
         "hospital visit", "dementia", "rehabilitation"],
        ["노인 돌봄", "원격 모니터링", "건강 검진", "만성질환", "심박수", "원격 진료", "요양보호사", "고독사",
         "복약 알림", "웨어러블 기기", "정신 건강", "응급 호출", "병원 방문", "치매", "재활"]),
    "buildings": (
        ["building energy", "hvac", "occupancy sensor", "digital twin", "facility management", "elevator",
         "indoor air", "structural health", "smart home", "public housing", "retrofit", "lighting control",
         "construction site", "building permit", "bim model"],
        ["건물 에너지", "냉난방 설비", "재실 센서", "디지털 트윈", "시설 관리", "승강기", "실내 공기질",
         "구조물 안전", "스마트홈", "공공임대주택", "그린 리모델링", "조명 제어", "건설 현장", "건축 인허가",
         "BIM 모델"]),
    "governance": (
        ["open data", "public procurement", "citizen participation", "city budget", "policy making",
         "civil complaint", "transparency", "administrative process", "performance indicator", "regulation",
         "public official", "e-government", "decision support", "city council", "regulatory sandbox"],
        ["공공데이터", "공공 조달", "시민 참여", "예산", "정책 결정", "민원", "투명성", "행정 절차", "성과 지표",
         "규제", "공무원", "전자정부", "의사결정 지원", "시의회", "규제 샌드박스"]),
    "connectivity": (
        ["public wifi", "5g network", "lorawan", "iot gateway", "fiber optic", "network coverage",
         "edge computing", "sensor network", "bandwidth", "latency", "base station", "satellite link",
         "mesh network", "digital divide", "nb-iot"],
        ["공공 와이파이", "5G 네트워크", "로라망", "IoT 게이트웨이", "광케이블", "통신 커버리지", "엣지 컴퓨팅",
         "센서 네트워크", "대역폭", "지연 시간", "기지국", "위성 통신", "메시 네트워크", "정보 격차",
         "협대역 사물인터넷"]),
    "robotics": (
        ["delivery robot", "drone", "service robot", "inspection robot", "cleaning robot",
         "autonomous navigation", "robot arm", "patrol robot", "lidar", "parcel delivery", "guide robot",
         "remote operation", "drone station", "serving robot", "underground inspection"],
        ["배송 로봇", "드론", "서비스 로봇", "점검 로봇", "청소 로봇", "자율 주행", "로봇 팔", "순찰 로봇",
         "라이다", "택배 배송", "안내 로봇", "원격 조종", "드론 스테이션", "서빙 로봇", "지하 점검"]),
    "ai-data": (
        ["machine learning", "computer vision", "data platform", "prediction model", "anomaly detection",
         "big data", "dashboard", "data analytics", "natural language processing", "chatbot", "forecasting",
         "training data", "image recognition", "data governance", "generative ai"],
        ["머신러닝", "컴퓨터 비전", "데이터 플랫폼", "예측 모델", "이상 탐지", "빅데이터", "대시보드",
         "데이터 분석", "자연어 처리", "챗봇", "수요 예측", "학습 데이터", "영상 인식", "데이터 거버넌스",
         "생성형 인공지능"]),
    "citizen-services": (
        ["mobile app", "online booking", "digital id", "local currency", "multilingual service", "kiosk",
         "public library", "welfare benefit", "childcare", "tourist information", "accessibility",
         "foreign residents", "mobile payment", "notification", "one-stop service"],
        ["모바일 앱", "온라인 예약", "디지털 신분증", "지역화폐", "다국어 서비스", "키오스크", "공공도서관",
         "복지 급여", "보육", "관광 안내", "접근성", "외국인 주민", "간편 결제", "알림 서비스", "원스톱 서비스"]),
}

EN = {
    "product": ["platform", "system", "sensor kit", "service", "solution", "app", "dashboard", "network",
                "controller", "analytics suite", "gateway", "toolkit"],
    "mod": ["smart", "AI-powered", "real-time", "low-cost", "cloud-based", "autonomous", "predictive",
            "integrated", "open-source", "modular", "energy-efficient", "privacy-preserving"],
    "verb": ["reduce", "monitor", "predict", "detect", "optimise", "manage", "automate", "improve", "map",
             "analyse", "coordinate", "visualise"],
    "who": ["city operators", "residents", "public officials", "transit agencies", "care workers",
            "building managers", "utilities", "police officers", "citizens", "small businesses"],
    "place": ["dense neighbourhoods", "old town centres", "industrial parks", "apartment complexes",
              "rural villages", "school zones", "harbour areas", "university campuses", "new towns",
              "traditional markets"],
    "city": ["Seoul", "Busan", "Sejong", "Daegu", "Incheon", "Gwangju", "Copenhagen", "Aarhus", "Stockholm",
             "Oslo", "Helsinki", "Reykjavik", "Espoo", "Gothenburg"],
}
KO = {
    "product": ["플랫폼", "시스템", "센서", "서비스", "솔루션", "앱", "대시보드", "네트워크", "관제 시스템",
                "분석 도구"],
    "mod": ["AI 기반", "실시간", "저비용", "클라우드 기반", "지능형", "예측형", "통합", "오픈소스", "모듈형",
            "저전력"],
    "verb": ["절감", "모니터링", "예측", "탐지", "최적화", "관리", "자동화", "개선", "분석", "지원", "제공", "운영"],
    "who": ["도시 운영자", "주민", "공무원", "운수 회사", "돌봄 인력", "건물 관리자", "공기업", "경찰", "시민",
            "소상공인"],
    "place": ["구도심", "산업단지", "아파트 단지", "농촌 마을", "어린이 보호구역", "항만", "대학 캠퍼스", "신도시",
              "전통시장", "주거 밀집 지역"],
    "city": ["서울", "부산", "세종", "대구", "인천", "광주", "수원", "고양", "창원", "코펜하겐", "스톡홀름", "헬싱키"],
}
COUNTRIES = ["KR"] * 6 + ["DK", "SE", "NO", "FI", "IS"] * 2 + ["DE", "NL", "US", "JP", "SG", "GB", "FR", "ES"]

# Korean particles: (after a final consonant, after a vowel).
PARTICLES = {"을": ("을", "를"), "이": ("이", "가"), "은": ("은", "는"), "과": ("과", "와"), "으로": ("으로", "로")}


def particle(word, name):
    """The word with its particle, chosen by whether the last syllable ends in a consonant."""
    last = word[-1]
    if "\uac00" <= last <= "\ud7a3":
        final = (ord(last) - 0xAC00) % 28
        if name == "으로" and final == 8:  # ㄹ takes 로
            return word + "로"
        closed = final != 0
    else:  # Latin letters and digits, as read aloud
        closed = last.lower() in "lmnr0136789"
    return word + PARTICLES[name][0 if closed else 1]


def vocabulary():
    """{sector: {"en": [phrases], "ko": [phrases]}}: the lists above, then the other terms of glossary.tsv,
    with cumulative Zipf weights under "en~" and "ko~" (the first phrases are the most common ones)."""
    vocab = {sector: {"en": list(english), "ko": list(korean)} for sector, (english, korean) in SECTORS.items()}
    with open(GLOSSARY, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(parts) != 3 or parts[0] not in vocab:
                continue
            for language, terms in (("en", parts[1]), ("ko", parts[2])):
                known = vocab[parts[0]][language]
                known += [term for term in terms.split("|") if term and term not in known]
    for phrases in vocab.values():
        for language in ("en", "ko"):
            phrases[language + "~"] = list(accumulate(1 / (rank + ZIPF_OFFSET)
                                                      for rank in range(len(phrases[language]))))
    return vocab


def pick_term(rng, phrases, language):
    """A phrase of one sector's vocabulary, common ones more often (word use is Zipfian)."""
    return rng.choices(phrases[language], cum_weights=phrases[language + "~"])[0]


class Writer:
    """Deterministic English and Korean smart-city text."""

    def __init__(self, rng, vocab):
        self.rng, self.vocab = rng, vocab

    def term(self, sectors, language):
        sector = self.rng.choice(sectors) if self.rng.random() < 0.85 else self.rng.choice(list(self.vocab))
        return pick_term(self.rng, self.vocab[sector], language)

    def slots(self, sectors, language):
        words = EN if language == "en" else KO
        pick = self.rng.choice
        return dict(A=self.term(sectors, language), B=self.term(sectors, language), product=pick(words["product"]),
                    mod=pick(words["mod"]), verb=pick(words["verb"]), who=pick(words["who"]),
                    place=pick(words["place"]), city=pick(words["city"]), pct=self.rng.randint(5, 60),
                    n=self.rng.randint(3, 24))

    def sentence(self, sectors, language, challenge=False):
        s = SimpleNamespace(**self.slots(sectors, language))
        p = particle
        if language == "en":
            options = [
                f"The {s.product} uses {s.A} to {s.verb} {s.B} in {s.place}.",
                f"It helps {s.who} {s.verb} {s.B} in real time with {s.A}.",
                f"Pilots in {s.city} cut {s.B} costs by {s.pct}% within {s.n} months.",
                f"Our {s.mod} {s.product} combines {s.A} and {s.B} for {s.place}.",
                f"Data from {s.A} is shared with {s.who} through an open API.",
                f"Existing {s.A} tools are expensive, and {s.B} is hard to {s.verb}.",
                f"{s.who.capitalize()} can {s.verb} {s.A} and {s.B} without extra hardware.",
                f"The {s.mod} approach lets {s.who} {s.verb} {s.B} and lower operating costs.",
            ]
            if challenge:
                options += [
                    f"Residents report that {s.B} in {s.place} has become worse every year.",
                    f"We need a way to {s.verb} {s.A} without hiring new staff.",
                    f"Success means {s.B} falls by {s.pct}% within {s.n} months.",
                    f"The city of {s.city} already collects {s.A} data but cannot act on it.",
                ]
        else:
            options = [
                f"{p(s.A, '을')} 활용하여 {s.place}에서 {p(s.B, '을')} {s.verb}합니다.",
                f"{p(s.who, '이')} {p(s.A, '으로')} {p(s.B, '을')} 실시간으로 {s.verb}할 수 있습니다.",
                f"{s.city}에서 {s.A} 실증을 마쳤으며 {s.B} 비용을 {s.pct}% 줄였습니다.",
                f"{p(s.A, '과')} {p(s.B, '을')} 연계한 {s.mod} {s.product}입니다.",
                f"{s.place}의 {s.A} 데이터를 수집하고 {s.B}에 대한 {s.verb} 결과를 {s.who}에게 제공합니다.",
                f"기존 {s.A} 방식은 비용이 많이 들고 {s.B} 관리가 어려웠습니다.",
                f"{p(s.who, '은')} 별도 장비 없이 {s.A} 현황을 확인하고 {s.B}까지 {s.verb}합니다.",
                f"{s.mod} {s.A} 기술로 {s.place}의 {p(s.B, '을')} 개선하고 운영 비용을 {s.pct}% 절감합니다.",
            ]
            if challenge:
                options += [
                    f"{s.place}에서 {s.B} 문제가 해마다 늘고 있습니다.",
                    f"{p(s.who, '은')} 추가 인력 없이 {p(s.A, '을')} {s.verb}할 방법이 필요합니다.",
                    f"{s.n}개월 안에 {p(s.B, '을')} {s.pct}% 줄이는 것이 목표입니다.",
                    f"{s.city}시는 이미 {s.A} 데이터를 모으고 있지만 활용하지 못하고 있습니다.",
                ]
        return self.rng.choice(options)

    def passage(self, sectors, language, low, high, challenge=False):
        """Sentences up to a random word count in [low, high]."""
        target = self.rng.randint(low, high)
        words = []
        while len(words) < target:
            words += self.sentence(sectors, language, challenge).split()
        text = " ".join(words[:target])
        return text if text.endswith(".") else text.rstrip(",") + "."

    def title(self, sectors, language):
        s = SimpleNamespace(**self.slots(sectors, language))
        title = f"{s.mod} {s.A} {s.product}"
        return title[0].upper() + title[1:]


def sectors_of(rng):
    return rng.sample(list(SECTORS), rng.choice((1, 1, 2, 2, 3)))


def generate_solutions(count, seed, first_id=1):
    """`count` solution Documents, about a third of them Korean."""
    from portal.search.documents import Document

    rng = Random(seed)
    writer = Writer(rng, vocabulary())
    start = datetime(2023, 1, 1, tzinfo=UTC)  # UTC, as records carry it
    documents = []
    for number in range(first_id, first_id + count):
        sectors = sectors_of(rng)
        language = "ko" if rng.random() < 1 / 3 else "en"
        other = "en" if language == "ko" else "ko"
        title = writer.title(sectors, language)
        summary = " ".join(writer.sentence(sectors, language) for _ in range(rng.randint(1, 2)))
        translated = rng.random() < 0.25  # a title and summary in the other language too
        title_other = writer.title(sectors, other) if translated else ""
        summary_other = writer.sentence(sectors, other) if translated else ""
        description = writer.passage(sectors, language, 60, 150)
        tags = [writer.term(sectors, language) for _ in range(rng.randint(0, 4))]
        documents.append(Document(
            kind="solution", id=number, key=f"sol-{number:07d}",
            title="\n".join(part for part in (title, title_other) if part),
            body="\n".join(part for part in (summary, summary_other, description, " ".join(tags)) if part),
            public=rng.random() < 0.9, organisation_id=rng.randint(1, max(1, count // 8)),
            date=start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)), language=language,
            sectors=sectors, countries=sorted(set(rng.sample(COUNTRIES, rng.randint(1, 3)))),
            trl=rng.randint(1, 9)))
    return documents


def generate_challenges(count, seed):
    """Challenge-like objects: title, two-sentence summary, problem and outcomes of 80-150 words together."""
    rng = Random(seed)
    writer = Writer(rng, vocabulary())
    challenges = []
    for _ in range(count):
        sectors = sectors_of(rng)
        language = "ko" if rng.random() < 1 / 3 else "en"
        total = rng.randint(80, 150)
        problem_words = int(total * 0.6)
        challenges.append(SimpleNamespace(
            title=writer.title(sectors, language), title_ko="", summary_ko="", tags=[], language=language,
            summary=" ".join(writer.sentence(sectors, language, challenge=True) for _ in range(2)),
            problem=writer.passage(sectors, language, problem_words, problem_words, challenge=True),
            outcomes=writer.passage(sectors, language, total - problem_words, total - problem_words,
                                    challenge=True)))
    return challenges


def challenge_text(challenge):
    return " ".join(getattr(challenge, name) for name in ("title", "title_ko", "summary", "summary_ko",
                                                          "problem", "outcomes"))


def generate_queries(count, seed):
    """Short searches of 1-3 words from one sector, mixed English and Korean (some with particles)."""
    rng = Random(seed)
    vocab = vocabulary()
    queries = []
    for _ in range(count):
        sector = rng.choice(list(SECTORS))
        language = "ko" if rng.random() < 1 / 3 else "en"
        words = []
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
            pool = [word for word in pick_term(rng, vocab[sector], language).split()
                    if len(word) >= (2 if language == "ko" else 3) and word not in words]
            if pool:
                words.append(rng.choice(pool))
        if language == "ko":
            words = [particle(word, rng.choice(list(PARTICLES))) if rng.random() < 0.4 else word for word in words]
        queries.append({"text": " ".join(words), "sector": sector, "language": language})
    return queries


# ---------------------------------------------------------------------------------------------------
# Measuring, in a worker process per backend and size.

class Progress:
    def __init__(self, label):
        self.label, self.start, self.last = label, time.perf_counter(), 0.0

    def __call__(self, message, done=None, total=None):
        now = time.perf_counter()
        if done is not None and done not in (total, 1) and now - self.last < 10:
            return  # loops report at most every 10 s, plus their first and last step
        self.last = now
        step = f" {done}/{total}" if done is not None else ""
        print(f"[{self.label} +{now - self.start:6.1f}s] {message}{step}", file=sys.stderr, flush=True)


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples):
    """(p50, p95) in milliseconds, nearest rank."""
    ordered = sorted(samples)
    if not ordered:
        return None
    pick = lambda p: ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000  # noqa: E731
    return round(pick(50), 2), round(pick(95), 2)


def timed(function, items, progress, label):
    """[(seconds, result)] for function(item) over items, with progress lines."""
    out = []
    for number, item in enumerate(items, 1):
        start = time.perf_counter()
        result = function(item)
        out.append((time.perf_counter() - start, result))
        progress(label, number, len(items))
    return out


def folder_mb(path):
    return sum(file.stat().st_size for file in Path(path).rglob("*") if file.is_file()) / 2**20


def start_backend(name, folder):
    """The backend in a fresh app context, with its index size (MB or None), an after-build hook, a cleanup
    and a note for the report."""
    from portal import create_app
    from portal.extensions import db
    from portal.search.backend import get_backend

    config = {"TESTING": True, "INSTANCE_PATH": folder, "SECRET_KEY": "bench", "SEARCH_BACKEND": name}
    if name != "postgres":
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(config)
        context = app.app_context()
        context.push()
        backend = get_backend(app)
        path = getattr(backend, "path", None) or f"{app.instance_path}/search-index"
        return SimpleNamespace(backend=backend, size=lambda: folder_mb(path), after_build=lambda: None,
                               cleanup=context.pop, note="")

    from sqlalchemy import create_engine, text

    from portal.config import database_url

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    url = database_url(folder)
    schema = f"bench_speed_{os.getpid()}"  # apart from the tables the tests drop and recreate
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    config.update(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={
        "pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}})
    context = None

    def cleanup():
        try:
            if context is not None:
                db.session.remove()
                db.engine.dispose()
                context.pop()
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()

    try:
        app = create_app(config)
        context = app.app_context()
        context.push()
        db.create_all()
        backend = get_backend(app)
        backend.refs()  # it can talk to its table
    except BaseException:
        cleanup()
        raise
    from portal.search import postgres_backend

    tables = [table.name for table in (postgres_backend.TABLE, postgres_backend.POSTINGS, postgres_backend.COUNTS)]

    def size():
        with db.engine.connect() as connection:
            return sum(connection.scalar(text("SELECT pg_total_relation_size(to_regclass(:name))"), {"name": name})
                       for name in tables) / 2**20

    def after_build():  # what autovacuum does shortly after a bulk load (it vacuums after inserts too)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for name in tables:
                connection.execute(text(f'VACUUM ANALYZE "{name}"'))

    with db.engine.connect() as connection:
        server = connection.scalar(text("SHOW server_version"))
    return SimpleNamespace(backend=backend, size=size, after_build=after_build, cleanup=cleanup,
                           note=f"PostgreSQL {server}, tables {', '.join(tables)}; VACUUM ANALYZE after build, untimed")


def measure_backend(name, size, args, folder, progress):
    from portal.matching.strategies import CHALLENGE_FIELDS, TextAndFit, key_words
    from portal.search.backend import SearchQuery

    progress("generating data")
    documents = generate_solutions(size, args.seed)
    extra = generate_solutions(ADDS, args.seed + 3, first_id=size + 1)
    queries = generate_queries(args.queries, args.seed + 1)
    challenges = generate_challenges(args.matches, args.seed + 2)
    warm_queries = generate_queries(WARM_UPS, args.seed + 11)
    warm_challenges = generate_challenges(2, args.seed + 12)
    progress("starting backend")
    try:
        started = start_backend(name, folder)
    except Exception as error:
        print(traceback.format_exc()[-2000:], file=sys.stderr)
        return {"skipped": " ".join(str(error).split())[:160] or type(error).__name__}
    backend, index_size = started.backend, started.size
    try:
        result = {"note": started.note}
        rss_before = maxrss_mb()
        progress(f"building the index of {size:,} documents")
        start = time.perf_counter()
        backend.rebuild(documents)
        result["build_s"] = round(time.perf_counter() - start, 2)
        result["rss_build_mb"] = round(maxrss_mb(), 1)
        result["rss_before_mb"] = round(rss_before, 1)
        started.after_build()
        result["size_mb"] = index_size()
        progress(f"built in {result['build_s']} s")

        frequency_time = []
        frequencies = backend.document_frequencies

        def timed_frequencies(kind, terms):  # instruments, does not change, what key_words calls
            start = time.perf_counter()
            try:
                return frequencies(kind, terms)
            finally:
                frequency_time.append(time.perf_counter() - start)

        backend.document_frequencies = timed_frequencies
        strategy = TextAndFit()

        def match(challenge):
            start = time.perf_counter()
            words = key_words(challenge, CHALLENGE_FIELDS, strategy.key_terms, "solution")
            middle = time.perf_counter()
            found = backend.candidates("solution", words, strategy.candidates) if words else []
            translations = sum(len(word.translations) for word in words)
            return middle - start, time.perf_counter() - middle, len(words), len(found), translations

        def plain(query):
            return backend.search(SearchQuery(text=query["text"]))

        def filtered(query):
            return backend.search(SearchQuery(text=query["text"], kinds=("solution",),
                                              filters={"sectors": query["sector"]}))

        for query in warm_queries:  # first-use costs (glossary, caches) are not what we measure
            plain(query)
        for challenge in warm_challenges:
            match(challenge)
        frequency_time.clear()

        searches = timed(plain, queries, progress, "search")
        result["search"] = percentiles([seconds for seconds, _ in searches])
        result["search_empty"] = sum(not found.total for _, found in searches) / len(searches)
        result["search_broadened"] = sum(bool(found.broadened) for _, found in searches) / len(searches)
        result["search_hits_mean"] = round(sum(found.total for _, found in searches) / len(searches))
        result["filtered"] = percentiles([seconds for seconds, _ in timed(filtered, queries, progress, "filtered")])
        matches = timed(match, challenges, progress, "match")
        result["match"] = percentiles([seconds for seconds, _ in matches])
        result["key_words"] = percentiles([found[0] for _, found in matches])
        result["frequencies"] = percentiles(frequency_time)
        result["candidates"] = percentiles([found[1] for _, found in matches])
        result["match_words_mean"] = round(sum(found[2] for _, found in matches) / len(matches), 1)
        result["match_found_mean"] = round(sum(found[3] for _, found in matches) / len(matches), 1)
        result["match_translations_mean"] = round(sum(found[4] for _, found in matches) / len(matches), 1)
        result["add"] = percentiles([seconds for seconds, _ in
                                     timed(lambda document: backend.add([document]), extra, progress, "add")])
        result["size_after_adds_mb"] = index_size()
        result["rss_peak_mb"] = round(maxrss_mb(), 1)
        return result
    finally:
        started.cleanup()


FTS_WORD = re.compile(r"\w+")  # bench/quality.py's baseline


def fts_query(text, operator):
    words = list(dict.fromkeys(word.lower() for word in FTS_WORD.findall(text)))
    return f" {operator} ".join('"' + word.replace('"', "") + '"' for word in words)


def measure_fts5(size, args, folder, progress):
    """SQLite FTS5 over title, summary and description (the Document's title and body)."""
    progress("generating data")
    documents = generate_solutions(size, args.seed)
    extra = generate_solutions(ADDS, args.seed + 3, first_id=size + 1)
    queries = generate_queries(args.queries, args.seed + 1)
    challenges = generate_challenges(args.matches, args.seed + 2)
    path = Path(folder) / "fts5.sqlite3"
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE VIRTUAL TABLE solutions USING fts5(key UNINDEXED, sectors UNINDEXED, "
                            "public UNINDEXED, body, tokenize='unicode61')")
        connection.commit()

        def row(document):
            return (document.key, "," + ",".join(document.sectors) + ",", int(document.public),
                    f"{document.title}\n{document.body}")

        rss_before = maxrss_mb()
        progress(f"building the index of {size:,} documents")
        start = time.perf_counter()
        connection.executemany("INSERT INTO solutions VALUES (?, ?, ?, ?)", map(row, documents))
        connection.commit()
        result = {"build_s": round(time.perf_counter() - start, 2), "rss_build_mb": round(maxrss_mb(), 1),
                  "rss_before_mb": round(rss_before, 1), "size_mb": path.stat().st_size / 2**20,
                  "note": "search: words AND-ed (OR when none has all), public only, bm25, LIMIT 20; "
                          "match: the whole challenge text OR-ed, bm25, LIMIT 10"}
        progress(f"built in {result['build_s']} s")

        def search(query, sector=None):
            where = "solutions MATCH ? AND public = 1" + (" AND sectors LIKE ?" if sector else "")
            extra_args = (f"%,{sector},%",) if sector else ()
            sql = f"SELECT key FROM solutions WHERE {where} ORDER BY bm25(solutions) LIMIT 20"
            rows = connection.execute(sql, (fts_query(query["text"], "AND"), *extra_args)).fetchall()
            if not rows and len(query["text"].split()) > 1:
                rows = connection.execute(sql, (fts_query(query["text"], "OR"), *extra_args)).fetchall()
            return rows

        def search_like_the_backends(query):
            """What a backend does for a page of results, as far as FTS5 can: the best 20 with snippets, and
            the total and the sector counts of every match (the backends count four more facets)."""
            rows, total, sectors = [], 0, Counter()
            for joiner in ("AND", "OR"):
                wanted = (fts_query(query["text"], joiner),)
                rows = connection.execute(
                    "SELECT key, snippet(solutions, 3, '<mark>', '</mark>', '…', 24) FROM solutions "
                    "WHERE solutions MATCH ? AND public = 1 ORDER BY bm25(solutions) LIMIT 20", wanted).fetchall()
                if rows or len(query["text"].split()) < 2:
                    break
            for (listed,) in connection.execute("SELECT sectors FROM solutions WHERE solutions MATCH ? AND public = 1",
                                                wanted):
                total += 1
                sectors.update(sector for sector in listed.strip(",").split(",") if sector)
            return rows, total, sectors

        def match(challenge):
            return connection.execute("SELECT key FROM solutions WHERE solutions MATCH ? ORDER BY bm25(solutions) "
                                      "LIMIT 10", (fts_query(challenge_text(challenge), "OR"),)).fetchall()

        def add(document):
            connection.execute("INSERT INTO solutions VALUES (?, ?, ?, ?)", row(document))
            connection.commit()

        for query in generate_queries(WARM_UPS, args.seed + 11):
            search(query)
        searches = timed(search, queries, progress, "search")
        result["search"] = percentiles([seconds for seconds, _ in searches])
        result["search_empty"] = sum(not rows for _, rows in searches) / len(searches)
        result["search_same_work"] = percentiles([seconds for seconds, _ in
                                                  timed(search_like_the_backends, queries, progress, "same work")])
        result["filtered"] = percentiles([seconds for seconds, _ in
                                          timed(lambda q: search(q, q["sector"]), queries, progress, "filtered")])
        result["match"] = percentiles([seconds for seconds, _ in timed(match, challenges, progress, "match")])
        result["add"] = percentiles([seconds for seconds, _ in timed(add, extra, progress, "add")])
        result["rss_peak_mb"] = round(maxrss_mb(), 1)
        return result
    finally:
        connection.close()


def worker(args):
    progress = Progress(f"{args.worker} {args.size:,}")
    folder = tempfile.mkdtemp(dir=args.workdir)
    try:
        if args.worker == "fts5":
            result = measure_fts5(args.size, args, folder, progress)
        else:
            result = measure_backend(args.worker, args.size, args, folder, progress)
    except Exception as error:
        print(traceback.format_exc()[-2000:], file=sys.stderr)
        result = {"error": f"{type(error).__name__}: {' '.join(str(error).split())[:160]}"}
    Path(args.result).write_text(json.dumps(result), encoding="utf-8")
    progress("done")


# ---------------------------------------------------------------------------------------------------
# The report.

def pair(value):
    return f"{value[0]:.1f} / {value[1]:.1f}" if value else "–"


def number(value, digits=1):
    return "n/a" if value is None else f"{value:.{digits}f}"


def table_row(label, result):
    if "skipped" in result or "error" in result:
        reason = f"skipped: {result['skipped']}" if "skipped" in result else f"failed: {result['error']}"
        return f"| {label} | {reason} | | | | | | |"
    return (f"| {label} | {result['build_s']:.1f} | {number(result['size_mb'])} | {pair(result['search'])} | "
            f"{pair(result['filtered'])} | {pair(result['match'])} | {pair(result['add'])} | "
            f"{result['rss_peak_mb']:.0f} |")


def verdict(ok):
    return "met" if ok else "MISSED"


def target_lines(size, results):
    """Each backend's figures against the targets for this size, as ratios to FTS5's in the same run."""
    baseline = results.get("fts5", {})
    if not baseline.get("match"):
        return ["Targets: no FTS5 baseline in this run to compare with."]
    ceiling = SEARCH_CEILING_MS.get(size)
    lines = [f"Targets: search p95 ≤ {SEARCH_RATIO:g}× FTS5's doing the same work (total, snippets, sector "
             "counts)" + (f" and ≤ {ceiling} ms" if ceiling else "")
             + f"; match p95 ≤ {MATCH_RATIO:g}× FTS5's whole-text OR"]
    for name, result in results.items():
        if name == "fts5" or not result.get("match"):
            continue
        search95, match95 = result["search"][1], result["match"][1]
        search_ratio, match_ratio = search95 / baseline["search_same_work"][1], match95 / baseline["match"][1]
        search_ok = search_ratio <= SEARCH_RATIO and (ceiling is None or search95 <= ceiling)
        lines.append(f"- {name}: search p95 {search95:.1f} ms, {search_ratio:.2f}× FTS5 doing the same work "
                     f"({search95 / baseline['search'][1]:.2f}× its top twenty alone) — {verdict(search_ok)}; "
                     f"match p95 {match95:.1f} ms, {match_ratio:.2f}× FTS5 — {verdict(match_ratio <= MATCH_RATIO)}")
    return lines


def note_lines(results, seconds):
    lines = []
    for name, result in results.items():
        if "build_s" not in result:
            lines.append(f"- {name}: {seconds[name]:.0f} s wall")
            continue
        parts = [f"{seconds[name]:.0f} s wall", f"RSS {result['rss_before_mb']:.0f} MB before build, "
                 f"{result['rss_build_mb']:.0f} MB after"]
        if "key_words" in result:
            parts.append(f"match = key_words {pair(result['key_words'])} ms (document_frequencies "
                         f"{pair(result['frequencies'])}) + candidates {pair(result['candidates'])} ms, "
                         f"{result['match_words_mean']} key words with {result['match_translations_mean']} glossary "
                         f"translations, {result['match_found_mean']} found")
            parts.append(f"searches: {result['search_hits_mean']} hits on average, "
                         f"{result['search_broadened']:.0%} broadened to OR, {result['search_empty']:.0%} empty")
            if result.get("size_after_adds_mb") is not None:
                parts.append(f"{result['size_after_adds_mb']:.1f} MB after {ADDS} adds")
        else:
            parts.append(f"searches: {result['search_empty']:.0%} empty")
            if result.get("search_same_work"):
                parts.append(f"search doing the backends' work (snippets, total, sector counts) "
                             f"{pair(result['search_same_work'])} ms")
        if result.get("note"):
            parts.append(result["note"])
        lines.append(f"- {name}: " + "; ".join(parts))
    return lines


def run_worker(name, size, args, workdir):
    result_path = Path(workdir) / f"{name}-{size}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--size", str(size),
               "--queries", str(args.queries), "--matches", str(args.matches), "--seed", str(args.seed),
               "--workdir", workdir, "--result", str(result_path)]
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, stdout=sys.stderr)
    seconds = time.perf_counter() - start
    if result_path.exists():
        return json.loads(result_path.read_text(encoding="utf-8")), seconds
    return {"error": f"worker exited with status {completed.returncode}"}, seconds


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated numbers of solutions (default 10000)")
    parser.add_argument("--backends", default="whoosh", help="comma-separated: whoosh,postgres (default whoosh)")
    parser.add_argument("--queries", type=int, default=200, help="short searches per measurement (default 200)")
    parser.add_argument("--matches", type=int, default=100, help="challenges to match (default 100)")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)

    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    import whoosh

    print(f"command: `{shlex.join(getattr(sys, 'orig_argv', [sys.executable, *sys.argv]))}`  ")
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, Whoosh {whoosh.versionstring()}, "
          f"{os.cpu_count()} CPUs; seed {args.seed}; {args.queries} searches, {args.matches} matches, "
          f"{ADDS} adds per measurement; each in its own process.")
    if "postgres" in backends:
        url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        print(f"postgres: {re.sub(r'//[^@/]*@', '//…@', url)} (a schema of its own, dropped afterwards)")
    print()
    begin = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cocity-speed-") as workdir:
        for size in sizes:
            results, seconds = {}, {}
            for name in [*backends, "fts5"]:
                results[name], seconds[name] = run_worker(name, size, args, workdir)
            print(f"### {size:,} solutions\n")
            print("| backend | build s | size MB | search p50/p95 ms | filtered search p50/p95 ms | "
                  "match p50/p95 ms | add+commit p50/p95 ms | peak RSS MB |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for name in backends:
                print(table_row(name, results[name]))
            print(table_row("SQLite FTS5 (match = whole-text OR)", results["fts5"]))
            print()
            for line in target_lines(size, results):
                print(line)
            print()
            print("Notes:")
            for line in note_lines(results, seconds):
                print(line)
            print(flush=True)
    print(f"Total {time.perf_counter() - begin:.0f} s.")


if __name__ == "__main__":
    main(sys.argv[1:])
