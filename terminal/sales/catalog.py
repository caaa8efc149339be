"""The shop's catalog: items loaded from CSV or JSON, looked up by barcode or sku."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from terminal.errors import CatalogError, MoneyError, UnknownItem
from terminal.link.events import MAX_ID, MAX_TEXT
from terminal.sales.barcodes import looks_like_gtin, validate_gtin
from terminal.sales.catalog_files import read_records
from terminal.sales.money import Money, is_plain_decimal

FIELDS = ("sku", "barcode", "name", "unit_price", "tax_rate", "tax_inclusive")
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n", ""}


@dataclass(frozen=True)
class Item:
    """One sellable item; tax_rate_bp is the rate in basis points (1300 = 13%)."""

    sku: str
    barcode: str | None
    name: str
    unit_price: Money
    tax_rate_bp: int
    tax_inclusive: bool


class FieldError(CatalogError):
    """One value of an item is wrong; `column` names its column (CSV) or field (JSON)."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def parse_tax_rate(text: str) -> int:
    """Tax rate given in percent ('13', '6.5') to basis points."""
    text = str(text).strip() or "0"
    if not is_plain_decimal(text):
        raise CatalogError(f"tax rate {text!r} is not a percentage (write a plain decimal such as 13 or 6.5)")
    bp = Decimal(text) * 100
    if bp != bp.to_integral_value() or not 0 <= bp <= 10000:
        raise CatalogError(f"tax rate {text!r} must be 0-100 percent with at most 2 decimals")
    return int(bp)


def parse_price(text: str, currency: str) -> Money:
    """A unit price written as a plain decimal ('12.50', '45000'), within the currency's decimals."""
    if text.startswith("-") and is_plain_decimal(text[1:]):
        raise CatalogError("unit_price must not be negative")
    if not is_plain_decimal(text):
        raise CatalogError(f"not an amount: {text!r} (write a plain decimal such as 12.50: digits 0-9 and at "
                           "most one '.', no sign, exponent or thousands separator)")
    try:
        return Money.parse(text, currency)
    except MoneyError as err:
        raise CatalogError(str(err)) from err


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CatalogError(f"tax_inclusive must be true or false, got {value!r}")


# An item's sku and name travel in every payment/1 event; the backend refuses longer ones.
MAX_SKU = MAX_ID
MAX_NAME = MAX_TEXT


def _text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def make_item(row: Mapping[str, Any], currency: str) -> Item:
    """Build an Item from a raw row, validating every field; a FieldError names the column."""
    sku, name, barcode_text = _text(row, "sku"), _text(row, "name"), _text(row, "barcode")
    if not sku:
        raise FieldError("sku", "sku is empty")
    if not name:
        raise FieldError("name", "name is empty")
    for column, value, limit in (("sku", sku, MAX_SKU), ("name", name, MAX_NAME)):
        if len(value) > limit:
            raise FieldError(column, f"{column} is {len(value)} characters, at most {limit}: shorten it")
    parsers: dict[str, Callable[[], Any]] = {
        "barcode": lambda: validate_gtin(barcode_text) if barcode_text else None,
        "unit_price": lambda: parse_price(_text(row, "unit_price"), currency),
        "tax_rate": lambda: parse_tax_rate(_text(row, "tax_rate")),
        "tax_inclusive": lambda: _parse_bool(row.get("tax_inclusive", True)),
    }
    values: dict[str, Any] = {}
    for column, parse in parsers.items():
        try:
            values[column] = parse()
        except CatalogError as err:
            raise FieldError(column, str(err)) from err
    return Item(sku, values["barcode"], name, values["unit_price"], values["tax_rate"], values["tax_inclusive"])


class Catalog:
    """Items of one currency, indexed by sku and by EAN-13 barcode."""

    def __init__(self, items: list[Item], currency: str) -> None:
        self.currency = currency
        self._by_sku: dict[str, Item] = {}
        self._by_barcode: dict[str, Item] = {}
        for item in items:
            if item.sku in self._by_sku:
                raise CatalogError(f"duplicate sku {item.sku}")
            if item.unit_price.currency != currency:
                raise CatalogError(f"item {item.sku} is priced in {item.unit_price.currency}, not {currency}")
            self._by_sku[item.sku] = item
            if item.barcode:
                if item.barcode in self._by_barcode:
                    first = self._by_barcode[item.barcode].sku
                    raise CatalogError(f"duplicate barcode {item.barcode} (items {first}, {item.sku})")
                self._by_barcode[item.barcode] = item

    def __iter__(self) -> Iterator[Item]:
        return iter(self._by_sku.values())

    def __len__(self) -> int:
        return len(self._by_sku)

    def by_sku(self, sku: str) -> Item:
        """The item with this sku, or UnknownItem."""
        try:
            return self._by_sku[sku.strip()]
        except KeyError:
            raise UnknownItem.text("no item with sku {sku} in the catalog", sku=repr(sku.strip())) from None

    def by_barcode(self, code: str) -> Item:
        """The item with this barcode (check digit validated), or BarcodeError / UnknownItem."""
        ean = validate_gtin(code)
        try:
            return self._by_barcode[ean]
        except KeyError:
            raise UnknownItem.text("barcode {barcode} is not in the catalog: key the item in by hand",
                                   barcode=code.strip()) from None

    def lookup(self, code: str) -> Item:
        """Find by barcode when it looks like one, else by sku."""
        text = code.strip()
        if looks_like_gtin(text) and text not in self._by_sku:
            return self.by_barcode(text)
        return self.by_sku(text)

    def search(self, text: str) -> list[Item]:
        """Items whose name or sku contains the text (case-insensitive)."""
        needle = text.strip().casefold()
        return [i for i in self if needle in i.name.casefold() or needle in i.sku.casefold()]


def load_catalog(path: Path | None, currency: str) -> Catalog:
    """Load a catalog file (CSV or JSON); None loads the shipped sample catalog."""
    if path is None:
        with resources.as_file(resources.files("terminal") / "data" / "sample_catalog.csv") as sample:
            return load_catalog(sample, currency)
    items = []
    seen: dict[str, int] = {}
    # a CSV row is numbered as in a spreadsheet (the header is row 1), a JSON item by its position from 1
    unit, column = ("item", "field") if path.suffix.lower() == ".json" else ("row", "column")
    for record in read_records(path, FIELDS):
        where = f"{path} {unit} {record.number}" + (f" (line {record.line})" if record.line != record.number else "")
        try:
            item = make_item(record.values, currency)
        except FieldError as err:
            sku = _text(record.values, "sku")
            raise CatalogError(f"{where}{f', sku {sku}' if sku else ''}, {column} {err.column}: {err}") from err
        for key in [f"sku {item.sku}"] + ([f"barcode {item.barcode}"] if item.barcode else []):
            if key in seen:
                raise CatalogError(f"{where}: duplicate {key} (already {unit} {seen[key]})")
            seen[key] = record.number
        items.append(item)
    if not items:
        raise CatalogError(f"{path}: the catalog has no items")
    return Catalog(items, currency)
