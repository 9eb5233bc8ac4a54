"""Reading referral lists (CSV or XLSX) into participants: parse, check every row, report.

Nothing here writes. `parse_referral_file` turns a file into rows, each with the values it will
register and the errors that stop it; `mark_registered` adds the people already registered (a
logged check of the municipality's register: `participants.duplicates`); `participants.services.participants_import`
writes the valid rows in one transaction once the coordinator has seen the preview and confirmed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.numbers import number_text
from accounts.search import fold
from accounts.spreadsheets import csv_text
from sms.phone_numbers import phone_e164
from taxonomy.models import EducationLevel, Occupation, SwedishLevel

from .duplicates import Registered
from .identity import normalize_identity_number
from .models import Gender, Participant, ReferralSource, TargetGroup, establishment_programme_end_for

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
    Column("gender", "kön", False, gettext_lazy("kvinna, man, annat or ej angivet (for statistics only)")),
    Column("languages", "språk", False, gettext_lazy("languages spoken, names or ISO codes separated by commas")),
    Column("has_driving_licence", "körkort", False, gettext_lazy("ja, nej or the licence classes (e.g. B)")),
    Column("interests", "intresse (ssyk)", False, gettext_lazy("SSYK codes of the work wanted, separated by commas")),
    Column("home_district", "stadsdel", False, gettext_lazy("the district where the person lives, by its name")),
]

# Other names of the columns, as the lists of Arbetsförmedlingen, social services and the
# municipalities' own systems head them. A header is compared after `header_key`: without case,
# accents, spaces or punctuation ("Person-/samordningsnummer" is "personsamordningsnummer"), so
# "E-postadress", "e-post adress" and "EPOSTADRESS" are one name. The template's own headers and
# the internal keys (e.g. "identity_number") are accepted too. When a file holds two columns that
# mean the same (both "Telefon" and "Mobil"), a row takes the first of them that is not empty.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "identity_number": (
        "personnummer",
        "personnr",
        "pnr",
        "person-/samordningsnummer",
        "personnummer/samordningsnummer",
        "samordningsnummer",
        "personnummer (ååååmmdd-nnnn)",
    ),
    "first_name": ("förnamn", "tilltalsnamn"),
    "last_name": ("efternamn",),
    "target_group": ("målgrupp",),
    "referral_source": ("anvisad av", "anvisande myndighet", "anvisare", "remittent"),
    "referral_date": (
        "anvisningsdatum",
        "beslutsdatum",
        "startdatum anvisning",
        "anvisad datum",
        "datum för anvisning",
    ),
    "residence_permit_date": ("uppehållstillstånd", "datum för uppehållstillstånd", "uppehållstillstånd datum"),
    "swedish_level": ("svenskanivå", "sfi-nivå", "sfi nivå", "sfi", "svenska", "nivå i svenska"),
    "education_level": ("utbildning", "utbildningsnivå"),
    "hours_per_day": ("timmar per dag", "timmar/dag", "tim/dag"),
    "phone": ("telefon", "telefonnummer", "mobil", "mobilnummer", "mobiltelefon"),
    "email": ("e-post", "e-postadress", "mejl", "mejladress", "epost"),
    # Not "yrke" or "tidigare yrke": offices write a title there ("Undersköterska"), not a code, and
    # every row would fail as an unknown code; such a column is left aside (and named in the preview).
    "occupation": ("yrke (ssyk)", "ssyk", "yrkeskod", "ssyk-kod"),
    "years": ("år i yrket", "antal år i yrket", "erfarenhet (år)"),
    "gender": ("kön",),
    "languages": ("språk", "språkkunskaper", "talar språk"),
    "has_driving_licence": ("körkort", "b-körkort", "körkortsbehörighet"),
    "interests": ("intresse (ssyk)", "intresse", "intressen", "önskat yrke", "önskade yrken", "yrkesintresse"),
    "home_district": ("stadsdel", "område", "bostadsområde", "kommundel"),
}


@functools.lru_cache(maxsize=4096)  # the same few values ("ung", "AF", "B") come on every row
def header_key(text: str) -> str:
    """A header or a value as the import compares it: `accounts.search.fold` (no case, no accents),
    then only its letters and digits, so spaces, hyphens and slashes make no difference."""
    return "".join(c for c in fold(str(text)) if c.isalnum())


HEADERS: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.header, *COLUMN_ALIASES.get(_column.key, ())):
        HEADERS.setdefault(header_key(_name), _column)

TARGET_GROUPS = {
    **{header_key(w): TargetGroup.NEWCOMER for w in ("nyanländ", "nyanlända", "newcomer")},
    **{header_key(w): TargetGroup.YOUTH for w in ("ung", "unga", "youth")},
    **{header_key(w): TargetGroup.OTHER for w in ("övrig", "övriga", "other")},
}
REFERRAL_SOURCES = {
    **{header_key(w): ReferralSource.EMPLOYMENT_SERVICE for w in ("arbetsförmedlingen", "af", "employment_service")},
    **{header_key(w): ReferralSource.SOCIAL_SERVICES for w in ("socialförvaltningen", "soc", "social_services")},
    **{header_key(w): ReferralSource.OTHER for w in ("annan", "other")},
}
SWEDISH_LEVELS = {
    **{header_key(w): SwedishLevel.NONE for w in ("ingen", "none")},
    **{header_key(w): SwedishLevel.SFI_A for w in ("a", "sfi a", "kurs a", "sfi kurs a")},
    **{header_key(w): SwedishLevel.SFI_B for w in ("b", "sfi b", "kurs b", "sfi kurs b")},
    **{header_key(w): SwedishLevel.SFI_C for w in ("c", "sfi c", "kurs c", "sfi kurs c")},
    **{header_key(w): SwedishLevel.SFI_D for w in ("d", "sfi d", "kurs d", "sfi kurs d")},
    **{header_key(w): SwedishLevel.SFI_COMPLETED for w in ("sfi klar", "sfi avslutad", "klar")},
    **{header_key(w): SwedishLevel.SVA for w in ("sva", "svenska som andraspråk")},
    **{header_key(w): SwedishLevel.FLUENT for w in ("flytande", "fluent")},
}
EDUCATION_LEVELS = {
    **{header_key(w): EducationLevel.NONE for w in ("ingen", "none")},
    **{header_key(w): EducationLevel.COMPULSORY for w in ("grundskola",)},
    **{header_key(w): EducationLevel.UPPER_SECONDARY for w in ("gymnasium", "gymnasieskola")},
    **{header_key(w): EducationLevel.POST_SECONDARY for w in ("eftergymnasial",)},
    **{header_key(w): EducationLevel.UNIVERSITY for w in ("högskola", "universitet")},
}

GENDERS = {
    **{header_key(w): Gender.FEMALE for w in ("kvinna", "k", "kv", "female", "woman", "f", "w")},
    **{header_key(w): Gender.MALE for w in ("man", "m", "male")},
    **{header_key(w): Gender.OTHER for w in ("annat", "annan", "icke-binär", "other", "x")},
    **{header_key(w): Gender.UNKNOWN for w in ("ej angivet", "okänt", "okänd", "vill ej ange", "unknown", "-")},
}
LICENCE_YES = {header_key(w) for w in ("ja", "j", "yes", "y", "x", "1", "sant", "true", "har", "b-körkort")}
LICENCE_NO = {header_key(w) for w in ("nej", "n", "no", "0", "falskt", "false", "saknas", "inget", "ej", "-")}
# Swedish licence classes; every class from B up (B, BE, C, D and their kinds) includes driving a car.
LICENCE_CLASSES_WITH_B = {"b", "be", "c1", "c1e", "c", "ce", "d1", "d1e", "d", "de"}
LICENCE_CLASSES = LICENCE_CLASSES_WITH_B | {"am", "a1", "a2", "a", "tr", "traktor"}
MULTI_VALUE_SEPARATORS = re.compile(r"[,;/|\n]")
SSYK_CODE = re.compile(r"\b\d{1,4}\b")


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


# Encodings a CSV file from a Swedish office comes in when it is not UTF-8: Excel for Windows
# ("CSV (semikolonavgränsad)") writes Windows-1252, Excel for Mac "CSV (Macintosh)" Mac Roman and
# "CSV (MS-DOS)" code page 850; ISO 8859-15 is Latin-9 of older Unix systems. charset-normalizer
# chooses among these only: asked about every encoding, it read "Åsa Öberg" in Windows-1250 ("Ĺsa").
LEGACY_ENCODINGS = ["cp1252", "iso8859_15", "cp850", "mac_roman"]
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# The cell separators a CSV file may use: `;` (Swedish Excel), `,` (Excel elsewhere, most systems)
# and tab (Excel's "Unicode text", copied cells). The one that makes the most known column names of
# the first line wins; then the one that makes the most cells; then this order.
DELIMITERS = (";", ",", "\t")


def read_table(content: bytes, filename: str) -> Iterator[list[Any]]:
    """The rows of a CSV (any of the encodings and separators above) or XLSX file, header first."""
    if filename.lower().endswith(".xlsx"):
        yield from _read_xlsx(content)
    elif filename.lower().endswith((".csv", ".txt")):
        yield from _read_csv(content)
    else:
        raise ImportFileError(_("Upload a CSV or an XLSX file."))


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        ngettext("A file may hold at most %(max)s row.", "A file may hold at most %(max)s rows.", MAX_ROWS)
        % {"max": number_text(MAX_ROWS)}
    )


def _too_many_columns() -> ImportFileError:
    return ImportFileError(
        ngettext("A file may hold at most %(max)s column.", "A file may hold at most %(max)s columns.", MAX_COLUMNS)
        % {"max": number_text(MAX_COLUMNS)}
    )


def _check_csv_size(text: str) -> None:
    """Lines and their length, counted before the csv module reads a cell."""
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if number > MAX_ROWS + MAX_BLANK_LINES + 1:
            raise _too_many_rows()
        if len(line) > MAX_LINE_LENGTH:
            raise ImportFileError(
                _("Line %(line)s of the CSV file is longer than %(max)s characters.")
                % {"line": number, "max": number_text(MAX_LINE_LENGTH)}
            )


def decode_csv(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in.

    A byte-order mark decides (UTF-8 or UTF-16); without one, UTF-8 when the bytes are valid UTF-8
    (a file of other bytes almost never is), else what charset-normalizer finds among
    LEGACY_ENCODINGS."""
    for bom, encoding in BOMS:
        if content.startswith(bom):
            try:
                return content.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise _undecodable() from exc
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    match = from_bytes(content, cp_isolation=LEGACY_ENCODINGS).best()
    if match is None:
        raise _undecodable()
    return str(match), match.encoding


def _undecodable() -> ImportFileError:
    return ImportFileError(
        _(
            "The characters of the file cannot be read. Save it from Excel as “CSV UTF-8” or as an Excel "
            "workbook (XLSX) and upload it again."
        )
    )


def detect_delimiter(first_line: str) -> str:
    """The cell separator of a CSV file, judged from its header line (see DELIMITERS)."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(1 for cell in cells if header_key(cell) in HEADERS), len(cells)

    return max(DELIMITERS, key=score)  # the first of equals: `;` before `,` before tab


def _read_csv(content: bytes) -> Iterator[list[Any]]:
    text, _encoding = decode_csv(content)
    _check_csv_size(text)
    delimiter = detect_delimiter(re.split(r"\r\n|\r|\n", text, maxsplit=1)[0])
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


@dataclass
class ReferralList:
    """A file read and checked: its rows, and the headers of its columns that the import does not use."""

    rows: list[ImportRow]
    ignored_columns: list[str]


@dataclass(frozen=True)
class _Lookups:
    """What the rows' names are matched against, read once per file: the headers the file itself
    uses (errors name a column as the file does), languages and districts by their folded names."""

    headers: dict[str, str]
    languages: dict[str, int]
    districts: dict[str, int]

    @classmethod
    def load(cls, headers: dict[str, str]) -> _Lookups:
        from taxonomy.models import District, Language

        languages: dict[str, int] = {}
        for pk, code, name_sv, name_en in Language.objects.values_list("pk", "code", "name_sv", "name_en"):
            for name in (code, name_sv, name_en):
                if name:
                    languages.setdefault(header_key(name), pk)
        districts: dict[str, int] = {}
        for pk, *district_names in District.objects.values_list("pk", "name", "name_en"):
            for name in district_names:
                if name:
                    districts.setdefault(header_key(name), pk)
        return cls(headers=headers, languages=languages, districts=districts)

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.header for c in COLUMNS if c.key == key)


def parse_referral_file(content: bytes, filename: str) -> list[ImportRow]:
    """Every data row of the file, checked. Raises ImportFileError if the file itself is unusable."""
    return parse_referral_list(content, filename).rows


def parse_referral_list(content: bytes, filename: str) -> ReferralList:
    """The file's rows, checked, and the columns it holds that the import leaves aside."""
    table = read_table(content, filename)
    header = next(table, None)
    if not header or not any(_text(h) for h in header):
        raise ImportFileError(_("The file is empty."))
    columns: list[Column | None] = [HEADERS.get(header_key(h)) if _text(h) else None for h in header]
    missing = [c.header for c in COLUMNS if c.required and c not in columns]
    if missing:
        raise ImportFileError(_("Columns missing from the first row: %(columns)s.") % {"columns": ", ".join(missing)})
    positions: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for index, column in enumerate(columns):
        if column is not None:
            positions.setdefault(column.key, []).append(index)
            names.setdefault(column.key, _text(header[index]))
    ignored = [_text(h) for h, c in zip(header, columns, strict=True) if c is None and _text(h)]
    lookups = _Lookups.load(names)

    rows: list[ImportRow] = []
    for number, cells in enumerate(table, start=2):
        if not any(_text(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows()
        raw = {key: _first_filled(cells, indexes) for key, indexes in positions.items()}
        rows.append(_check_row(number, raw, lookups))
    _check_codes(rows, lookups)
    _mark_duplicates(rows)
    return ReferralList(rows=rows, ignored_columns=ignored)


def _first_filled(cells: list[Any], indexes: list[int]) -> Any:
    """The cell of the first of the columns that mean one thing (Telefon, Mobil) that holds a value."""
    if len(indexes) == 1:
        return cells[indexes[0]] if indexes[0] < len(cells) else None
    present = [cells[i] for i in indexes if i < len(cells)]
    return next((cell for cell in present if _text(cell)), present[0] if present else None)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value))


def _items(value: Any) -> list[str]:
    """The values of a cell that holds several ("arabiska, engelska")."""
    return [item.strip() for item in MULTI_VALUE_SEPARATORS.split(_text(value)) if item.strip()]


def _licence(value: str) -> bool | None:
    """Ja/nej, or licence classes ("B", "AM, B", "C"): whether the person may drive a car; None if unreadable."""
    key = header_key(value)
    if key in LICENCE_YES:
        return True
    if key in LICENCE_NO:
        return False
    classes = {header_key(part) for part in re.split(r"[\s,;/+]+", value) if part.strip()}
    classes.discard("korkort")
    if classes and classes <= LICENCE_CLASSES:
        return bool(classes & LICENCE_CLASSES_WITH_B)
    return None


def _check_row(line: int, raw: dict[str, Any], lookups: _Lookups) -> ImportRow:
    row = ImportRow(line=line)
    values = row.values
    header = lookups.header
    for column in COLUMNS:
        if column.required and not _text(raw.get(column.key)):
            row.errors.append(_("%(column)s is missing.") % {"column": header(column.key)})
        elif "\x00" in _text(raw.get(column.key)):
            # PostgreSQL cannot store a null character in text (forms refuse it too).
            row.errors.append(_("%(column)s contains a null character.") % {"column": header(column.key)})
    if row.errors:
        values.update({k: _text(v) for k, v in raw.items() if k in ("first_name", "last_name")})
        return row

    values["first_name"] = _text(raw["first_name"])[:100]
    values["last_name"] = _text(raw["last_name"])[:100]
    try:
        values["identity_number"] = normalize_identity_number(_text(raw["identity_number"]))
    except ValidationError as exc:
        # The identity module says what is wrong (length, date, check digit).
        row.errors.extend(exc.messages or [_("The identity number is not valid.")])
    _choice(row, raw, "target_group", TARGET_GROUPS, gettext_lazy("Unknown target group."))
    _choice(row, raw, "referral_source", REFERRAL_SOURCES, gettext_lazy("Unknown referral source."))
    for key in ("referral_date", "residence_permit_date"):
        if _text(raw.get(key)):
            try:
                values[key] = _date(raw[key])
            except ValueError:
                row.errors.append(_("%(column)s is not a date (YYYY-MM-DD).") % {"column": header(key)})
    if _text(raw.get("swedish_level")):
        _choice(row, raw, "swedish_level", SWEDISH_LEVELS, gettext_lazy("Unknown Swedish level."))
    if _text(raw.get("education_level")):
        _choice(row, raw, "education_level", EDUCATION_LEVELS, gettext_lazy("Unknown education level."))
    if _text(raw.get("gender")):
        _choice(row, raw, "gender", GENDERS, gettext_lazy("Unknown gender (write kvinna, man, annat or ej angivet)."))
    for key, low, high in (("hours_per_day", Decimal("0.5"), Decimal("10")), ("years", Decimal("0"), Decimal("60"))):
        if _text(raw.get(key)):
            try:
                number = Decimal(_text(raw[key]).replace(",", ".")).quantize(Decimal("0.1"))
            except InvalidOperation:
                row.errors.append(_("%(column)s is not a number.") % {"column": header(key)})
                continue
            if not low <= number <= high:
                row.errors.append(
                    _("%(column)s must be between %(low)s and %(high)s.")
                    % {"column": header(key), "low": localize(low.normalize()), "high": localize(high.normalize())}
                )
            values[key] = number
    _check_optional_columns(row, raw, lookups)
    # Stored in E.164 like the form's numbers when valid; a list's odd entry is kept as it was, not refused.
    phone = _text(raw.get("phone"))[:30]
    values["phone"] = phone_e164(phone) or phone
    values["email"] = _text(raw.get("email"))[:254]
    code = _text(raw.get("occupation"))
    if code:
        values["occupation"] = code
    if not row.errors:
        _check_model_rules(row)
    return row


def _check_optional_columns(row: ImportRow, raw: dict[str, Any], lookups: _Lookups) -> None:
    """Driving licence, languages, district and interests: each cell checked, each error naming its column."""
    header = lookups.header
    licence = _text(raw.get("has_driving_licence"))
    if licence:
        has_licence = _licence(licence)
        if has_licence is None:
            row.errors.append(
                _("%(column)s: write ja, nej or the licence classes, e.g. B (%(value)s).")
                % {"column": header("has_driving_licence"), "value": licence}
            )
        else:
            row.values["has_driving_licence"] = has_licence
    languages = _items(raw.get("languages"))
    if languages:
        unknown = [name for name in languages if header_key(name) not in lookups.languages]
        if unknown:
            row.errors.append(
                ngettext(
                    "%(column)s: unknown language %(names)s.", "%(column)s: unknown languages %(names)s.", len(unknown)
                )
                % {"column": header("languages"), "names": ", ".join(unknown)}
            )
        row.values["languages"] = sorted({lookups.languages[header_key(n)] for n in languages if n not in unknown})
    district = _text(raw.get("home_district"))
    if district:
        pk = lookups.districts.get(header_key(district))
        if pk is None:
            row.errors.append(
                _("%(column)s: unknown district %(value)s.") % {"column": header("home_district"), "value": district}
            )
        else:
            row.values["home_district_id"] = pk
    interests = _text(raw.get("interests"))
    if interests:
        codes = list(dict.fromkeys(SSYK_CODE.findall(interests)))
        if not codes:
            row.errors.append(
                _("%(column)s: give SSYK codes, e.g. 5321 (%(value)s).")
                % {"column": header("interests"), "value": interests}
            )
        row.values["interests"] = codes


def _check_model_rules(row: ImportRow) -> None:
    """The participant model's own field and cross-field rules, without database queries."""
    participant = build_participant(row)
    try:
        participant.full_clean(
            exclude=["team", "coordinator", "identity_number", "home_district"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            label = str(Participant._meta.get_field(field_name).verbose_name) if field_name != "__all__" else ""  # type: ignore[union-attr]  # a concrete field
            row.errors.extend(f"{label}: {m}" if label else m for m in messages)


# Row values that are not fields of the participant: its work experience, languages and interests.
COMPETENCE_VALUES = ("occupation", "years", "languages", "interests")


def build_participant(row: ImportRow) -> Participant:
    """An unsaved participant from a checked row (team and coordinator are set by the writer)."""
    fields = {k: v for k, v in row.values.items() if k not in COMPETENCE_VALUES}
    participant = Participant(**fields)
    if participant.residence_permit_date:
        participant.establishment_programme_end = establishment_programme_end_for(participant.residence_permit_date)
    return participant


def _choice(row: ImportRow, raw: dict[str, Any], key: str, mapping: dict[str, Any], message: Any) -> None:
    """The value of a cell that names one of `mapping`'s choices; `message` (lazy: translated only
    for a row that needs it) if it names none."""
    value = mapping.get(header_key(_text(raw.get(key))))
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


def _check_codes(rows: list[ImportRow], lookups: _Lookups) -> None:
    """Unknown occupation codes: of the work experience (a unit group, four digits) and of the
    interests (a group at any level), one query each."""
    codes = {r.values["occupation"] for r in rows if "occupation" in r.values}
    known = set(Occupation.objects.filter(code__in=codes, level=Occupation.Level.UNIT).values_list("code", flat=True))
    wanted = {code for r in rows for code in r.values.get("interests", ())}
    known_any = set(Occupation.objects.filter(code__in=wanted).values_list("code", flat=True)) if wanted else set()
    for row in rows:
        code = row.values.get("occupation")
        if code and code not in known:
            row.errors.append(_("Unknown occupation code %(code)s.") % {"code": code})
        if "years" in row.values and not code:
            row.errors.append(_("Years of experience need an occupation code."))
        unknown = [c for c in row.values.get("interests", ()) if c not in known_any]
        if unknown:
            row.errors.append(
                ngettext(
                    "%(column)s: unknown occupation code %(codes)s.",
                    "%(column)s: unknown occupation codes %(codes)s.",
                    len(unknown),
                )
                % {"column": lookups.header("interests"), "codes": ", ".join(unknown)}
            )


def _mark_duplicates(rows: list[ImportRow]) -> None:
    """Duplicates within the file. The register is asked apart, by `mark_registered`, since that
    check is logged and depends on the user."""
    first_line: dict[str, int] = {}
    for row in rows:
        number = row.values.get("identity_number")
        if number:
            if number in first_line:
                row.errors.append(_("The same person as on line %(line)s.") % {"line": first_line[number]})
            else:
                first_line[number] = row.line


TEMPLATE_EXAMPLE = [
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
    "kvinna",
    "arabiska, engelska",
    "ja",
    "5321, 5120",
    "",  # the district: the names are the municipality's own (Stadsdelar in the administration)
]


def template_csv() -> str:
    """A template file: the header row and one example row, as Swedish Excel reads and writes CSV:
    `;` between cells, CRLF line ends and a UTF-8 byte-order mark (`accounts.spreadsheets`)."""
    return csv_text(header=[c.header for c in COLUMNS], rows=[TEMPLATE_EXAMPLE])


def template_xlsx() -> bytes:
    """The template as an Excel workbook: the header row, one example row with a real date cell,
    and the identity number and codes as text, so that Excel keeps their leading zeros and dashes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Referral list"))[:31]
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    dates = {i for i, c in enumerate(COLUMNS) if c.key in ("referral_date", "residence_permit_date")}
    sheet.append([dt.date.fromisoformat(v) if i in dates and v else v for i, v in enumerate(TEMPLATE_EXAMPLE)])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index)
        if index - 1 in dates:
            cell.number_format = "yyyy-mm-dd"
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(len(column.header), 12) + 2
        sheet.column_dimensions[letter].number_format = "@" if index - 1 not in dates else "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
