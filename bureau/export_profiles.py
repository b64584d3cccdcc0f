"""Export profiles: another vocabulary for the field names of exports and the docking API (issue 21).

Some provincial systems name their fields with the human-resources indicator codes (人社指标:
``aac002`` the ID number, ``aac003`` the name, …). A profile renames fields to such codes; it
never changes a value, drops a field or moves a column. Its mapping is a table in docs/, not
code: ``docs/export-profiles/<profile>.csv`` (columns ``field``, ``code``, then the meaning and
where the code is seen), read once at import. A field whose code is empty keeps its own name;
a nested field is named by its dotted path (``unit.name``).

- :func:`apply` renames the fields of one record as :func:`bureau.records.item` gives it (the
  docking API; the push endpoints call it with each endpoint's profile).
- :func:`header` gives the header row of a CSV/XLSX whose columns carry those fields.

The empty profile (:data:`DEFAULT`) renames nothing; a name with no table raises
:class:`UnknownProfile`, which callers answer with 422 or a Chinese message.
"""
import csv
from collections.abc import Sequence
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parents[1] / "docs" / "export-profiles"
DEFAULT = ""


class UnknownProfile(ValueError):
    """A profile with no table in docs/export-profiles/."""


def read_table(path: Path) -> dict[str, str]:
    """field → code of the profile table at ``path``, for the fields that have a code.

    Raises ValueError for a table that is not one: other first columns, an empty or repeated
    field, a code given to two fields (a receiving system could not tell them apart).
    """
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    if [name.strip() for name in header[:2]] != ["field", "code"]:
        raise ValueError(f"{path.name}: the first two columns must be field and code")
    fields, codes = set(), {}
    for line, row in enumerate(rows, start=2):
        field, code = (row + ["", ""])[0].strip(), (row + ["", ""])[1].strip()
        if not field or field in fields:
            raise ValueError(f"{path.name}:{line}: the field is empty or repeated")
        if code and code in codes.values():
            raise ValueError(f"{path.name}:{line}: the code {code} is given to two fields")
        fields.add(field)
        if code:
            codes[field] = code
    return codes


def load(directory: Path = DIRECTORY) -> dict[str, dict[str, str]]:
    """Every profile table in ``directory``, by name (the file's stem)."""
    return {path.stem: read_table(path) for path in sorted(directory.glob("*.csv"))}


PROFILES: dict[str, dict[str, str]] = load()
"""The profiles by name: field (dotted for a nested one) → code."""


def mapping(profile: str) -> dict[str, str]:
    """The renames of ``profile``: none for the default; UnknownProfile for a name without a table."""
    if profile == DEFAULT:
        return {}
    try:
        return PROFILES[profile]
    except KeyError:
        raise UnknownProfile(profile) from None


def apply(profile: str, item: dict) -> dict:
    """``item`` with its fields named as ``profile`` names them (values and order unchanged).

    The default profile returns ``item`` itself; any other returns a new dict (nested dicts
    renamed by their dotted paths). Raises UnknownProfile for a name without a table.
    """
    names = mapping(profile)
    return _renamed(item, names, "") if names else item


def _renamed(item: dict, names: dict[str, str], prefix: str) -> dict:
    renamed = {}
    for key, value in item.items():
        path = prefix + key
        renamed[names.get(path, key)] = _renamed(value, names, path + ".") if isinstance(value, dict) else value
    return renamed


def header(profile: str, labels: Sequence[str], fields: Sequence[str | None]) -> tuple[str, ...]:
    """A file's header row under ``profile``: each column's code when its field (``fields``, one per
    column; None for a column that is no record field, e.g. a region's name) has one, else its label."""
    names = mapping(profile)
    return tuple(names.get(field, label) if field else label for label, field in zip(labels, fields, strict=True))
