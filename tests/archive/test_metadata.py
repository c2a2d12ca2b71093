"""The manifest as archivists type it: dates in their usual forms come out as ISO 8601."""
from __future__ import annotations

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
