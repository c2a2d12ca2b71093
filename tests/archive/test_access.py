"""Collections' access, users, grants and tokens from the command line; who sees which documents."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.access import ANONYMOUS, Viewer, authenticate, hidden_documents
from archive.catalog import Catalog
from archive.cli import main as muragat
from archive.errors import MuragatError
from archive.home import Archive
from archive.metadata import load_manifest

DOCUMENT = "372de5891862daab"  # the sample document, in no collection ("")


def add_user(archive, name: str, role: str = "reader", password: str = "long enough password"):
    """`muragat user add NAME --role ROLE --password-stdin`."""
    return CliRunner().invoke(muragat, ["user", "add", name, "--role", role, "--password-stdin", "--archive",
                                        str(archive)], input=password + "\n")


@pytest.mark.parametrize("args, message", [
    (("collection", "nope"), "no collection 'nope' in this archive"),
    (("collection", "", "--access", "secret"), "access must be public or restricted, not 'secret'"),
    (("grant", "nobody", ""), "no user 'nobody' in this archive; `muragat user list` shows them"),
    (("revoke", "nobody", ""), "no user 'nobody' in this archive"),
    (("token", "create", "nobody"), "no user 'nobody' in this archive"),
    (("user", "remove", "nobody"), "no user 'nobody' in this archive"),
])
def test_bad_input_is_one_line_naming_what_and_what_to_do(own_archive_dir, run_cli, args, message):
    result = run_cli(*args, "--archive", own_archive_dir)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"muragat: {message}")
    assert "Traceback" not in result.output


def test_user_add_refuses_a_bad_role_a_short_password_and_a_taken_name(own_archive_dir, run_cli):
    bad_role = add_user(own_archive_dir, "aigerim", role="boss")
    assert bad_role.exit_code == 1 and "role must be one of reader, archivist, admin, not 'boss'" in bad_role.stderr
    short = add_user(own_archive_dir, "aigerim", password="short")
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr
    assert add_user(own_archive_dir, "aigerim").exit_code == 0
    taken = add_user(own_archive_dir, "aigerim")
    assert taken.exit_code == 1 and "`muragat user password aigerim`" in taken.stderr
    spaced = add_user(own_archive_dir, "two words")
    assert spaced.exit_code == 1 and "without spaces" in spaced.stderr
    unknown_grant = run_cli("grant", "aigerim", "nope", "--archive", own_archive_dir)
    assert unknown_grant.exit_code == 1 and "no collection 'nope'" in unknown_grant.stderr
    not_held = run_cli("revoke", "aigerim", "", "--archive", own_archive_dir)
    assert not_held.exit_code == 1 and "holds no grant to collection ''" in not_held.stderr


def test_passwords_are_kept_as_scrypt_hashes(own_archive_dir, run_cli):
    add_user(own_archive_dir, "aigerim")
    catalog = Catalog(own_archive_dir / "catalog.sqlite")
    stored = catalog.user("aigerim").password_hash
    assert stored.startswith("scrypt:") and "long enough password" not in stored
    assert authenticate(catalog, "aigerim", "long enough password").name == "aigerim"
    assert authenticate(catalog, "aigerim", "wrong") is None and authenticate(catalog, "nobody", "x") is None


def test_who_sees_a_restricted_collection(own_archive_dir, run_cli):
    assert run_cli("collection", "", "--access", "restricted", "--archive", own_archive_dir).stdout == ": restricted\n"
    add_user(own_archive_dir, "aigerim")
    add_user(own_archive_dir, "keeper", role="archivist")
    catalog = Catalog(own_archive_dir / "catalog.sqlite")
    assert hidden_documents(catalog, ANONYMOUS) == {DOCUMENT}
    assert hidden_documents(catalog, Viewer("aigerim", "reader")) == {DOCUMENT}
    assert hidden_documents(catalog, Viewer("keeper", "archivist")) == frozenset()
    assert run_cli("grant", "aigerim", "", "--archive", own_archive_dir).exit_code == 0
    assert hidden_documents(catalog, Viewer("aigerim", "reader")) == frozenset()
    status = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)
    assert status["restricted_collections"] == [""] and status["restricted_documents"] == 1 and status["users"] == 2
    assert "(none): 1 document, restricted" in run_cli("status", "--archive", own_archive_dir).stdout
    listed = json.loads(run_cli("user", "list", "--json", "--archive", own_archive_dir).stdout)["users"]
    assert [(user["name"], user["role"], user["grants"]) for user in listed] == [
        ("aigerim", "reader", [""]), ("keeper", "archivist", [])]


def test_the_web_ui_reads_nothing_without_a_viewer(own_archive_dir):
    """An archive served to viewers fails closed: a read outside a request's viewer is an error, never all."""
    archive = Archive.existing(own_archive_dir, read_only=True)
    archive.viewers_pinned = True
    with pytest.raises(RuntimeError):
        archive.document(DOCUMENT)
    archive.pin_viewer(ANONYMOUS)
    assert archive.document(DOCUMENT).id == DOCUMENT  # public
    archive.release_viewer()
    with pytest.raises(RuntimeError):
        archive.list_documents()


def test_a_restricted_document_is_missing_to_who_may_not_see_it(own_archive_dir, run_cli):
    run_cli("collection", "", "--access", "restricted", "--archive", own_archive_dir)
    archive = Archive.existing(own_archive_dir, read_only=True)
    archive.pin_viewer(ANONYMOUS)
    with pytest.raises(MuragatError, match="no document '372de5891862daab' in this archive"):
        archive.page(DOCUMENT, 1)
    assert archive.search("құқық").total == 0 and archive.list_documents().total == 0
    assert archive.overview()["documents"] == 0 and archive.overview()["collections"] == {}
    archive.pin_viewer(Viewer("keeper", "archivist"))
    assert archive.search("құқық").total > 0
    archive.record_view(archive.document(DOCUMENT), "page", 1)
    assert [(entry.user, entry.what, entry.page) for entry in Catalog(own_archive_dir / "catalog.sqlite").audit()] \
        == [("keeper", "page", 1)]


def test_the_manifest_access_column(tmp_path, sample_pdf, run_cli):
    (tmp_path / "manifest.csv").write_text(f"path,collection,access\n{sample_pdf},laws,Restricted\n",
                                           encoding="utf-8")
    assert load_manifest(tmp_path / "manifest.csv").by_path[str(sample_pdf)].access == "restricted"
    archive = tmp_path / "archive"
    assert run_cli("ingest", sample_pdf, "--metadata", tmp_path / "manifest.csv", "--archive", archive,
                   "--silent", "--workers", "1").exit_code == 0
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["restricted_documents"] == 1 and status["restricted_collections"] == []
    said = run_cli("collection", "laws", "--archive", archive).stdout
    assert said == "laws: public (1 of its 1 document restricted by their own access)\n"
    assert "collection: laws: 1 document, public (1 of its 1 document restricted by their own access)" in \
        run_cli("status", "--archive", archive).stdout
    # a manifest saying public lifts the document's own restriction, without reindexing it
    (tmp_path / "manifest.csv").write_text(f"path,access\n{sample_pdf},public\n", encoding="utf-8")
    again = run_cli("ingest", sample_pdf, "--metadata", tmp_path / "manifest.csv", "--archive", archive, "--silent")
    assert "updated the details of 1 document already in the archive (access from the manifest" in again.stdout
    assert "nothing new" not in again.stdout
    after = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert after["restricted_documents"] == 0 and after["unindexed_documents"] == 0
    (tmp_path / "bad.csv").write_text(f"path,access\n{sample_pdf},secret\n", encoding="utf-8")
    with pytest.raises(MuragatError, match="line 2: access must be public or restricted, not 'secret'"):
        load_manifest(tmp_path / "bad.csv")


def test_a_collection_restricted_before_its_first_document(tmp_path, sample_pdf, run_cli):
    archive = tmp_path / "archive"
    assert run_cli("ingest", sample_pdf, "--archive", archive, "--silent").exit_code == 0  # in no collection
    declared = run_cli("collection", "Жеке істер", "--access", "restricted", "--archive", archive)
    assert declared.exit_code == 0 and "Жеке істер: restricted (no documents in it yet" in declared.stdout
    add_user(archive, "aigerim")
    assert run_cli("grant", "aigerim", "Жеке істер", "--archive", archive).exit_code == 0
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(sample_pdf.read_bytes() + b"\n% another file\n")
    (tmp_path / "manifest.csv").write_text(f"path,collection\n{copy},Жеке істер\n", encoding="utf-8")
    assert run_cli("ingest", copy, "--metadata", tmp_path / "manifest.csv", "--archive", archive,
                   "--silent").exit_code == 0
    catalog = Catalog(archive / "catalog.sqlite")
    hidden = hidden_documents(catalog, ANONYMOUS)
    assert len(hidden) == 1 and DOCUMENT not in hidden
    assert hidden_documents(catalog, Viewer("aigerim", "reader")) == frozenset()
    assert run_cli("collection", "Жеке істер", "--archive", archive).stdout == "Жеке істер: restricted\n"
    listed = run_cli("list", "--archive", archive).stdout.splitlines()
    assert sum(line.endswith("[restricted]") for line in listed) == 1
    documents = json.loads(run_cli("list", "--json", "--archive", archive).stdout)["documents"]
    assert sorted(document["access"] for document in documents) == ["public", "restricted"]


def test_a_copy_of_a_restricted_document_ingested_into_a_public_collection_stays_restricted(tmp_path, sample_pdf,
                                                                                           run_cli):
    archive = tmp_path / "archive"
    (tmp_path / "private.csv").write_text(f"path,collection\n{sample_pdf},Жеке істер\n", encoding="utf-8")
    assert run_cli("ingest", sample_pdf, "--metadata", tmp_path / "private.csv", "--archive", archive,
                   "--silent").exit_code == 0
    assert run_cli("collection", "Жеке істер", "--access", "restricted", "--archive", archive).exit_code == 0
    (tmp_path / "batch").mkdir()
    copy = tmp_path / "batch" / "newspaper_1961_03.pdf"
    copy.write_bytes(sample_pdf.read_bytes())
    moved = run_cli("ingest", tmp_path / "batch", "--collection", "Газеттер", "--archive", archive, "--silent")
    assert moved.exit_code == 0
    assert f"kept restricted: 1 document moved out of a restricted collection or added again after its removal " \
           f"({DOCUMENT} (" in moved.stderr and "from 'Жеке істер' to 'Газеттер'" in moved.stderr
    catalog = Catalog(archive / "catalog.sqlite")
    assert catalog.document(DOCUMENT).collection == "Газеттер"  # the move is made, the restriction kept
    # a name typed in other capitals is the collection (chosen, or typed in the query): found, not refused
    assert run_cli("list", "--collection", "газеттер", "--archive", archive).stdout.startswith("1 document")
    typed = json.loads(run_cli("search", "Страсбург collection:газеттер", "--json", "--archive", archive)
                       .stdout)
    assert typed["total"] > 0 and typed["query"] == "Страсбург collection:газеттер"  # echoed as typed
    assert hidden_documents(catalog, ANONYMOUS) == {DOCUMENT}
    # removed and added again: restricted still
    assert run_cli("remove", DOCUMENT, "--archive", archive).exit_code == 0
    back = run_cli("ingest", copy, "--readd-removed", "--archive", archive, "--silent")
    assert back.exit_code == 0 and "kept restricted: 1 document" in back.stderr
    assert hidden_documents(Catalog(archive / "catalog.sqlite"), ANONYMOUS) == {DOCUMENT}
    # only a manifest row saying so publishes it
    (tmp_path / "public.csv").write_text(f"path,access\n{copy},public\n", encoding="utf-8")
    published = run_cli("ingest", copy, "--metadata", tmp_path / "public.csv", "--archive", archive, "--silent")
    assert published.exit_code == 0 and "kept restricted" not in published.stderr
    assert hidden_documents(Catalog(archive / "catalog.sqlite"), ANONYMOUS) == frozenset()


def test_a_restricted_row_finds_its_file_named_in_decomposed_letters_and_one_naming_no_file_stops_the_ingest(
        tmp_path, sample_pdf, run_cli):
    import unicodedata

    folder = tmp_path / "from mac"
    folder.mkdir()
    name = "Жеке іс Әбілқайыр.pdf"  # й as и + a combining breve, as files copied from macOS are named
    (folder / unicodedata.normalize("NFD", name)).write_bytes(sample_pdf.read_bytes())
    manifest = folder / "manifest.csv"
    manifest.write_text(f"path,access\n{name},restricted\n", encoding="utf-8")
    archive = tmp_path / "archive"
    result = run_cli("ingest", folder, "--metadata", manifest, "--archive", archive, "--silent")
    assert result.exit_code == 0 and "no file" not in result.stderr
    assert hidden_documents(Catalog(archive / "catalog.sqlite"), ANONYMOUS) == {DOCUMENT}

    manifest.write_text("path,access\nreport.pdf,restricted\n", encoding="utf-8")  # the file is Report.PDF
    (folder / "Report.PDF").write_bytes(sample_pdf.read_bytes() + b"\n% another file\n")
    refused = run_cli("ingest", folder, "--metadata", manifest, "--archive", archive, "--silent")
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert "manifest.csv: line 2: no file report.pdf, and its row restricts it; correct the path" in refused.stderr
    assert json.loads(run_cli("status", "--json", "--archive", archive).stdout)["documents"] == 1


def test_a_document_ingested_into_a_restricted_collection_named_in_other_capitals_is_restricted(tmp_path, sample_pdf,
                                                                                                 run_cli):
    archive = tmp_path / "archive"
    assert run_cli("ingest", sample_pdf, "--archive", archive, "--silent").exit_code == 0
    assert run_cli("collection", "Secret", "--access", "restricted", "--archive", archive).exit_code == 0
    other = tmp_path / "other.pdf"
    other.write_bytes(sample_pdf.read_bytes() + b"\n% another file\n")
    assert run_cli("ingest", other, "--collection", "secret", "--archive", archive, "--silent").exit_code == 0
    catalog = Catalog(archive / "catalog.sqlite")
    assert set(catalog.collections()) == {"", "Secret"} and len(hidden_documents(catalog, ANONYMOUS)) == 1


def test_a_catalog_of_version_4_gains_the_access_tables(own_archive_dir):
    path = own_archive_dir / "catalog.sqlite"
    with sqlite3.connect(path) as db:
        for table in ("collections", "users", "grants", "tokens", "audit", "settings"):
            db.execute(f"DROP TABLE {table}")
        db.execute("ALTER TABLE documents DROP COLUMN access")
        db.execute("PRAGMA user_version = 4")
    catalog = Catalog(path)
    assert catalog.document(DOCUMENT).access == "" and len(catalog.secret_key()) == 64
    assert catalog.hidden_documents("", sees_everything=False) == frozenset()


def test_every_access_command_and_option_is_in_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for documented in ("muragat collection NAME --access public|restricted", "muragat user add NAME --role",
                       "--password-stdin", "muragat grant NAME COLLECTION", "muragat revoke NAME COLLECTION",
                       "muragat token create NAME", "muragat token revoke NAME", "`user password NAME`",
                       "`user remove NAME`", "muragat user list", "muragat audit", "--proxies N", "`access`"):
        assert documented in readme, documented
