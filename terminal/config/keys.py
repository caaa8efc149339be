"""Reading config documents key by key: every key read is known, any other is refused with the closest as a hint.

The local TOML file and the settings the shop pushes are both read by ConfigReader and checked by find_unknown,
so a typo is never silently ignored (which would leave the default in force) and both name the closest known key.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from terminal.errors import ConfigError, MoneyError
from terminal.sales.money import Money

# table name -> its keys in order; None for a plain value at the top level
Schema = Mapping[str, tuple[str, ...] | None]


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name` (difflib), or None when none is close."""
    matches = get_close_matches(name, list(dict.fromkeys(known)), n=1)
    return matches[0] if matches else None


@dataclass(frozen=True)
class UnknownKey:
    """The first name a document has that its schema does not know, and the closest known name."""

    section: str | None          # the table it is in (None: a plain key at the top level)
    key: str | None              # None for an empty unknown table
    section_unknown: bool        # the table itself is unknown
    hint: tuple[str | None, str] | None   # (table or None, name) of the closest known one
    known: tuple[str, ...]       # what would have been accepted in its place

    def in_file(self, path: Path) -> str:
        """The error for a TOML file: `path: [section] key: problem (hint)`."""
        where = f"[{self.section}]" if self.section else ""
        named = " ".join(part for part in (where, self.key) if part)
        if self.section_unknown:
            problem = f"unknown section [{self.section}]"
            hint = f"did you mean [{self.hint[1]}]?" if self.hint else f"the sections are: {', '.join(self.known)}"
        elif self.section is None:
            problem = "a key outside any section"
            hint = (f"did you mean [{self.hint[0]}] {self.hint[1]}? " if self.hint and self.hint[0] else ""
                    ) + "keys go under their [section] header"
        else:
            problem = "unknown key"
            hint = f"did you mean {self.hint[1]}?" if self.hint else (
                f"the known keys of [{self.section}] are: {', '.join(self.known)}")
        return f"{path}: {named}: {problem}" + (f" ({hint})" if hint else "")

    def dotted(self, problem: str) -> str:
        """`section.key problem`, with the hint in the same form (`section.` only when in another table)."""
        name = ".".join(part for part in (self.section, self.key) if part)
        if self.hint is None:
            return f"{name} {problem}"
        table, key = self.hint
        same = table is None or table == self.section
        return f"{name} {problem} (did you mean {key if same else f'{table}.{key}'}?)"


def find_unknown(doc: Mapping[str, Any], schema: Schema) -> UnknownKey | None:
    """The first table or key of doc that schema does not know, in document order; None when all are known."""
    for name, value in doc.items():
        if name not in schema:
            if isinstance(value, dict):
                tables = tuple(t for t, keys in schema.items() if keys is not None)
                hint = closest(name, tables)
                return UnknownKey(name, next(iter(value), None), True, (None, hint) if hint else None, tables)
            # a plain key at the top level: most likely a key whose [section] header was left out
            everything: dict[str, tuple[str | None, str]] = {}
            for table, keys in schema.items():
                for key in keys if keys is not None else (table,):
                    everything.setdefault(key, (table if keys is not None else None, key))
            hint = closest(name, everything)
            return UnknownKey(None, name, False, everything[hint] if hint else None, tuple(everything))
        keys = schema[name]
        if keys is not None and isinstance(value, dict):
            for key in value:
                if key not in keys:
                    hint = closest(key, keys)
                    return UnknownKey(name, key, False, (name, hint) if hint else None, keys)
    return None


class ConfigReader:
    """Reads typed keys ('section.key', or 'key' at the top level) from a parsed config document, naming where
    it came from and the key in every error; remembers what it read.

    `source` is the file (errors read `file: [section] key: problem`), or the name of a document that has no
    file, such as the settings the shop pushes (errors read `name: section.key problem`).
    """

    def __init__(self, source: Path | str, data: dict[str, Any]) -> None:
        self.source, self.data = source, data
        self._read: dict[str, dict[str, None] | None] = {}

    def schema(self) -> Schema:
        """Every table and key read so far: what this document may contain."""
        return {table: tuple(keys) if keys is not None else None for table, keys in self._read.items()}

    def unknown(self, schema: Schema | None = None) -> ConfigError | None:
        """The error for the first table or key not in `schema` (default: never read), if any."""
        found = find_unknown(self.data, self.schema() if schema is None else schema)
        if found is None:
            return None
        if isinstance(self.source, Path):
            return ConfigError(found.in_file(self.source))
        return ConfigError(f"{self.source}: {found.dotted('is not a setting the terminal knows')}")

    def fail(self, key: str, problem: str) -> ConfigError:
        """An error naming the document, the section and the key."""
        if not isinstance(self.source, Path):
            return ConfigError(f"{self.source}: {key} {problem}")
        return ConfigError(f"{self.source}: [{key.rsplit('.', 1)[0]}] {key.rsplit('.', 1)[-1]}: {problem}")

    def _missing(self, section: str, name: str) -> str:
        """Why a required key is missing, with the likely typo when the file has one."""
        if not section:
            return "missing (required)"
        if section not in self.data:
            typo = closest(section, [t for t, v in self.data.items() if isinstance(v, dict)])
            return "missing (required)" + (f"; is [{typo}] a typo for [{section}]?" if typo else "")
        typo = closest(name, self.data[section])
        return "missing (required)" + (f"; is {typo} a typo for {name}?" if typo else "")

    def _table(self, section: str) -> dict[str, Any]:
        table = self.data.get(section, {})
        if isinstance(table, dict):
            return table
        if isinstance(self.source, Path):
            raise ConfigError(f"{self.source}: [{section}] must be a table")
        raise self.fail(section, "must be a table")

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        """The value of `section.key` (or top-level `key`), checked to be of `kind` (a type or tuple of types)."""
        if "." in key:
            section, name = key.split(".")
            keys = self._read.setdefault(section, {})
            if keys is not None:
                keys[name] = None
            table = self._table(section)
        else:
            section, name, table = "", key, self.data
            self._read.setdefault(name, None)
        if name not in table:
            if default is ...:
                raise self.fail(key, self._missing(section, name))
            return default
        value = table[name]
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            names = " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
            raise self.fail(key, f"must be {names}, got {type(value).__name__} {value!r}")
        return value

    def text(self, key: str, default: Any = ...) -> str:
        """A string key; a required one must not be blank."""
        value: str = self.get(key, str, default)
        if default is ... and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        """A string key that must be one of options."""
        value = self.text(key, default)
        if value not in options:
            raise self.fail(key, f"must be one of {', '.join(options)}, got {value!r}")
        return value

    def money(self, key: str, currency: str, default: str) -> Money:
        """An amount of currency, 0 or more, written as a string or a whole number."""
        raw = self.get(key, (str, int), default)  # type: ignore[arg-type]
        try:
            amount = Money.parse(str(raw), currency)
        except MoneyError as err:
            raise self.fail(key, str(err)) from err
        if amount.minor < 0:
            raise self.fail(key, "must not be negative")
        return amount

    def positive(self, key: str, default: int) -> int:
        """A whole number above zero."""
        value: int = self.get(key, int, default)
        if value <= 0:
            raise self.fail(key, f"must be positive, got {value}")
        return value
