"""A small bilingual archive: Kazakh and Russian text files, and files whose text gives no clue, with a manifest."""
from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from archive.cli import main as muragat

# file name -> (the manifest's `language`, the text, the passage language Muragat should decide)
FILES = {
    "kazakh.txt": ("Kazakh", "Білім министрлігі 2024 жылы облыста жаңа мектептер салынатынын хабарлады. "
                             "Мектептерде шетелде оқыған мұғалімдер жұмыс істейді.", "kk"),
    # The manifest is wrong: the text says Russian, and the text decides.
    "russian.txt": ("қазақ", "Министерство образования сообщило о строительстве новых школ в 2024 году. "
                             "В школах будут работать учителя, которые прошли обучение за рубежом.", "ru"),
    # No clue in the text (no Kazakh letter, no function word): the manifest decides…
    "protocol_ru.txt": ("русский", "Протокол № 7. Москва, 2024.", "ru"),
    # …and without a hint, Cyrillic text is taken for Kazakh, the archive's own.
    "protocol.txt": ("", "Протокол № 8. Москва, 2024.", "kk"),
    # A value nobody can read is ignored; Latin text is "other".
    "notes.txt": ("klingon", "Minutes of the meeting, 2024.", "other"),
}
EXPECTED = {"kk": 2, "ru": 2, "other": 1}


def build(folder: Path, root: Path) -> Path:
    """Write the files and their CSV manifest into `folder` and ingest them with `muragat ingest` into `root`."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as manifest:
        rows = csv.writer(manifest)
        rows.writerow(["path", "title", "language"])
        for name, (language, text, _decided) in FILES.items():
            (folder / name).write_text(text, encoding="utf-8")
            rows.writerow([name, Path(name).stem, language])
    result = CliRunner().invoke(muragat, ["ingest", str(folder), "--metadata", str(folder / "manifest.csv"),
                                          "--archive", str(root), "--silent", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return root
