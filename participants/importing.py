"""Reading referral lists (CSV or XLSX) into participants: parse, check every row, report.

Nothing here writes. `parse_referral_file` turns a file into rows, each with the values it will
register and the errors that stop it; `mark_registered` adds the people already registered (a
logged, register-wide check: `participants.duplicates`); `participants.services.participants_import`
writes the valid rows in one transaction once the coordinator has seen the preview and confirmed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.spreadsheets import csv_text
from taxonomy.models import EducationLevel, Occupation, SwedishLevel

from .duplicates import Registered
from .identity import normalize_identity_number
from .models import Participant, ReferralSource, TargetGroup, establishment_programme_end_for

# What a referral list may hold. The upload form caps the file at 10 MB, but a compressed XLSX of
# 400 KB once unpacked to 3.5 GB in memory: the workbook's parts are measured before it is opened,
# and the rows and columns are counted while they are read. A real list of 20,000 people written
# by openpyxl unpacks to 16 MB at a ratio of 10.
MAX_ROWS = 20_000
MAX_COLUMNS = 50  # the template has 14
MAX_BLANK_LINES = 1_000  # empty lines between rows, beyond the MAX_ROWS data rows
MAX_LINE_LENGTH = 10_000  # characters in a line of a CSV file
MAX_ZIP_ENTRIES = 200  # parts of an XLSX file (a plain workbook has about ten)
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024  # all parts together, unpacked
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024  # the strings table, which openpyxl reads whole: 17 MB took 95 MB
MAX_COMPRESSION_RATIO = 100  # unpacked size over packed size of a part bigger than 1 MB


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    description: Any


COLUMNS = [
    Column("identity_number", "personnummer", True, gettext_lazy("Personnummer or samordningsnummer")),
    Column("first_name", "förnamn", True, gettext_lazy("first name")),
    Column("last_name", "efternamn", True, gettext_lazy("last name")),
    Column("target_group", "målgrupp", True, gettext_lazy("nyanländ, ung or övrig")),
    Column("referral_source", "anvisad av", True, gettext_lazy("Arbetsförmedlingen, socialförvaltningen or annan")),
    Column("referral_date", "anvisningsdatum", True, gettext_lazy("YYYY-MM-DD")),
    Column("residence_permit_date", "uppehållstillstånd", False, gettext_lazy("YYYY-MM-DD, for newcomers")),
    Column("swedish_level", "svenskanivå", False, gettext_lazy("ingen, A, B, C, D, SFI klar, SVA or flytande")),
    Column(
        "education_level", "utbildning", False, gettext_lazy("ingen, grundskola, gymnasium, eftergymnasial, högskola")
    ),
    Column("hours_per_day", "timmar per dag", False, gettext_lazy("e.g. 4")),
    Column("phone", "telefon", False, gettext_lazy("phone")),
    Column("email", "e-post", False, gettext_lazy("e-mail")),
    Column("occupation", "yrke (ssyk)", False, gettext_lazy("SSYK 2012 code of the main work experience, four digits")),
    Column("years", "år i yrket", False, gettext_lazy("years of that experience")),
]


def _fold(text: str) -> str:
    """Compare headers and words without case, accents or punctuation: "Målgrupp" == "malgrupp"."""
    decomposed = unicodedata.normalize("NFKD", str(text).strip().lower())
    return "".join(c for c in decomposed if c.isalnum())


HEADERS = {_fold(c.header): c for c in COLUMNS} | {_fold(c.key): c for c in COLUMNS}

TARGET_GROUPS = {
    **{_fold(w): TargetGroup.NEWCOMER for w in ("nyanländ", "nyanlända", "newcomer")},
    **{_fold(w): TargetGroup.YOUTH for w in ("ung", "unga", "youth")},
    **{_fold(w): TargetGroup.OTHER for w in ("övrig", "övriga", "other")},
}
REFERRAL_SOURCES = {
    **{_fold(w): ReferralSource.EMPLOYMENT_SERVICE for w in ("arbetsförmedlingen", "af", "employment_service")},
    **{_fold(w): ReferralSource.SOCIAL_SERVICES for w in ("socialförvaltningen", "soc", "social_services")},
    **{_fold(w): ReferralSource.OTHER for w in ("annan", "other")},
}
SWEDISH_LEVELS = {
    **{_fold(w): SwedishLevel.NONE for w in ("ingen", "none")},
    **{_fold(w): SwedishLevel.SFI_A for w in ("a", "sfi a")},
    **{_fold(w): SwedishLevel.SFI_B for w in ("b", "sfi b")},
    **{_fold(w): SwedishLevel.SFI_C for w in ("c", "sfi c")},
    **{_fold(w): SwedishLevel.SFI_D for w in ("d", "sfi d")},
    **{_fold(w): SwedishLevel.SFI_COMPLETED for w in ("sfi klar", "sfi avslutad", "klar")},
    **{_fold(w): SwedishLevel.SVA for w in ("sva", "svenska som andraspråk")},
    **{_fold(w): SwedishLevel.FLUENT for w in ("flytande", "fluent")},
}
EDUCATION_LEVELS = {
    **{_fold(w): EducationLevel.NONE for w in ("ingen", "none")},
    **{_fold(w): EducationLevel.COMPULSORY for w in ("grundskola",)},
    **{_fold(w): EducationLevel.UPPER_SECONDARY for w in ("gymnasium", "gymnasieskola")},
    **{_fold(w): EducationLevel.POST_SECONDARY for w in ("eftergymnasial",)},
    **{_fold(w): EducationLevel.UNIVERSITY for w in ("högskola", "universitet")},
}


@dataclass
class ImportRow:
    """One data row of the file: its line number, what it will register, and what stops it."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # Set by `mark_registered`: the case file the user may open, or a person registered out of reach.
    registered_pk: int | None = None
    registered_elsewhere: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def name(self) -> str:
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, header, size)."""


def read_table(content: bytes, filename: str) -> Iterator[list[Any]]:
    """The rows of a CSV (UTF-8, comma or semicolon) or XLSX file, header first."""
    if filename.lower().endswith(".xlsx"):
        yield from _read_xlsx(content)
    elif filename.lower().endswith((".csv", ".txt")):
        yield from _read_csv(content)
    else:
        raise ImportFileError(_("Upload a CSV or an XLSX file."))


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("A file may hold at most %(max)s rows.") % {"max": MAX_ROWS})


def _too_many_columns() -> ImportFileError:
    return ImportFileError(_("A file may hold at most %(max)s columns.") % {"max": MAX_COLUMNS})


def _check_csv_size(text: str) -> None:
    """Lines and their length, counted before the csv module reads a cell."""
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if number > MAX_ROWS + MAX_BLANK_LINES + 1:
            raise _too_many_rows()
        if len(line) > MAX_LINE_LENGTH:
            raise ImportFileError(
                _("Line %(line)s of the CSV file is longer than %(max)s characters.")
                % {"line": number, "max": MAX_LINE_LENGTH}
            )


def _read_csv(content: bytes) -> Iterator[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The CSV file must be saved as UTF-8.")) from exc
    _check_csv_size(text)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS and any(cell.strip() for cell in row[MAX_COLUMNS:]):
                raise _too_many_columns()
            yield row[:MAX_COLUMNS]
    except csv.Error as exc:  # a cell over the csv module's size limit, or a stray carriage return
        raise ImportFileError(
            _("Line %(line)s of the CSV file cannot be read: a cell is too long or holds a stray line break.")
            % {"line": reader.line_num}
        ) from exc


def _check_xlsx_parts(content: bytes) -> None:
    """The workbook's zip parts, measured from the zip's directory before anything is unpacked.

    Python's zipfile never unpacks a part beyond the size the directory states (and checks its
    CRC), so the stated sizes bound what openpyxl can be made to read."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc

    def too_large(limit: int) -> ImportFileError:
        return ImportFileError(
            _("The workbook unpacks to more than %(max)s MB. Save only the referral list in it, or save it as CSV.")
            % {"max": limit // (1024 * 1024)}
        )

    if len(parts) > MAX_ZIP_ENTRIES:
        raise ImportFileError(
            _("The workbook has more than %(max)s parts. Save only the referral list in it, or save it as CSV.")
            % {"max": MAX_ZIP_ENTRIES}
        )
    if sum(part.file_size for part in parts) > MAX_UNCOMPRESSED_BYTES:
        raise too_large(MAX_UNCOMPRESSED_BYTES)
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml") and part.file_size > MAX_SHARED_STRINGS_BYTES:
            raise too_large(MAX_SHARED_STRINGS_BYTES)
        if part.file_size > 1024 * 1024 and part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1):
            raise ImportFileError(
                _("The workbook is packed unusually tightly (a part unpacks to over %(ratio)s times its size).")
                % {"ratio": MAX_COMPRESSION_RATIO}
            )


def _read_xlsx(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    _check_xlsx_parts(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # The size the sheet states, if it states one. It may lie: openpyxl would then stop at the
        # stated last row and drop the rest unseen, so the statement is forgotten once checked and
        # rows and columns are counted while read.
        if (sheet.max_row or 0) > MAX_ROWS + MAX_BLANK_LINES + 1:
            raise _too_many_rows()
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise _too_many_columns()
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
            if number > MAX_ROWS + MAX_BLANK_LINES + 1:
                raise _too_many_rows()
            if len(row) > MAX_COLUMNS and row[MAX_COLUMNS] not in (None, ""):
                raise _too_many_columns()
            yield list(row[:MAX_COLUMNS])
    finally:
        workbook.close()


def parse_referral_file(content: bytes, filename: str) -> list[ImportRow]:
    """Every data row of the file, checked. Raises ImportFileError if the file itself is unusable."""
    table = read_table(content, filename)
    header = next(table, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    columns: list[Column | None] = [HEADERS.get(_fold(h)) if h is not None else None for h in header]
    missing = [c.header for c in COLUMNS if c.required and c not in columns]
    if missing:
        raise ImportFileError(_("Columns missing from the first row: %(columns)s.") % {"columns": ", ".join(missing)})

    rows: list[ImportRow] = []
    for number, cells in enumerate(table, start=2):
        if not any(_text(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows()
        raw = {col.key: cells[i] if i < len(cells) else None for i, col in enumerate(columns) if col is not None}
        rows.append(_check_row(number, raw))
    _mark_duplicates(rows)
    return rows


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value))


def _check_row(line: int, raw: dict[str, Any]) -> ImportRow:
    row = ImportRow(line=line)
    values = row.values
    for column in COLUMNS:
        if column.required and not _text(raw.get(column.key)):
            row.errors.append(_("%(column)s is missing.") % {"column": column.header})
        elif "\x00" in _text(raw.get(column.key)):
            # PostgreSQL cannot store a null character in text (forms refuse it too).
            row.errors.append(_("%(column)s contains a null character.") % {"column": column.header})
    if row.errors:
        values.update({k: _text(v) for k, v in raw.items() if k in ("first_name", "last_name")})
        return row

    values["first_name"] = _text(raw["first_name"])[:100]
    values["last_name"] = _text(raw["last_name"])[:100]
    try:
        values["identity_number"] = normalize_identity_number(_text(raw["identity_number"]))
    except ValidationError:
        row.errors.append(_("The identity number is not valid."))
    _choice(row, raw, "target_group", TARGET_GROUPS, _("Unknown target group."))
    _choice(row, raw, "referral_source", REFERRAL_SOURCES, _("Unknown referral source."))
    for key in ("referral_date", "residence_permit_date"):
        if _text(raw.get(key)):
            try:
                values[key] = _date(raw[key])
            except ValueError:
                row.errors.append(_("%(column)s is not a date (YYYY-MM-DD).") % {"column": _header(key)})
    if _text(raw.get("swedish_level")):
        _choice(row, raw, "swedish_level", SWEDISH_LEVELS, _("Unknown Swedish level."))
    if _text(raw.get("education_level")):
        _choice(row, raw, "education_level", EDUCATION_LEVELS, _("Unknown education level."))
    for key, low, high in (("hours_per_day", Decimal("0.5"), Decimal("10")), ("years", Decimal("0"), Decimal("60"))):
        if _text(raw.get(key)):
            try:
                number = Decimal(_text(raw[key]).replace(",", ".")).quantize(Decimal("0.1"))
            except InvalidOperation:
                row.errors.append(_("%(column)s is not a number.") % {"column": _header(key)})
                continue
            if not low <= number <= high:
                row.errors.append(
                    _("%(column)s must be between %(low)s and %(high)s.")
                    % {"column": _header(key), "low": low, "high": high}
                )
            values[key] = number
    values["phone"] = _text(raw.get("phone"))[:30]
    values["email"] = _text(raw.get("email"))[:254]
    code = _text(raw.get("occupation"))
    if code:
        values["occupation"] = code
    if not row.errors:
        _check_model_rules(row)
    return row


def _check_model_rules(row: ImportRow) -> None:
    """The participant model's own field and cross-field rules, without database queries."""
    participant = build_participant(row)
    try:
        participant.full_clean(
            exclude=["team", "coordinator", "identity_number"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            label = str(Participant._meta.get_field(field_name).verbose_name) if field_name != "__all__" else ""  # type: ignore[union-attr]  # a concrete field
            row.errors.extend(f"{label}: {m}" if label else m for m in messages)


def build_participant(row: ImportRow) -> Participant:
    """An unsaved participant from a checked row (team and coordinator are set by the writer)."""
    fields = {k: v for k, v in row.values.items() if k not in ("occupation", "years")}
    participant = Participant(**fields)
    if participant.residence_permit_date:
        participant.establishment_programme_end = establishment_programme_end_for(participant.residence_permit_date)
    return participant


def _header(key: str) -> str:
    return next(c.header for c in COLUMNS if c.key == key)


def _choice(row: ImportRow, raw: dict[str, Any], key: str, mapping: dict[str, Any], message: str) -> None:
    value = mapping.get(_fold(_text(raw.get(key))))
    if value is None:
        row.errors.append(f"{message} ({_text(raw.get(key))})")
    else:
        row.values[key] = value


def identity_numbers(rows: list[ImportRow]) -> list[str]:
    """The valid identity numbers of the rows, in normal form, for the register check."""
    return [r.values["identity_number"] for r in rows if "identity_number" in r.values]


def mark_registered(rows: list[ImportRow], registered: dict[str, Registered]) -> None:
    """Mark the rows of people already registered (from `duplicates.registered_by_identity_number`):
    a case file the user may open is linked; of anyone else the row tells only that they are
    registered in another team (the preview links the exact lookup)."""
    for row in rows:
        match = registered.get(row.values.get("identity_number", ""))
        if match is None:
            continue
        if match.visible:
            row.errors.append(_("Already registered, in a case file you can open."))
            row.registered_pk = match.pk
        else:
            row.errors.append(_("Already registered in another team."))
            row.registered_elsewhere = True


def _mark_duplicates(rows: list[ImportRow]) -> None:
    """Duplicates within the file, and unknown occupations (one query). The register is asked
    apart, by `mark_registered`, since that check is logged and depends on the user."""
    codes = {r.values["occupation"] for r in rows if "occupation" in r.values}
    known = set(Occupation.objects.filter(code__in=codes, level=Occupation.Level.UNIT).values_list("code", flat=True))
    first_line: dict[str, int] = {}
    for row in rows:
        number = row.values.get("identity_number")
        if number:
            if number in first_line:
                row.errors.append(_("The same person as on line %(line)s.") % {"line": first_line[number]})
            else:
                first_line[number] = row.line
        code = row.values.get("occupation")
        if code and code not in known:
            row.errors.append(_("Unknown occupation code %(code)s.") % {"code": code})
        if "years" in row.values and not code:
            row.errors.append(_("Years of experience need an occupation code."))


def template_csv() -> str:
    """A template file: the header row and one example row (`;` and a BOM, for Swedish Excel)."""
    return csv_text(
        header=[c.header for c in COLUMNS],
        rows=[
            [
                "19811218-9876",
                "Amina",
                "Hassan",
                "nyanländ",
                "Arbetsförmedlingen",
                "2026-09-01",
                "2026-02-01",
                "B",
                "gymnasium",
                "4",
                "070-1234567",
                "amina@example.org",
                "5321",
                "6",
            ]
        ],
    )
