"""How fast the tender PDF renders, and how much memory it takes: the demo-sized tenders and a long one.

Builds its own instance folder in a temporary directory (SQLite: `db upgrade`, `seed-demo`, and one city's
tenders written as the portal stores them), then renders each case in a fresh subprocess: once cold
(the first rendering in the process: WeasyPrint's import, font loading, template compilation) and --warm
times more. It prints the pages, the cold time, the median and worst warm times, and the peak memory: the
subprocess's RSS high-water mark (getrusage ru_maxrss), which covers the whole process (Python, Flask,
SQLAlchemy and WeasyPrint), not only the rendering.

Cases: a tender of about ten pages in English and in Korean (lots, criteria, fit table, answered questions,
an amendment), a long one of 26 pages or more in each language, and every tender the demo publishes.
Targets: a tender of about ten pages (up to 13) ≤ 1 s warm and ≤ 200 MB; a longer one (26 pages) ≤ 3 s warm.

    .venv/bin/python bench/tender_pdf.py
    .venv/bin/python bench/tender_pdf.py --warm 10 --keep /tmp/tender-pdfs    # also writes the PDFs there
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

SETTINGS = {"PORTAL_SECRET_KEY": "bench-secret-key-not-for-production", "PORTAL_BASE_URL": "http://127.0.0.1",
            "PORTAL_SEARCH_BACKEND": "whoosh",
            # The demo seals its bids; 32 bytes in base64, for benchmarks only.
            "PORTAL_BID_KEY": "YmVuY2gtb25seSBiaWQga2V5LCBub3QgYSBzZWNyZXQ="}
# Warm median seconds and peak MB: for a tender of up to TEN_PAGES pages, and for a longer one.
TEN_PAGES = 13
TARGETS = {"ten": (1.0, 200), "long": (3.0, None)}
# (case, language, scale): scale multiplies the specification's sections and the questions.
CASES = [("ten-en", "en", 1), ("ten-ko", "ko", 1), ("long-ko", "ko", 5), ("long-en", "en", 4)]

TEXT = {
    "en": {
        "title": "Flood early-warning sensors for semi-basement homes",
        "description": (
            "The city buys a network of water-level sensors and an alert service that warns the residents of "
            "semi-basement homes before water enters them, and tells the district's response teams where to go "
            "first. The solution was shaped with companies in a co-creation workspace; this tender asks for its "
            "delivery, installation and five years of operation."),
        "section": "Requirement area {n}: sensing, alerting and operation",
        "paragraph": (
            "The supplier installs sensors at the entrances of the homes listed in the site register and at the "
            "storm drains that serve them. Each sensor reports the water level at least once a minute during "
            "heavy rain and once every fifteen minutes otherwise, over a network the supplier operates. Readings "
            "reach the city's data platform through its published interface, in the SensorThings format, within "
            "thirty seconds of being taken. An alert reaches every resident who subscribed, by text message and "
            "by the city's app, within sixty seconds of the level crossing the threshold set for that home."),
        "items": ["Sensors rated IP68, with batteries that last three years at one reading a minute.",
                  "An alert service available 99.9 % of each month, measured by the city's monitoring.",
                  "Residents choose the language of their alerts: Korean, English, Chinese or Vietnamese.",
                  "Every reading kept for five years, exportable by the city at any time without charge."],
        "eligibility": (
            "Bidders must be registered companies or consortia whose members are all registered, with no "
            "ground for exclusion under the applicable procurement law. A consortium names its lead member, "
            "which signs the contract and answers for the others."),
        "selection": (
            "- Annual turnover of at least twice the estimated value of the lots bid for, in each of the last "
            "three years.\n- At least two comparable sensor networks operated for a public authority in the last "
            "five years, each with references.\n- A quality management system certified to ISO 9001 or equivalent."),
        "contract": (
            "## Term\nThe contract runs for five years from acceptance of the installation, with an option to "
            "extend it twice by one year.\n\n## Payment\nThe installation is paid in three instalments on "
            "milestones; operation is paid quarterly in arrears, reduced by the service credits below.\n\n"
            "## Service levels\n| Measure | Target | Credit |\n| --- | --- | --- |\n| Alert service availability "
            "| 99.9 % a month | 5 % of the quarter's fee per 0.1 % below |\n| Sensor repair | 48 hours | 1 % per "
            "day late |\n\n## Data\nAll data collected belongs to the city. The supplier processes personal data "
            "only on the city's instructions and deletes it when the contract ends."),
        "lots": [("Sensors and installation", "Supply and installation of about 2,400 sensors."),
                 ("Alert service and operation", "The alert service, its operation and five years of support.")],
        "criteria": [("price", "Price", "Total price over five years, installation and operation."),
                     ("quality", "Technical merit", "How well the proposed sensors and service meet the "
                                                    "specification, and the test results from the pilot."),
                     ("quality", "Delivery plan", "Installation schedule, risks and how they are handled."),
                     ("cost", "Life-cycle cost", "Energy, maintenance and replacement over ten years.")],
        "question": "Can the sensors use the city's existing LoRaWAN network instead of our own? (question {n})",
        "answer": (
            "Yes. The city's LoRaWAN network covers every listed site; a supplier that uses it must say so in "
            "its bid and remains responsible for the service levels. The network's technical description is in "
            "section 2 of the specifications."),
        "fit": ("Connects to the city's data platform through its published SensorThings interface.",
                "Stores personal data of residents only in data centres located in the country."),
        "note": "The submission deadline moves by one week; lot 2's description now includes support.",
    },
    "ko": {
        "title": "반지하 주택 침수 조기경보 센서 구매 및 운영",
        "description": (
            "서울특별시는 반지하 주택에 물이 들어오기 전에 거주자에게 경보를 보내고, 구청 대응반에게 먼저 가야 "
            "할 곳을 알려 주는 수위 센서망과 경보 서비스를 구매합니다. 이 해결책은 공동 창출 작업 공간에서 "
            "기업들과 함께 설계되었으며, 이번 입찰은 그 공급과 설치, 그리고 5년간의 운영을 대상으로 합니다."),
        "section": "요구사항 영역 {n}: 감지, 경보 및 운영",
        "paragraph": (
            "공급자는 설치 대상 목록에 있는 주택의 출입구와 그 주택을 담당하는 빗물받이에 센서를 설치합니다. "
            "각 센서는 호우 시에는 1분에 한 번 이상, 평상시에는 15분에 한 번 수위를 보고하며, 통신망은 "
            "공급자가 운영합니다. 측정값은 측정 후 30초 이내에 시의 데이터 플랫폼에 공개된 인터페이스를 통해 "
            "SensorThings 형식으로 전달되어야 합니다. 수위가 해당 주택에 설정된 기준을 넘으면 60초 이내에 "
            "신청한 모든 거주자에게 문자 메시지와 시의 앱으로 경보가 전달되어야 합니다."),
        "items": ["IP68 등급 센서, 1분 간격 측정 시 배터리 수명 3년 이상.",
                  "경보 서비스 월 가용률 99.9% 이상, 시의 모니터링으로 측정.",
                  "거주자가 경보 언어를 선택: 한국어, 영어, 중국어, 베트남어.",
                  "모든 측정값을 5년간 보관하며, 시는 언제든지 무료로 내려받을 수 있음."],
        "eligibility": (
            "입찰 참가자는 등록된 기업이거나 구성원 모두가 등록된 컨소시엄이어야 하며, 관련 조달 법령상 "
            "입찰 참가 제한 사유가 없어야 합니다. 컨소시엄은 대표사를 지정하며, 대표사가 계약을 체결하고 "
            "다른 구성원에 대해 책임을 집니다."),
        "selection": (
            "- 최근 3년간 매년 입찰 대상 분할 계약 추정가격의 두 배 이상의 매출액.\n- 최근 5년 내 공공기관을 "
            "위해 운영한 유사 센서망 실적 2건 이상(각각 증빙 포함).\n- ISO 9001 또는 이와 동등한 품질경영체계 인증."),
        "contract": (
            "## 계약 기간\n계약 기간은 설치 검수일로부터 5년이며, 1년씩 두 번 연장할 수 있습니다.\n\n"
            "## 대금 지급\n설치 대금은 단계별로 세 번에 나누어 지급하고, 운영 대금은 분기마다 후불로 지급하되 "
            "아래 서비스 수준 미달에 따른 감액을 적용합니다.\n\n## 서비스 수준\n| 항목 | 목표 | 감액 |\n"
            "| --- | --- | --- |\n| 경보 서비스 가용률 | 월 99.9% | 0.1% 미달마다 분기 대금의 5% |\n"
            "| 센서 수리 | 48시간 | 지연 1일마다 1% |\n\n## 데이터\n수집된 모든 데이터는 시의 소유입니다. "
            "공급자는 시의 지시에 따라서만 개인정보를 처리하며 계약 종료 시 파기합니다."),
        "lots": [("센서 공급 및 설치", "센서 약 2,400대의 공급과 설치."),
                 ("경보 서비스 및 운영", "경보 서비스, 그 운영 및 5년간의 지원.")],
        "criteria": [("price", "가격", "설치와 운영을 포함한 5년간 총 가격."),
                     ("quality", "기술 평가", "제안한 센서와 서비스가 규격을 얼마나 충족하는지, 시범 사업 시험 결과."),
                     ("quality", "이행 계획", "설치 일정, 위험 요소와 그 대응 방안."),
                     ("cost", "생애주기 비용", "10년간의 에너지, 유지보수, 교체 비용.")],
        "question": "자체 통신망 대신 시의 기존 LoRaWAN 망을 사용할 수 있습니까? (질의 {n})",
        "answer": (
            "네. 시의 LoRaWAN 망은 모든 설치 대상지를 포괄합니다. 이 망을 사용하는 공급자는 입찰서에 그 사실을 "
            "밝혀야 하며, 서비스 수준에 대한 책임은 그대로 집니다. 망의 기술 설명은 과업 지시서 2장에 있습니다."),
        "fit": ("시의 데이터 플랫폼에 공개된 SensorThings 인터페이스로 연결됩니다.",
                "거주자의 개인정보는 국내에 있는 데이터 센터에만 저장합니다."),
        "note": "입찰서 제출 마감이 1주일 연장되었습니다. 분할 계약 2의 설명에 지원이 포함되었습니다.",
    },
}


def specification(text, scale):
    """Markdown of 6 × scale sections, each a heading, two paragraphs and a list."""
    parts = []
    for number in range(1, 6 * scale + 1):
        items = "\n".join(f"- {item}" for item in text["items"])
        parts.append(f"## {text['section'].format(n=number)}\n\n{text['paragraph']}\n\n{items}\n\n"
                     f"{text['paragraph']}\n")
    return "\n".join(parts)


def build_tender(language, scale, city, user, number):
    """A published tender as the portal stores it: lots, criteria, fit table, an amendment, questions."""
    from portal.extensions import db
    from portal.files.models import StoredFile
    from portal.tenders.models import AwardCriterion, Lot, Question, Tender, TenderVersion

    text = TEXT[language]
    published = datetime(2030, 3, 2, 1, 0, tzinfo=UTC)
    tender = Tender(
        ocid=f"ocds-b5fd17-cocity-bench-{number}", organisation=city, created_by=user, language=language,
        title=text["title"], description=text["description"], procedure="open", estimated_value=2_400_000_000,
        currency="KRW", technical_specification=specification(text, scale),
        fit_requirements=[{"category": category, "title": sentence.split(" ")[0], "text": sentence,
                           "answers": {"fits": 2, "needs-work": 1}}
                          for _ in range(3 * scale) for category, sentence in zip(
                              ("system", "regulation"), text["fit"], strict=True)],
        eligibility_criteria=text["eligibility"], selection_criteria=text["selection"],
        contract_terms="\n\n".join([text["contract"]] * scale), status=Tender.PUBLISHED,
        publication_at=published, clarification_deadline=published + timedelta(days=20),
        submission_deadline=published + timedelta(days=30), opening_at=published + timedelta(days=30, hours=1),
        published_at=published)
    tender.lots = [Lot(number=index, title=title, description=description, estimated_value=1_200_000_000)
                   for index, (title, description) in enumerate(text["lots"], start=1)]
    tender.criteria = [AwardCriterion(position=index, kind=kind, name=name, description=description, weight=weight)
                       for index, ((kind, name, description), weight) in enumerate(
                           zip(text["criteria"], (40, 35, 15, 10), strict=True), start=1)]
    for index in range(1, 3):
        stored = StoredFile(original_name=f"tender-{index}.pdf", content_type="application/pdf", size=1,
                            sha256="0" * 64, storage_name=f"bench-{number}-{index}", uploaded_by=user)
        tender.versions.append(TenderVersion(number=index, stored_file=stored, sha256="0" * 64, published_by=user,
                                             published_at=published + timedelta(days=index - 1),
                                             change_note=text["note"] if index > 1 else ""))
    for index in range(1, 6 * scale + 1):
        tender.questions.append(Question(
            organisation_id=city.id, asked_by=user, text=text["question"].format(n=index), answer=text["answer"],
            asked_at=published + timedelta(days=1, hours=index), answered_by=user,
            answered_at=published + timedelta(days=2, hours=index)))
    db.session.add(tender)
    db.session.flush()
    return tender


def build_instance(folder):
    """An SQLite instance in `folder`: the demo data, then one city's tender per case.

    Returns [(case, tender id)]: the bench's cases, then every tender the demo publishes.
    """
    from sqlalchemy import select

    from portal import create_app
    from portal.accounts.services import create_user
    from portal.extensions import db
    from portal.organisations.models import Organisation
    from portal.tenders.models import Tender

    env = {**os.environ, **SETTINGS, "PORTAL_INSTANCE_PATH": str(folder)}
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", *command], env=env, cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app = create_app(config(folder))
    with app.app_context():
        demo = db.session.execute(select(Tender.ocid, Tender.id).where(Tender.visible_to(None))
                                  .order_by(Tender.id)).all()
        city = Organisation(key="bench-seoul", kind="city", name="Seoul Metropolitan Government",
                            name_ko="서울특별시", country="KR", timezone="Asia/Seoul", verification="verified")
        db.session.add(city)
        db.session.flush()
        user = create_user("city@bench.example", "Bench City", "a long bench password", organisation=city)
        cases = [(case, build_tender(language, scale, city, user, number).id)
                 for number, (case, language, scale) in enumerate(CASES, start=1)]
        db.session.commit()
    return cases + [(f"demo {ocid}", tender_id) for ocid, tender_id in demo]


def config(folder):
    return {"SECRET_KEY": SETTINGS["PORTAL_SECRET_KEY"], "BASE_URL": SETTINGS["PORTAL_BASE_URL"],
            "BID_KEY": SETTINGS["PORTAL_BID_KEY"], "INSTANCE_PATH": str(folder)}


def measure(folder, tender_id, warm, keep):
    """In this (fresh) process: render once cold and `warm` times more; print the figures as JSON."""
    started = time.perf_counter()
    from portal import create_app
    from portal.extensions import db
    from portal.tenders.models import Tender
    from portal.tenders.pdf import render_tender_pdf

    app = create_app(config(folder))
    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        current = tender.current_version
        version = current.number if current else None  # the version the public has, as render-tender does
        rendering = time.perf_counter()
        pdf = render_tender_pdf(tender, version=version)
        cold = time.perf_counter() - rendering
        startup = rendering - started
        times = []
        for _ in range(warm):
            rendering = time.perf_counter()
            render_tender_pdf(tender, version=version)
            times.append(time.perf_counter() - rendering)
    if keep:
        Path(keep).write_bytes(pdf)
    print(json.dumps({"pages": page_count(pdf), "startup": startup, "cold": cold, "warm": times,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "bytes": len(pdf)}))


def page_count(pdf):
    """The PDF's pages, as poppler's pdfinfo counts them (None without it)."""
    try:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return None
    return next((int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def run_case(folder, tender_id, warm, keep):
    output = subprocess.run([sys.executable, __file__, "--measure", str(folder), str(tender_id), str(warm), keep],
                            check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def verdict(value, target):
    if target is None:
        return ""
    return "ok" if value <= target else "OVER"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warm", type=lambda value: max(1, int(value)), default=5,
                        help="warm renderings per case (default 5, at least 1)")
    parser.add_argument("--keep", metavar="FOLDER", help="write each case's PDF into FOLDER")
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        folder, tender_id, warm, keep = args.measure
        measure(folder, int(tender_id), int(warm), keep)
        return 0

    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cocity-bench-pdf-") as folder:
        cases = build_instance(folder)
        width = max(len(case) for case, _ in cases)
        print(f"{'case':<{width}} {'pages':>5} {'start s':>8} {'cold s':>7} {'warm p50 s':>10} {'warm max s':>10} "
              f"{'peak MB':>8}  targets (warm s / MB)")
        failed = False
        for case, tender_id in cases:
            keep = str(Path(args.keep) / f"{case.replace(' ', '-')}.pdf") if args.keep else ""
            result = run_case(folder, tender_id, args.warm, keep)
            median = statistics.median(result["warm"])
            seconds_target, memory_target = TARGETS["ten" if (result["pages"] or 0) <= TEN_PAGES else "long"]
            checks = [verdict(median, seconds_target), verdict(result["peak_mb"], memory_target)]
            failed = failed or "OVER" in checks
            target = f"≤ {seconds_target} s {checks[0]}"
            if memory_target:
                target += f", ≤ {memory_target} MB {checks[1]}"
            print(f"{case:<{width}} {result['pages'] or '?':>5} {result['startup']:8.2f} {result['cold']:7.2f} "
                  f"{median:10.3f} {max(result['warm']):10.3f} {result['peak_mb']:8.0f}  {target}")
        print(f"\npeak MB: the RSS high-water mark (ru_maxrss) of the subprocess that rendered the case, the whole "
              f"process included; warm: {args.warm} renderings after the first; start: importing and creating "
              f"the app; {os.cpu_count()} CPUs.")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
