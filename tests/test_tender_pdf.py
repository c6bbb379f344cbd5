"""The tender PDF: its sections, contents page, running footers and Q&A annex in English and Korean; the Korean
font really embedded (a missing glyph fails, not only missing text); nothing fetched from outside; oversized
tenders refused; and `render-tender` on the command line."""
import itertools
import logging
import re
import shutil
import subprocess
import threading
import zlib
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.accounts.models import User
from portal.extensions import db
from portal.files.models import StoredFile
from portal.tenders import pdf as tender_pdf
from portal.tenders.models import AwardCriterion, Lot, Question, Tender, TenderVersion

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfdetach"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts, pdfdetach) reads "
                                                       "the PDFs: apt-get install poppler-utils")

PUBLISHED = datetime(2030, 3, 2, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
SUBMISSION = datetime(2030, 6, 3, 8, 0, tzinfo=UTC)  # 10:00 in Copenhagen (summer time), 17:00 in Seoul
ASKER = "Alpha Sensing"
ANSWERED_QUESTION = "Can the sensors use the city's LoRaWAN network?"
ANSWER = "Yes: the network covers every listed site."
UNANSWERED_QUESTION = "Who else is bidding on this?"
_numbers = itertools.count(1)
CONTENT = {
    "en": {"title": "Flood early-warning sensors for semi-basement homes",
           "spec": "## Sensing\n\nEach sensor reports the water level **every minute** during heavy rain.\n\n"
                   "- IP68 sensors\n- Three-year batteries\n",
           "lot": "Sensors and installation", "criterion": "Technical merit", "fit": "Uses SensorThings",
           "eligibility": "Registered companies and consortia.", "selection": "Two comparable networks.",
           "contract": "The contract runs for five years.", "note": "The deadline moves by one week."},
    "ko": {"title": "반지하 주택 침수 조기경보 센서 구매",
           "spec": "## 감지\n\n각 센서는 호우 시 **1분마다** 수위를 보고합니다.\n\n- IP68 등급 센서\n- 3년 배터리\n",
           "lot": "센서 공급 및 설치", "criterion": "기술 평가", "fit": "SensorThings 인터페이스 사용",
           "eligibility": "등록된 기업과 컨소시엄.", "selection": "유사 실적 2건 이상.",
           "contract": "계약 기간은 5년입니다.", "note": "입찰 마감이 1주일 연장되었습니다."},
}


def build_tender(world, language="en", status=Tender.PUBLISHED, zone=None, versions=1, **fields):
    """A tender of the Seoul test city (or of Copenhagen with zone="Europe/Copenhagen"): two lots, three
    criteria, a fit table, one answered and one unanswered question, and `versions` stored versions."""
    city = db.session.get(User, world["other_city" if zone == "Europe/Copenhagen" else "city"])
    city.organisation.timezone = zone or "Asia/Seoul"
    asker = db.session.get(User, world["company"])
    text = CONTENT[language]
    data = {
        "ocid": f"ocds-test-{language}-{next(_numbers)}", "organisation": city.organisation,
        "created_by": city, "language": language, "title": text["title"], "description": text["title"] + ".",
        "procedure": "open", "estimated_value": 2_500_000, "currency": "EUR", "technical_specification": text["spec"],
        "fit_requirements": [{"category": "data-standard", "title": text["fit"], "text": text["fit"] + ".",
                              "answers": {"fits": 2, "needs-work": 1}}],
        "eligibility_criteria": text["eligibility"], "selection_criteria": text["selection"],
        "contract_terms": text["contract"], "status": status, "publication_at": PUBLISHED,
        "clarification_deadline": SUBMISSION - timedelta(days=10), "submission_deadline": SUBMISSION,
        "opening_at": SUBMISSION + timedelta(hours=1),
        "published_at": PUBLISHED if status != Tender.DRAFT else None}
    data.update(fields)
    tender = Tender(**data)
    tender.lots = [Lot(number=1, title=text["lot"], estimated_value=1_500_000),
                   Lot(number=2, title="Alert service", estimated_value=1_000_000)]
    tender.criteria = [AwardCriterion(position=1, kind="price", name="Price", weight=40),
                       AwardCriterion(position=2, kind="quality", name=text["criterion"], weight=45),
                       AwardCriterion(position=3, kind="cost", name="Life-cycle cost", weight=15)]
    tender.questions = [
        Question(organisation_id=asker.organisation_id, asked_by=asker, text=ANSWERED_QUESTION, answer=ANSWER,
                 asked_at=PUBLISHED + timedelta(days=1), answered_by=city, answered_at=PUBLISHED + timedelta(days=2)),
        Question(organisation_id=asker.organisation_id, asked_by=asker, text=UNANSWERED_QUESTION,
                 asked_at=PUBLISHED + timedelta(days=3))]
    for number in range(1, versions + 1):
        add_version(tender, city, number, stored=True, note=text["note"] if number > 1 else "")
    db.session.add(tender)
    db.session.flush()
    return tender


def add_version(tender, user, number, stored, note=""):
    stored_file = StoredFile(original_name="tender.pdf", content_type="application/pdf", size=1, sha256="0" * 64,
                             storage_name=f"test-{next(_numbers)}", uploaded_by=user) if stored else None
    version = TenderVersion(number=number, stored_file=stored_file, sha256="0" * 64, published_by=user,
                            published_at=PUBLISHED + timedelta(days=number - 1), change_note=note)
    tender.versions.append(version)
    return version


class WeasyPrintWarnings(logging.Handler):
    """What WeasyPrint logs while rendering: a glyph no font has, a font that did not load, a refused URL."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def weasyprint_warnings():
    handler = WeasyPrintWarnings()
    logger = logging.getLogger("weasyprint")
    # Logging set up from a file elsewhere in the process (a library's, a tool's) may have disabled it.
    was_disabled, logger.disabled = logger.disabled, False
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)
    logger.disabled = was_disabled


def pdf_text(pdf, page=None):
    """The PDF's text as pdftotext reads it: the whole document, or one page."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


def pdf_pages(pdf):
    return len(pdf_text(pdf).split("\f")) - 1


def poppler(tool, pdf, tmp_path, *args):
    """The output of poppler's `tool` on the PDF (these tools read files, not standard input)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, *args, str(path)], capture_output=True, check=True, text=True).stdout


def font_problems(pdf, warnings, tmp_path):
    """Why the PDF's text is not all set in the embedded Noto Sans KR: fonts other than it, missing glyphs."""
    rows = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    fonts = {row.split()[0].split("+")[-1]: row.split()[-5] for row in rows}  # name: embedded (yes/no)
    problems = [f"font {name} is used" for name in fonts if name != "Noto-Sans-KR"]
    problems += [f"font {name} is not embedded" for name, embedded in fonts.items() if embedded != "yes"]
    problems += [message for message in warnings if ".notdef" in message or "font" in message.lower()]
    return problems or ([] if fonts else ["no font at all"])


def expanded(pdf):
    """The PDF's bytes with every compressed stream inflated, to search what it carries."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    return pdf + b"".join(streams)


# ---------------------------------------------------------------- what the document says

@needs_poppler
def test_english_tender_has_every_section_the_facts_and_only_the_answered_questions(app, world):
    with app.test_request_context():
        pdf = tender_pdf.render_tender_pdf(build_tender(world, zone="Europe/Copenhagen", versions=2))
    flat = " ".join(pdf_text(pdf).split())
    chapters = " ".join(" ".join(pdf_text(pdf).split("\f")[2:]).split())  # after the cover and the contents
    headings = ["1 Tender notice", "2 Technical specifications", "3 Evaluation criteria",
                "4 Eligibility and selection criteria", "5 Draft contract terms", "Annex Clarifications"]
    positions = [chapters.index(heading) for heading in headings]
    assert positions == sorted(positions)
    for expected in ["Copenhagen Test City", "Open procedure", "€2,500,000", "Sensors and installation",
                     "€1,500,000", "Technical merit", "45%", "Total 100%", "Uses SensorThings", "Fits: 2",
                     "Needs work: 1", "Each sensor reports the water level every minute", "IP68 sensors",
                     "Registered companies and consortia.", "Two comparable networks.",
                     "The contract runs for five years.", ANSWERED_QUESTION, ANSWER,
                     # Instants in the city's zone with the offset they had then: summer time in June.
                     "June 3, 2030, 10:00 AM (UTC+2)", "March 2, 2030, 2:00 AM (UTC+1)",
                     "All times are given in the time of Copenhagen",
                     # Version 3 is the one this rendering publishes; version 2's change note is listed.
                     "Version 3 · amended", "The deadline moves by one week.",
                     # ... and when version 2 was published, in the list of amendments.
                     "Mar 3, 2030, 2:00 AM (UTC+1)"]:
        assert expected in flat, expected
    assert UNANSWERED_QUESTION not in flat
    with app.app_context():
        asker = db.session.get(User, world["company"])
        for who in (ASKER, asker.name, asker.email):
            assert who not in flat


@needs_poppler
def test_every_page_but_the_cover_says_page_x_of_n_and_the_contents_give_each_sections_page(app, world):
    with app.test_request_context():
        tender = build_tender(world)
        tender.technical_specification = "\n\n".join([CONTENT["en"]["spec"]] * 40)  # a few pages long
        pdf = tender_pdf.render_tender_pdf(tender)
    pages = pdf_pages(pdf)
    assert pages >= 8
    assert "Page 1 of" not in pdf_text(pdf, 1)
    for page in range(2, pages + 1):
        assert f"Page {page} of {pages}" in pdf_text(pdf, page)
    contents = pdf_text(pdf, 2)
    listed = dict(re.findall(r"^\s*(?:\d|Annex)\s+(.+?)\s*(?:\. ?)+\s*(\d+)\s*$", contents, re.MULTILINE))
    assert list(listed) == ["Tender notice", "Technical specifications", "Evaluation criteria",
                            "Eligibility and selection criteria", "Draft contract terms", "Clarifications"]
    assert int(listed["Evaluation criteria"]) > int(listed["Technical specifications"]) + 2  # the long spec
    for title, page in listed.items():
        top = " ".join(pdf_text(pdf, int(page)).split()[:40])
        assert title in top, (title, page)


@needs_poppler
def test_korean_tender_is_in_korean_and_set_in_the_embedded_korean_font(app, world, weasyprint_warnings,
                                                                        tmp_path):
    with app.test_request_context():
        pdf = tender_pdf.render_tender_pdf(build_tender(world, language="ko"))
    flat = " ".join(pdf_text(pdf).split())
    pages = pdf_pages(pdf)
    for expected in ["입찰 공고문", "목차", "입찰 공고", "기술 규격", "평가 기준", "참가 자격 및 선정 기준",
                     "계약 조건(안)", "질의 응답", "반지하 주택 침수 조기경보 센서 구매", "각 센서는 호우 시",
                     "2030년 6월 3일 17:00 (UTC+9)", "€2,500,000", f"{pages}쪽 중 2쪽", "맞음: 2"]:
        assert expected in flat, expected
    assert "Tender notice" not in flat and "Page 2 of" not in flat
    assert font_problems(pdf, weasyprint_warnings, tmp_path) == []


@needs_poppler
@pytest.mark.parametrize("language, expected, unexpected", [
    ("en", ["Procedure BTL (build–transfer–lease)", "Concession term (years) 20",
            "Government lease payment per year €1,200,000", "Origin of the project Solicited: the city proposed"],
     ["Lease payment 1200000", "solicited"]),
    ("ko", ["BTL (건설-이전-임대)", "운영 기간(년) 20", "연간 정부 임대료 €1,200,000", "사업 제안 방식 정부고시 사업"],
     ["Lease payment", "Concession years", "solicited"]),
])
def test_the_procedures_terms_print_as_the_tender_page_names_them(app, world, language, expected, unexpected):
    """Each term under its own label in the tender's language, money in its currency, a choice by its name."""
    with app.test_request_context():
        pdf = tender_pdf.render_tender_pdf(build_tender(world, language=language, procedure="btl", procedure_terms={
            "concession_years": 20, "lease_payment": 1_200_000, "proposal_origin": "solicited"}))
    flat = " ".join(pdf_text(pdf).split())
    for text in expected:
        assert text in flat, text
    for text in unexpected:
        assert text not in flat, text


@needs_poppler
def test_a_missing_korean_font_fails_the_font_check(app, world, weasyprint_warnings, tmp_path, monkeypatch):
    """Without the font the Hangul still extracts (boxes, or another font); the check must see the difference."""
    monkeypatch.setattr(tender_pdf, "FONT_FILE", str(tmp_path / "NoSuchFont.otf"))
    with app.test_request_context():
        pdf = tender_pdf.render_tender_pdf(build_tender(world, language="ko"))
    assert "반지하 주택" in pdf_text(pdf)
    assert font_problems(pdf, weasyprint_warnings, tmp_path) != []


@needs_poppler
def test_a_character_the_font_lacks_fails_the_font_check(app, world, weasyprint_warnings, tmp_path):
    with app.test_request_context():
        pdf = tender_pdf.render_tender_pdf(build_tender(world, language="ko", title="침수 센서 \U0001fbff"))
    assert any("U+1FBFF" in problem for problem in font_problems(pdf, weasyprint_warnings, tmp_path))


@needs_poppler
def test_a_pending_version_is_the_one_printed_with_its_change_note(app, world):
    """Publishing adds the version before its file exists: the PDF names that version and says what changed."""
    with app.test_request_context():
        tender = build_tender(world, versions=1)
        with db.session.no_autoflush:  # as publishing does: the version gets its file once rendered
            add_version(tender, tender.created_by, 2, stored=False, note="Lot 2 now includes support.")
            pdf = tender_pdf.render_tender_pdf(tender)
        db.session.rollback()
        draft = tender_pdf.render_tender_pdf(build_tender(world, status=Tender.DRAFT, versions=0))
    flat = " ".join(pdf_text(pdf).split())
    assert "Version 2 · amended" in flat and "Lot 2 now includes support." in flat
    draft_text = " ".join(pdf_text(draft).split())
    assert "Version 1" in draft_text and "Draft: not published" in draft_text and "Amendments" not in draft_text


def test_the_same_tender_renders_to_the_same_bytes(app, world):
    """The PDF depends on the tender alone, not on when it is rendered: its SHA-256 says what it holds."""
    with app.test_request_context():
        tender = build_tender(world, language="ko")
        first = tender_pdf.render_tender_pdf(tender)
        assert tender_pdf.render_tender_pdf(tender) == first
        tender.questions[1].answer, tender.questions[1].answered_at = "No.", PUBLISHED + timedelta(days=4)
        assert tender_pdf.render_tender_pdf(tender) != first


# ---------------------------------------------------------------- nothing from outside

class Tags(HTMLParser):
    """The elements of an HTML text, as (tag, attributes)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attributes):
        self.found.append((tag, attributes))


class Requests(BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        Requests.seen.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"fetched over http")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A local HTTP server that records every request made to it."""
    Requests.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Requests)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@needs_poppler
def test_html_naming_local_files_or_urls_embeds_and_fetches_nothing(app, tmp_path, http_server):
    secret = tmp_path / "secret.txt"
    secret.write_text("the instance's secret key 7f3a")
    static = app.static_folder
    hostile = f"""<html><body><p>Tender</p>
        <link rel="attachment" href="file:///etc/hostname"><link rel="attachment" href="{secret.as_uri()}">
        <a rel="attachment" href="{secret.as_uri()}">file</a>
        <link rel="attachment" href="../pyproject.toml"><link rel="attachment" href="css/../../README.md">
        <link rel="attachment" href="{http_server}/attachment">
        <link rel="stylesheet" href="{http_server}/style.css"><img src="{http_server}/image.png">
        <img src="{secret.as_uri()}"><img src="file://{static}/../pyproject.toml">
        <object data="{secret.as_uri()}"></object><embed src="{http_server}/embed">
        <svg><image href="{http_server}/svg.png" width="10" height="10"/></svg>
        <p style="background: url('{http_server}/background.png')">styled</p></body></html>"""
    with app.app_context():
        pdf = tender_pdf.write_pdf(hostile)
        allowed = tender_pdf.write_pdf('<html><body><link rel="attachment" href="css/tender-pdf.css"></body></html>')
    assert Requests.seen == []
    assert "secret key" not in expanded(pdf).decode("latin-1")
    assert "[project]" not in expanded(pdf).decode("latin-1")
    assert "0 embedded files" in poppler("pdfdetach", pdf, tmp_path, "-list")
    # The same attachment of one of the portal's own static files is embedded: the check above can fail.
    assert "1 embedded files" in poppler("pdfdetach", allowed, tmp_path, "-list")


@needs_poppler
def test_the_citys_markdown_is_sanitised_and_reaches_nothing(app, world, tmp_path, http_server):
    secret = tmp_path / "secret.txt"
    secret.write_text("the instance's secret key 7f3a")
    spec = (f'<link rel="attachment" href="{secret.as_uri()}"> <img src="{http_server}/raw.png">\n\n'
            f'<script>alert(1)</script>\n\n![image]({http_server}/image.png) [a file]({secret.as_uri()})\n\n'
            f'[the city]({http_server}/page) <a rel="attachment" href="{secret.as_uri()}">x</a>\n')
    with app.test_request_context():
        tender = build_tender(world, technical_specification=spec, description=f"![logo]({secret.as_uri()})")
        html = tender_pdf.tender_html(tender)
        pdf = tender_pdf.render_tender_pdf(tender)
    tags = Tags()
    tags.feed(html.split("</head>")[1])
    fetching = {"script", "img", "link", "object", "embed", "iframe", "svg", "style"}
    assert fetching & {tag for tag, _ in tags.found} == set()
    links = [dict(attributes) for tag, attributes in tags.found if tag == "a"]
    assert {link["rel"] for link in links if "rel" in link} == {"noopener noreferrer nofollow"}
    assert all(link["href"].startswith(("#", "http")) for link in links)
    assert Requests.seen == []
    assert "secret key" not in expanded(pdf).decode("latin-1")
    assert "0 embedded files" in poppler("pdfdetach", pdf, tmp_path, "-list")
    assert "<script>alert(1)</script>" in " ".join(pdf_text(pdf).split())  # shown as the text it is


# ---------------------------------------------------------------- too large

def test_an_oversized_tender_is_refused_before_any_layout(app, world, monkeypatch):
    monkeypatch.setattr(tender_pdf, "write_pdf", lambda html: pytest.fail("laid out an oversized tender"))
    with app.test_request_context():
        long_text = "Requirement text. " * 3500  # 63,000 characters each
        tender = build_tender(world, technical_specification=long_text, contract_terms=long_text,
                              eligibility_criteria=long_text, selection_criteria=long_text, description=long_text,
                              title="Sensors")
        with pytest.raises(tender_pdf.TenderTooLarge) as refused:
            tender_pdf.render_tender_pdf(tender)
        assert str(refused.value).startswith("The tender's text is 315,")
        assert "a PDF can hold at most 300,000" in str(refused.value)

        many_lots = build_tender(world)
        many_lots.lots = [Lot(number=number, title=f"Lot {number}") for number in range(1, 102)]
        with pytest.raises(tender_pdf.TenderTooLarge, match="The tender has 101 lots; a PDF can hold at most 100"):
            tender_pdf.render_tender_pdf(many_lots)


def test_a_tender_of_too_many_paragraphs_and_cells_is_refused_before_layout(app, world, monkeypatch):
    """Short texts can still make thousands of list items or table cells, which is what layout time grows with."""
    monkeypatch.setattr(tender_pdf, "write_pdf", lambda html: pytest.fail("laid out an oversized tender"))
    with app.test_request_context():
        for spec in ("- item\n" * 6000, "| a | b |\n| - | - |\n" + "| 1 | 2 |\n" * 2000):
            tender = build_tender(world, technical_specification=spec)
            assert tender_pdf.text_size(tender, tender_pdf.answered_questions(tender)) < tender_pdf.TEXT_BUDGET
            with pytest.raises(tender_pdf.TenderTooLarge, match=r"The tender's texts make 6,\d{3} paragraphs, "
                                                                  r"list items and table cells; a PDF can hold at "
                                                                  r"most 5,000\."):
                tender_pdf.render_tender_pdf(tender)


def test_long_words_get_places_to_break_in_text_but_never_in_tags_or_entities():
    html = f'<p class="{"c" * 40}">{"a" * 45} &amp;{"b" * 25}&lt;{"c" * 10} short</p>'
    assert tender_pdf.breakable(html) == (f'<p class="{"c" * 40}">{"a" * 20}\u200b{"a" * 20}\u200b{"a" * 5} '
                                          f'&amp;{"b" * 19}\u200b{"b" * 6}&lt;{"c" * 10} short</p>')


@needs_poppler
def test_words_wider_than_the_line_print_every_character_in_the_embedded_font(app, world, weasyprint_warnings,
                                                                              tmp_path):
    """Such words get places to break (a paragraph of them made layout take minutes); nothing is lost."""
    with app.test_request_context():
        spec = " ".join(["y" * 100] * 300) + "\n\n" + "z" * 5000
        pdf = tender_pdf.render_tender_pdf(build_tender(world, technical_specification=spec))
    text = pdf_text(pdf)
    for letter, count in (("y", 30000), ("z", 5000)):
        assert sum(len(run) for run in re.findall(f"{letter}{{5,}}", text)) == count
    assert font_problems(pdf, weasyprint_warnings, tmp_path) == []


def test_the_size_budget_counts_the_answers_the_pdf_would_print(app, world):
    with app.test_request_context():
        tender = build_tender(world)
        before = tender_pdf.text_size(tender, tender_pdf.answered_questions(tender))
        tender.questions[1].answer = "x" * 1000  # written but not yet published: not printed
        assert tender_pdf.text_size(tender, tender_pdf.answered_questions(tender)) == before
        tender.questions[0].answer += "y" * 1000
        assert tender_pdf.text_size(tender, tender_pdf.answered_questions(tender)) == before + 1000


def test_the_page_footer_follows_the_languages_word_order():
    assert tender_pdf.page_counter_css("Page %(page)s of %(pages)s") == \
        '"Page " counter(page) " of " counter(pages)'
    assert tender_pdf.page_counter_css("%(pages)s쪽 중 %(page)s쪽") == \
        'counter(pages) "쪽 중 " counter(page) "쪽"'
    assert tender_pdf.page_counter_css('Seite %(page)s "von" %(pages)s') == \
        '"Seite " counter(page) " \\"von\\" " counter(pages)'


# ---------------------------------------------------------------- the command line

@needs_poppler
def test_render_tender_writes_the_published_tenders_pdf(app, world, runner, tmp_path):
    with app.test_request_context():
        ocid = build_tender(world, versions=1).ocid
        db.session.commit()
    out = tmp_path / "tender.pdf"
    result = runner.invoke(args=["render-tender", ocid, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    flat = " ".join(pdf_text(out.read_bytes()).split())
    assert CONTENT["en"]["title"] in flat and ANSWER in flat
    assert "Version 1" in flat and "amended" not in flat  # the version the public has, not a next one


def test_render_tender_refuses_unknown_and_draft_tenders_in_one_line(app, world, runner, tmp_path):
    with app.test_request_context():
        draft = build_tender(world, status=Tender.DRAFT, versions=0).ocid
        db.session.commit()
    out = tmp_path / "tender.pdf"
    for ocid in ("ocds-nothing-1", draft):
        result = runner.invoke(args=["render-tender", ocid, "--out", str(out)])
        assert result.exit_code == 1
        assert result.output == f"error: no published tender with ocid {ocid!r}\n"
    assert not out.exists()
    result = runner.invoke(args=["render-tender", draft])
    assert result.exit_code != 0 and "--out" in result.output


def test_render_tender_says_when_a_tender_is_too_large_or_the_file_cannot_be_written(app, world, runner, tmp_path):
    with app.test_request_context():
        ocid = build_tender(world, technical_specification="x" * 400_000).ocid
        db.session.commit()
    result = runner.invoke(args=["render-tender", ocid, "--out", str(tmp_path / "tender.pdf")])
    assert result.exit_code == 1
    assert result.output.startswith("error: The tender's text is 400,") and result.output.count("\n") == 1
    assert not (tmp_path / "tender.pdf").exists()

    with app.test_request_context():
        ocid = build_tender(world).ocid
        db.session.commit()
    missing = tmp_path / "no-such-folder" / "tender.pdf"
    result = runner.invoke(args=["render-tender", ocid, "--out", str(missing)])
    assert result.exit_code == 1 and result.output == f"error: {missing}: No such file or directory\n"
