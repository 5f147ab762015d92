"""The quarterly open-data files and their passports, in the form of the national open-data portal (data.egov.kz).

For each quarter with published results, `publish_quarter` writes the proposals of that quarter (the dataset
`proposals`, opendata/datasets.py) as CSV files of at most OPEN_DATA_MAX_FILE_BYTES each (10 MB: the national
portal's limit; a larger quarter is split into parts, each with the header), and a passport: the dataset's name
and description in Kazakh, Russian and English, every field with its type and whether it is the key, the update
frequency, the owner, and each file with its size, rows and SHA-256. A catalogue (`catalogue.json`) lists the
passports, newest quarter first; the public page /<lang>/open-data/ reads it.

The files are written beside each other under `opendata/` in the default storage, a new one replacing the old
only once complete (written under a temporary name, then renamed): a reader never gets half a file.
`manage.py publish_open_data` writes them, and the beat's daily job keeps the last two quarters current.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from common.quarters import quarter_of
from common.spreadsheets import neutralise
from consultations.models import QuarterlySchedule

from . import datasets

FOLDER = "opendata"
PASSPORT_TYPES = {"string": "string", "integer": "integer", "date": "date", "datetime": "datetime"}


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class WrittenFile:
    name: str
    size: int
    rows: int
    sha256: str


def _in_each_language(text) -> dict[str, str]:
    names = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            names[language] = str(text)
    return names


def passport(dataset: datasets.Dataset, *, code: str, files: list[WrittenFile], period: str) -> dict:
    """The dataset's passport, with the keys the national portal's passports use."""
    name, description = _in_each_language(dataset.name), _in_each_language(dataset.description)
    owner = settings.OPEN_DATA_OWNER
    return {
        "code": code,
        "nameKk": f"{name['kk']} ({period})",
        "nameRu": f"{name['ru']} ({period})",
        "nameEn": f"{name['en']} ({period})",
        "descriptionKk": description["kk"],
        "descriptionRu": description["ru"],
        "descriptionEn": description["en"],
        "owner": owner,
        "updateFrequency": "quarterly",
        "keyField": dataset.key,
        "format": "CSV (UTF-8, comma-separated, header in Kazakh / Russian)",
        "fields": [
            {
                "code": column.name,
                **{f"name{language.title()}": label for language, label in _in_each_language(column.label).items()},
                "type": PASSPORT_TYPES[column.type],
                "isKey": column.name == dataset.key,
            }
            for column in dataset.columns
        ],
        "files": [file.__dict__ for file in files],
        "updated": timezone.localtime().isoformat(timespec="seconds"),
    }


def write_parts(dataset: datasets.Dataset, queryset, stem: str) -> list[WrittenFile]:
    """The rows as CSV files `stem`.csv, `stem`-2.csv… of at most OPEN_DATA_MAX_FILE_BYTES each."""
    limit = settings.OPEN_DATA_MAX_FILE_BYTES
    header = _line(dataset.header(), bom=True)
    written: list[WrittenFile] = []
    part: _Part | None = None
    for row in dataset.rows(queryset):
        line = _line([neutralise(value) for value in row])
        if part is None or part.size + len(line) > limit:
            if part is not None:
                written.append(part.close())
            part = _Part(f"{stem}.csv" if not written else f"{stem}-{len(written) + 1}.csv", header)
        part.write(line)
    if part is None:  # a quarter with nothing published yet still has its (empty) file
        part = _Part(f"{stem}.csv", header)
    written.append(part.close())
    return written


def _line(values: list, bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


class _Part:
    """One file being written under a temporary name; `close` puts it in place."""

    def __init__(self, name: str, header: bytes):
        self.name, self.size, self.rows = name, 0, 0
        self.digest = hashlib.sha256()
        descriptor, self.temporary = tempfile.mkstemp(dir=folder(), prefix=".writing-")
        self.file = os.fdopen(descriptor, "wb")
        self.write(header, counts=False)

    def write(self, line: bytes, counts: bool = True) -> None:
        self.file.write(line)
        self.digest.update(line)
        self.size += len(line)
        self.rows += counts

    def close(self) -> WrittenFile:
        self.file.close()
        os.chmod(self.temporary, 0o644)
        os.replace(self.temporary, folder() / self.name)
        return WrittenFile(name=self.name, size=self.size, rows=self.rows, sha256=self.digest.hexdigest())


def publish_quarter(year: int, quarter: int) -> dict:
    """The quarter's files and passport; returns the passport (also written as <code>.json)."""
    code = f"proposals-{year}-q{quarter}"
    files = write_parts(datasets.PROPOSALS, datasets.of_quarter(year, quarter), code)
    written = passport(datasets.PROPOSALS, code=code, files=files, period=f"{year} Q{quarter}")
    _write_json(f"{code}.json", written)
    return written


def quarters_with_schedules() -> list[tuple[int, int]]:
    """Every quarter some council published a schedule for, newest first."""
    rows = QuarterlySchedule.objects.published().values_list("year", "quarter").distinct()
    return sorted(set(rows), reverse=True)


def publish(quarters: list[tuple[int, int]] | None = None) -> list[dict]:
    """Write the given quarters (by default the current and the previous one), then the catalogue of all."""
    quarters = quarters if quarters is not None else recent_quarters()
    passports = [publish_quarter(year, quarter) for year, quarter in quarters]
    write_catalogue()
    return passports


def recent_quarters(today: datetime.date | None = None) -> list[tuple[int, int]]:
    year, quarter = quarter_of(today or timezone.localdate())
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return [(year, quarter), previous]


def write_catalogue() -> list[dict]:
    """The list of every passport written, newest quarter first (what the public page shows)."""
    passports = []
    for path in sorted(folder().glob("proposals-*.json"), reverse=True):
        passports.append(json.loads(path.read_text(encoding="utf-8")))
    passports.sort(key=lambda item: quarter_of_code(item["code"]), reverse=True)
    _write_json("catalogue.json", passports)
    return passports


def quarter_of_code(code: str) -> tuple[int, int]:
    _, year, quarter = code.split("-")
    return int(year), int(quarter.removeprefix("q"))


def catalogue() -> list[dict]:
    path = folder() / "catalogue.json"
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(name: str, value) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=folder(), prefix=".writing-")
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(value, file, ensure_ascii=False, indent=2)
    os.chmod(temporary, 0o644)
    os.replace(temporary, folder() / name)


def published_file(name: str) -> Path | None:
    """A file of the catalogue by its name, or None: only names a passport lists are ever served."""
    for item in catalogue():
        for file in item["files"]:
            if file["name"] == name:
                return folder() / name
        if f"{item['code']}.json" == name:
            return folder() / name
    return None
