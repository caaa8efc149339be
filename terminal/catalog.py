"""The shop's catalog: items loaded from CSV or JSON, looked up by barcode or sku."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Mapping

from terminal.barcodes import looks_like_gtin, validate_gtin
from terminal.errors import BarcodeError, CatalogError, MoneyError, UnknownItem
from terminal.money import Money

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


def parse_tax_rate(text: str) -> int:
    """Tax rate given in percent ('13', '6.5') to basis points."""
    try:
        percent = Decimal(str(text).strip() or "0")
    except InvalidOperation:
        raise CatalogError(f"tax rate {text!r} is not a percentage") from None
    bp = percent * 100
    if bp != bp.to_integral_value() or not 0 <= bp <= 10000:
        raise CatalogError(f"tax rate {text!r} must be 0-100 percent with at most 2 decimals")
    return int(bp)


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CatalogError(f"tax_inclusive must be true or false, got {value!r}")


def make_item(row: Mapping[str, Any], currency: str) -> Item:
    """Build an Item from a raw row, validating every field."""
    sku = str(row.get("sku") or "").strip()
    name = str(row.get("name") or "").strip()
    if not sku:
        raise CatalogError("sku is empty")
    if not name:
        raise CatalogError(f"item {sku}: name is empty")
    barcode_text = str(row.get("barcode") or "").strip()
    try:
        barcode = validate_gtin(barcode_text) if barcode_text else None
        price = Money.parse(str(row.get("unit_price", "")), currency)
    except (BarcodeError, MoneyError) as err:
        raise CatalogError(f"item {sku}: {err}") from err
    if price.minor < 0:
        raise CatalogError(f"item {sku}: unit_price must not be negative")
    try:
        rate = parse_tax_rate(str(row.get("tax_rate", "0")))
        inclusive = _parse_bool(row.get("tax_inclusive", True))
    except CatalogError as err:
        raise CatalogError(f"item {sku}: {err}") from err
    return Item(sku, barcode, name, price, rate, inclusive)


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
                    raise CatalogError(f"duplicate barcode {item.barcode} (items {self._by_barcode[item.barcode].sku}, {item.sku})")
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
            raise UnknownItem(f"no item with sku {sku.strip()!r} in the catalog") from None

    def by_barcode(self, code: str) -> Item:
        """The item with this barcode (check digit validated), or BarcodeError / UnknownItem."""
        ean = validate_gtin(code)
        try:
            return self._by_barcode[ean]
        except KeyError:
            raise UnknownItem(f"barcode {code.strip()} is not in the catalog: key the item in by hand") from None

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


def _rows(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise CatalogError(f"cannot read catalog {path}: {err.strerror}") from err
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise CatalogError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from err
        rows = data.get("items") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise CatalogError(f"{path}: expected a list of items or {{\"items\": [...]}}")
        return rows
    reader = csv.DictReader(text.splitlines())
    missing = [f for f in FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError(f"{path}: missing column(s) {', '.join(missing)}")
    return list(reader)


def load_catalog(path: Path | None, currency: str) -> Catalog:
    """Load a catalog file (CSV or JSON); None loads the shipped sample catalog."""
    if path is None:
        with resources.as_file(resources.files("terminal") / "data" / "sample_catalog.csv") as sample:
            return load_catalog(sample, currency)
    items = []
    seen: dict[str, int] = {}
    # a CSV row is named by its line (the header is line 1), a JSON item by its position from 1
    unit, first = ("item", 1) if path.suffix.lower() == ".json" else ("row", 2)
    for number, row in enumerate(_rows(path), start=first):
        try:
            item = make_item(row, currency)
        except CatalogError as err:
            raise CatalogError(f"{path} {unit} {number}: {err}") from err
        for key in [f"sku {item.sku}"] + ([f"barcode {item.barcode}"] if item.barcode else []):
            if key in seen:
                raise CatalogError(f"{path} {unit} {number}: duplicate {key} (already {unit} {seen[key]})")
            seen[key] = number
        items.append(item)
    if not items:
        raise CatalogError(f"{path}: the catalog has no items")
    return Catalog(items, currency)
