"""Stored files and a workspace's files page: the content decides the type, members only, safe downloads."""
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.errors import Invalid
from portal.extensions import db
from portal.files import services as files
from portal.files.models import StoredFile
from portal.organisations.models import Organisation
from portal.workspace_files.models import WorkspaceFile

from . import factories
from .conftest import build_app, log_in

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def office(inner):
    """A minimal Office Open XML package whose main part is `inner` (word/, xl/ or ppt/)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(inner, "<document/>")
    return buffer.getvalue()


def plain_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tool.exe", EXE)
    return buffer.getvalue()


def upload(content, name, declared="application/pdf"):
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type=declared)


def uploads(app):
    folder = Path(app.instance_path) / "uploads"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def rooms(app, world):
    """Workspace A (the city, the company, the consultancy) and B (the city and the other company)."""
    with app.test_request_context():
        city = db.session.get(Organisation, world["city_org"])
        company = db.session.get(Organisation, world["company_org"])
        other = db.session.get(Organisation, world["other_company_org"])
        consultancy = db.session.get(Organisation, world["consultancy_org"])
        first = factories.workspace(factories.challenge(city, title="Flooded alleys"), [company], consultancy)
        second = factories.workspace(factories.challenge(city, title="Night buses"), [other])
        db.session.commit()
        return {"a": first.id, "b": second.id}


def post_file(client, workspace_id, content, name, declared="application/pdf"):
    return client.post(f"/workspaces/{workspace_id}/files", data={"file": (io.BytesIO(content), name, declared)},
                       content_type="multipart/form-data")


# ---------------------------------------------------------------- what the content is

@pytest.mark.parametrize(("content", "name", "expected"), [
    (PDF, "plan.pdf", "application/pdf"),
    (PNG, "map.PNG", "image/png"),
    (office("word/document.xml"), "requirements.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (office("xl/workbook.xml"), "budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (office("ppt/presentation.xml"), "pitch.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("sensor,value\n침수,3\n".encode(), "readings.csv", "text/csv"),
    (b"# Notes\n\n- one\n", "notes.md", "text/markdown"),
])
def test_accepted_formats_are_known_by_their_content(app, world, ctx, content, name, expected):
    uploader = db.session.get(User, world["company"])
    stored = files.store(upload(content, name, declared="application/octet-stream"), uploader)
    assert stored.content_type == expected
    assert stored.size == len(content) and stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.original_name == name
    path = Path(app.instance_path) / "uploads" / stored.storage_name
    assert path.read_bytes() == content
    assert name not in stored.storage_name and "static" not in str(path)


@pytest.mark.parametrize(("content", "name", "message"), [
    (EXE, "report.pdf", "a Windows program, whatever its name says"),
    (HTML, "report.pdf", "web page or markup (HTML, SVG or XML), whatever its name says"),
    (HTML, "page.txt", "web page or markup"),
    (PNG, "report.pdf", "content is a PNG image, but its name ends in “.pdf”"),
    (PDF, "report", "its name has no extension"),
    (plain_zip(), "documents.zip", "Archives are not accepted, since their content cannot be checked"),
    (b"\x00\x01\x02\x03\x04 nothing known", "blob.txt", "could not be recognised from its content"),
    (b"", "empty.pdf", "The file is empty."),
])
def test_disguised_and_unknown_files_are_refused(app, world, ctx, content, name, message):
    uploader = db.session.get(User, world["company"])
    with pytest.raises(Invalid) as refused:
        files.store(upload(content, name), uploader)
    assert message in str(refused.value.errors["file"])
    assert uploads(app) == []  # not even the temporary file stays
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 0


def test_names_lose_their_folders_and_control_characters(world, ctx):
    uploader = db.session.get(User, world["company"])
    stored = files.store(upload(PDF, "C:\\Users\\hana\\..\\회의록\u202e.pdf"), uploader)
    assert stored.original_name == "회의록.pdf"
    stored = files.store(upload(PDF, "../../etc/passwd.pdf"), uploader)
    assert stored.original_name == "passwd.pdf"


def test_a_file_written_in_a_transaction_that_rolls_back_is_removed(app, world, ctx):
    stored = files.store(upload(PDF, "plan.pdf"), db.session.get(User, world["company"]))
    assert uploads(app) == [stored.storage_name]
    db.session.rollback()
    assert uploads(app) == []


def test_a_savepoint_rolled_back_after_an_upload_keeps_the_upload(app, world, ctx):
    """Only the transaction's end decides: a savepoint inside it (a guarded insert, say) that rolls back
    must not delete a file the transaction still refers to."""
    stored = files.store(upload(PDF, "plan.pdf"), db.session.get(User, world["company"]))
    with db.session.begin_nested() as savepoint:
        savepoint.rollback()
    db.session.commit()
    assert uploads(app) == [stored.storage_name]


# ---------------------------------------------------------------- the files page

def test_a_member_uploads_and_another_member_downloads_the_same_bytes(app, client, rooms, world):
    log_in(app, client, world["company"])
    response = post_file(client, rooms["a"], PDF, "plan.pdf", declared="text/html")
    assert response.status_code == 302
    page = client.get(f"/workspaces/{rooms['a']}/files").get_data(as_text=True)
    assert "plan.pdf" in page and "PDF" in page and "Company" not in page.split("<h1>")[0]
    assert f'href="/workspaces/{rooms["a"]}"' in page  # the way back to the workspace
    with app.app_context():
        file_id = db.session.scalar(db.select(WorkspaceFile.id))
    consultant = app.test_client()
    log_in(app, consultant, world["consultant"])
    response = consultant.get(f"/workspaces/{rooms['a']}/files/{file_id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"  # detected, not the declared text/html
    assert response.headers["Content-Disposition"] == "attachment; filename=plan.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_hangul_name_comes_back_as_rfc_6266_filename_star(app, client, rooms, world):
    log_in(app, client, world["city"])
    assert post_file(client, rooms["a"], PDF, "침수 대응 계획.pdf").status_code == 302
    assert "침수 대응 계획.pdf" in client.get(f"/workspaces/{rooms['a']}/files").get_data(as_text=True)
    with app.app_context():
        file_id = db.session.scalar(db.select(WorkspaceFile.id))
    response = client.get(f"/workspaces/{rooms['a']}/files/{file_id}")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=file.pdf; "
        "filename*=UTF-8''%EC%B9%A8%EC%88%98%20%EB%8C%80%EC%9D%91%20%EA%B3%84%ED%9A%8D.pdf")


def test_a_mixed_name_keeps_its_ascii_letters_for_old_clients(world, ctx):
    stored = files.store(upload(PDF, "Plan B 계획 v2.pdf"), db.session.get(User, world["company"]))
    response = files.send(stored)
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Plan B v2.pdf\"; filename*=UTF-8''Plan%20B%20%EA%B3%84%ED%9A%8D%20v2.pdf")
    response.close()


def test_a_renamed_program_is_refused_on_the_page_and_nothing_is_kept(app, client, rooms, world):
    log_in(app, client, world["company"])
    response = post_file(client, rooms["a"], EXE, "invoice.pdf")
    assert response.status_code == 422
    assert "a Windows program, whatever its name says" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WorkspaceFile)) == 0
    assert uploads(app) == []


def test_uploading_without_a_file_says_so(app, client, rooms, world):
    log_in(app, client, world["company"])
    response = client.post(f"/workspaces/{rooms['a']}/files", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file to upload." in response.get_data(as_text=True)


def test_a_file_over_the_cap_is_refused_with_the_limit(instance_path, world, rooms):
    app = build_app(instance_path, MAX_UPLOAD_BYTES=1000)
    client = app.test_client()
    log_in(app, client, world["company"])
    response = post_file(client, rooms["a"], PDF + b"0" * 1000, "big.pdf")
    assert response.status_code == 422
    assert "The file is larger than 1000 B, the most this site accepts." in response.get_data(as_text=True)
    assert uploads(app) == []


def test_a_25_mb_upload_gets_a_clean_413_page(app, client, rooms, world):
    log_in(app, client, world["company"])
    response = post_file(client, rooms["a"], PDF + b"0" * (25 * 1024 * 1024), "huge.pdf")
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)
    assert uploads(app) == []


def test_the_cap_is_configurable_and_raises_the_body_limit_only_for_uploads(instance_path, world, rooms,
                                                                          monkeypatch):
    monkeypatch.setenv("PORTAL_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))
    app = build_app(instance_path)
    assert app.config["MAX_UPLOAD_BYTES"] == 5 * 1024 * 1024
    client = app.test_client()
    log_in(app, client, world["company"])
    assert post_file(client, rooms["a"], PDF + b"0" * (5 * 1024 * 1024), "big.pdf").status_code == 422
    assert post_file(client, rooms["a"], PDF + b"0" * (7 * 1024 * 1024), "big.pdf").status_code == 413
    # Every other page keeps the small limit, files or not.
    response = client.post("/alerts", data={"sector": "energy", "file": (io.BytesIO(b"0" * (3 * 1024 * 1024)), "x")},
                           content_type="multipart/form-data")
    assert response.status_code == 413


def test_outsiders_get_404_for_the_page_and_every_file(app, rooms, world):
    owner = app.test_client()
    log_in(app, owner, world["company"])
    post_file(owner, rooms["a"], PDF, "plan.pdf")
    with app.app_context():
        file_id = db.session.scalar(db.select(WorkspaceFile.id))
    for persona in ("other_company", "other_city", "admin"):
        client = app.test_client()
        log_in(app, client, world[persona])
        assert client.get(f"/workspaces/{rooms['a']}/files").status_code == 404, persona
        assert client.get(f"/workspaces/{rooms['a']}/files/{file_id}").status_code == 404, persona
        assert post_file(client, rooms["a"], PDF, "x.pdf").status_code == 404, persona
    # The city is in both workspaces: A's file under B's address does not exist.
    city = app.test_client()
    log_in(app, city, world["city"])
    assert city.get(f"/workspaces/{rooms['a']}/files/{file_id}").status_code == 200
    assert city.get(f"/workspaces/{rooms['b']}/files/{file_id}").status_code == 404
    assert "plan.pdf" not in city.get(f"/workspaces/{rooms['b']}/files").get_data(as_text=True)
