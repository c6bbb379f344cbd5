"""`flask import-json`: idempotent by key, all or nothing, errors that name the record and field."""
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.challenges.models import Challenge
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.solutions.models import Solution

SHARED_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "sample.json"

FILE = {
    "organisations": [
        {"key": "test-city", "kind": "city", "name": "Test City", "country": "DK",
         "description": "A city.", "website": "https://city.example", "alliance_member": False},
        {"key": "test-company", "kind": "company", "name": "Test Company", "country": "KR",
         "description": "A company.", "website": "https://company.example", "alliance_member": True},
    ],
    "solutions": [
        {"key": "sol-one", "organisation": "test-company", "title": "Crossing guard",
         "summary": "Warns drivers.", "description": "보행자를 감지합니다.", "language": "ko",
         "title_ko": "횡단보도 지킴이", "summary_ko": "운전자에게 알립니다.",
         "sectors": ["mobility", "safety"], "trl": 8, "countries": ["KR", "DK"], "tags": ["lidar"]},
    ],
    "challenges": [
        {"key": "ch-one", "organisation": "test-city", "title": "Safer school routes",
         "summary": "Children walk.", "problem": "Busy roads.", "outcomes": "Fewer accidents.",
         "language": "en", "sectors": ["safety"],
         "budget": {"min": 100000, "max": 400000, "currency": "DKK"},
         "opens": "2027-01-10", "closes": "2027-03-01"},
    ],
}


def write(tmp_path, data, name="data.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Organisation, Solution, Challenge))


def test_import_creates_verified_published_records(app, runner, tmp_path):
    result = runner.invoke(args=["import-json", str(write(tmp_path, FILE))])
    assert result.exit_code == 0, result.output
    assert "organisations: 2 created" in result.output
    with app.app_context():
        company = db.session.scalar(select(Organisation).where(Organisation.key == "test-company"))
        assert company.is_verified_alliance_member and company.timezone == "Asia/Seoul"
        challenge = db.session.scalar(select(Challenge).where(Challenge.key == "ch-one"))
        assert challenge.status == "published" and challenge.organisation.key == "test-city"
        assert challenge.closes_at.isoformat() == "2027-03-01T23:00:00+00:00"  # end of day in Copenhagen
    assert "횡단보도 지킴이" in app.test_client().get("/solutions/sol-one").get_data(as_text=True)


def test_import_twice_changes_nothing_and_updates_in_place(app, runner, tmp_path):
    path = write(tmp_path, FILE)
    runner.invoke(args=["import-json", str(path)])
    result = runner.invoke(args=["import-json", str(path)])
    assert "solutions: 0 created, 0 updated, 1 unchanged" in result.output
    changed = json.loads(json.dumps(FILE))
    changed["solutions"][0]["trl"] = 9
    changed["solutions"][0]["sectors"] = ["robotics"]
    result = runner.invoke(args=["import-json", str(write(tmp_path, changed, "changed.json"))])
    assert "solutions: 0 created, 1 updated, 0 unchanged" in result.output
    assert counts(app) == (2, 1, 1)
    with app.app_context():
        solution = db.session.scalar(select(Solution))
        assert (solution.trl, solution.sectors) == (9, ["robotics"])


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["solutions"][0].update(trl=10), 'solutions[0] "sol-one": field "trl"'),
    (lambda d: d["solutions"][0].update(colour="red"), 'solutions[0] "sol-one": field "colour": unknown field'),
    (lambda d: d["solutions"][0].update(organisation="test-city"), 'field "organisation": must be a company'),
    (lambda d: d["solutions"][0].update(organisation="nobody"), "no organisation with key 'nobody'"),
    (lambda d: d["solutions"][0].update(sectors=["space"]), 'field "sectors": Unknown sectors: space'),
    (lambda d: d["solutions"][0].update(summary="bad\x00byte"), 'field "summary": Contains characters'),
    (lambda d: d["organisations"][0].update(country="XX"), 'organisations[0] "test-city": field "country"'),
    (lambda d: d["organisations"][1].update(kind="startup"), 'field "kind"'),
    (lambda d: d["challenges"][0]["budget"].update(min=900000), 'challenges[0] "ch-one": field "budget.max"'),
    (lambda d: d["challenges"][0]["budget"].update(currency="EURO"), 'field "budget.currency"'),
    (lambda d: d["challenges"][0].update(closes="2026-12-01"), 'field "closes"'),
    (lambda d: d["challenges"][0].update(opens="10/01/2027"), 'field "opens": Enter a date as YYYY-MM-DD.'),
    (lambda d: d["challenges"][0].update(closes="9999-12-31"), 'field "closes": Enter a date between'),
    (lambda d: d["challenges"].append(dict(d["challenges"][0])), "appears twice"),
    (lambda d: d.update(tenders=[]), 'unknown top-level field "tenders"'),
])
def test_a_bad_record_changes_nothing(app, runner, tmp_path, mutate, message):
    data = json.loads(json.dumps(FILE))
    mutate(data)
    result = runner.invoke(args=["import-json", str(write(tmp_path, data))])
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert counts(app) == (0, 0, 0)


def test_a_bad_record_does_not_undo_or_touch_earlier_imports(app, runner, tmp_path):
    runner.invoke(args=["import-json", str(write(tmp_path, FILE))])
    data = json.loads(json.dumps(FILE))
    data["solutions"][0]["title"] = "Changed title"
    data["challenges"][0]["sectors"] = []
    result = runner.invoke(args=["import-json", str(write(tmp_path, data, "bad.json"))])
    assert result.exit_code == 1
    with app.app_context():
        assert db.session.scalar(select(Solution.title)) == "Crossing guard"


def test_unreadable_files_get_one_line_errors(runner, tmp_path):
    result = runner.invoke(args=["import-json", str(tmp_path / "missing.json")])
    assert result.exit_code == 1 and "no such file" in result.output
    (tmp_path / "latin1.json").write_bytes('{"organisations": [{"name": "Malmö"}]}'.encode("latin-1"))
    result = runner.invoke(args=["import-json", str(tmp_path / "latin1.json")])
    assert result.exit_code == 1 and "not UTF-8" in result.output
    (tmp_path / "broken.json").write_text('{"organisations": [', encoding="utf-8")
    result = runner.invoke(args=["import-json", str(tmp_path / "broken.json")])
    assert result.exit_code == 1 and "not valid JSON" in result.output


@pytest.mark.skipif(not SHARED_SAMPLE.exists(), reason="the shared sample data set is not beside the project")
def test_shared_sample_imports_cleanly_and_idempotently(app, runner):
    first = runner.invoke(args=["import-json", str(SHARED_SAMPLE)])
    assert first.exit_code == 0, first.output
    before = counts(app)
    second = runner.invoke(args=["import-json", str(SHARED_SAMPLE)])
    assert " 0 created, 0 updated" in second.output and "updated" in second.output
    assert counts(app) == before and before[1] > 0


@pytest.mark.parametrize(("index", "kind", "attached"), [(1, "city", "challenges"), (0, "company", "solutions")])
def test_a_file_cannot_change_the_kind_of_an_organisation_in_the_portal(app, runner, tmp_path, index, kind,
                                                                         attached):
    runner.invoke(args=["import-json", str(write(tmp_path, FILE))])
    data = json.loads(json.dumps(FILE))
    organisation = data["organisations"][index]
    was = organisation["kind"]
    organisation["kind"] = kind
    # What the new kind would allow: a challenge of the company, or a solution of the city.
    data["solutions" if attached == "challenges" else "challenges"] = []
    data[attached][0].update(key="new-record", organisation=organisation["key"])
    result = runner.invoke(args=["import-json", str(write(tmp_path, data, "changed.json"))])
    assert result.exit_code == 1 and result.output.strip().splitlines() == [
        f'error: {tmp_path / "changed.json"}: organisations[{index}] "{organisation["key"]}": field "kind": '
        f"is a {was} in the portal and cannot change"]
    assert counts(app) == (2, 1, 1)


@pytest.mark.parametrize(("text", "message"), [
    ('{"solutions": [{"key": "sol-x", "trl": ' + "9" * 5000 + "}]}", "not valid JSON: a number"),
    ("[" * 200_000 + "]" * 200_000, "not valid JSON: nested too deeply"),
    ('{"organisations": [{"key": "org-x", "kind": "city", "name": "Lone \\ud800 surrogate", "country": "KR"}]}',
     'organisations[0] "org-x": field "name": '),
])
def test_hostile_files_get_one_line_errors_and_change_nothing(app, runner, tmp_path, text, message):
    (tmp_path / "hostile.json").write_text(text, encoding="utf-8")
    result = runner.invoke(args=["import-json", str(tmp_path / "hostile.json")])
    assert result.exit_code == 1, result.output[-300:]
    assert len(result.output.strip().splitlines()) == 1 and message in result.output, result.output[-300:]
    assert counts(app) == (0, 0, 0)


def test_an_organisation_may_bring_its_korean_name(app, runner, tmp_path):
    data = json.loads(json.dumps(FILE))
    data["organisations"][1]["name_ko"] = "테스트 기업"
    result = runner.invoke(args=["import-json", str(write(tmp_path, data))])
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = dict(db.session.execute(select(Organisation.key, Organisation.name_ko)).all())
    assert names == {"test-company": "테스트 기업", "test-city": ""}
    data["organisations"][1]["name_ko"] = "테스트\u202e기업"
    result = runner.invoke(args=["import-json", str(write(tmp_path, data, "bad.json"))])
    assert result.exit_code != 0 and 'organisations[1] "test-company": field "name_ko"' in result.output
