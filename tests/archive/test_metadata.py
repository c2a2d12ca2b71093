"""The manifest as archivists type it: dates in their usual forms come out as ISO 8601."""
from __future__ import annotations

import pytest

from archive.errors import MuragatError
from archive.metadata import load_manifest


def test_typed_dates_are_kept_as_iso_dates_and_what_is_no_day_stays_as_typed(tmp_path):
    rows = [("a.pdf", "12.09.1995"), ("b.pdf", "1995.09.12"), ("c.pdf", "3/7/1941"), ("d.pdf", "09.1995"),
            ("e.pdf", "1995-09-12"), ("f.pdf", "1995"), ("g.pdf", "31.02.1995"), ("h.pdf", "1930-жылдар"),
            ("i.pdf", "12-09-1995"), ("j.pdf", "12.09.1995\u200b")]
    (tmp_path / "manifest.csv").write_text("path,date\n" + "".join(f"{path},{date}\n" for path, date in rows),
                                           encoding="utf-8")
    manifest = load_manifest(tmp_path / "manifest.csv")
    dates = {path: manifest.by_path[str(tmp_path / path)].date for path, _ in rows}
    assert dates == {"a.pdf": "1995-09-12", "b.pdf": "1995-09-12", "c.pdf": "1941-07-03", "d.pdf": "1995-09",
                     "e.pdf": "1995-09-12", "f.pdf": "1995", "g.pdf": "31.02.1995", "h.pdf": "1930-жылдар",
                     "i.pdf": "1995-09-12", "j.pdf": "1995-09-12"}
    assert manifest.by_path[str(tmp_path / "h.pdf")].year == 1930


def test_a_spreadsheets_csv_with_semicolons_and_cells_of_several_lines_is_read_as_typed(tmp_path):
    """Excel saves CSV with semicolons where a comma is the decimal mark (Kazakh and Russian settings), and a cell
    typed with Alt+Enter holds a line break."""
    (tmp_path / "manifest.csv").write_text('path;title;date\na.pdf;"Жылдық есеп\n2017";2017\nb.pdf;Хат;1930\n',
                                           encoding="utf-8")
    manifest = load_manifest(tmp_path / "manifest.csv")
    assert manifest.by_path[str(tmp_path / "a.pdf")].title == "Жылдық есеп 2017"
    assert (manifest.by_path[str(tmp_path / "b.pdf")].title, manifest.by_path[str(tmp_path / "b.pdf")].year) == \
        ("Хат", 1930)
    (tmp_path / "bad.csv").write_text('path,title\na.pdf,"two\nlines"\nb.pdf,x,y\n', encoding="utf-8")
    with pytest.raises(MuragatError, match="bad.csv: line 4: more values than columns"):  # the line the row starts on
        load_manifest(tmp_path / "bad.csv")


def test_a_json_value_that_is_no_text_is_refused_naming_the_item(tmp_path):
    (tmp_path / "manifest.json").write_text('[{"path": "a.pdf", "date": 1995}, {"path": "b.pdf", "title": {"a": 1}}]',
                                            encoding="utf-8")
    with pytest.raises(MuragatError, match=r"manifest.json: item 2: title must be text \(or a whole number\)"):
        load_manifest(tmp_path / "manifest.json")
    (tmp_path / "manifest.json").write_text('[{"path": "a.pdf", "date": 1995}]', encoding="utf-8")
    assert load_manifest(tmp_path / "manifest.json").by_path[str(tmp_path / "a.pdf")].year == 1995


@pytest.mark.parametrize("name, text, says", [
    ("dup.csv", "path,title,access\nsecret.pdf,Жеке іс,restricted\n./secret.pdf,Жеке іс (түзетілген),\n",
     "dup.csv: line 3 names the same file as line 2; give each file one row"),
    ("cols.csv", "path,title,access,access\nsecret.pdf,x,restricted,\n", "line 1: the column 'access' is named twice"),
    ("keys.json", '[{"path": "secret.pdf", "access": "restricted", "Access": "public"}]',
     r"item 1: 'access' is given twice \(in other capitals\)"),
    ("bool.json", '[{"path": "secret.pdf", "title": true}]', r"item 1: title must be text \(or a whole number\)"),
])
def test_a_manifest_that_says_two_things_of_one_file_is_refused_naming_where(tmp_path, name, text, says):
    """The last row or key used to win, silently: a correction row without `access` published a restricted file."""
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(MuragatError, match=says):
        load_manifest(tmp_path / name)


def test_a_restriction_in_a_path_row_holds_beside_a_sha256_row_for_the_same_file(tmp_path):
    sha256 = "a" * 64
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "m.csv").write_text(f"path,sha256,title,access\nsecret.pdf,,Жеке іс,restricted\n,{sha256},Атауы,\n",
                                    encoding="utf-8")
    found = load_manifest(tmp_path / "m.csv").lookup(str(tmp_path / "secret.pdf"), sha256)
    assert (found.title, found.access) == ("Атауы", "restricted")
