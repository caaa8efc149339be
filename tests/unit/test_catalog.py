"""The catalog: shipped sample, CSV and JSON files, errors naming file and row, lookups."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from terminal.errors import BarcodeError, CatalogError, UnknownItem
from terminal.sales.barcodes import validate_gtin
from terminal.sales.catalog import FIELDS, load_catalog, parse_tax_rate
from terminal.sales.money import Money

HEADER = ",".join(FIELDS)


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def has_script(text: str, script: str) -> bool:
    return any(script in unicodedata.name(c, "") for c in text)


def test_sample_catalog() -> None:
    catalog = load_catalog(None, "CNY")
    assert 25 <= len(catalog) <= 40
    names = [item.name for item in catalog]
    assert any(has_script(n, "CJK UNIFIED IDEOGRAPH") for n in names)       # Chinese
    assert any(c in n for n in names for c in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ")  # Vietnamese
    for item in catalog:
        assert item.barcode is not None
        assert validate_gtin(item.barcode) == item.barcode   # stored as valid EAN-13 / EAN-8
        assert item.unit_price.currency == "CNY" and item.unit_price.minor > 0
        assert 0 <= item.tax_rate_bp <= 10000
    assert {i.tax_inclusive for i in catalog} == {True, False}  # both tax bases are exercised


def test_sample_catalog_in_a_zero_decimal_currency_refuses_fractions() -> None:
    with pytest.raises(CatalogError, match="more decimals than JPY"):
        load_catalog(None, "JPY")


def test_lookup_by_sku_and_barcode() -> None:
    catalog = load_catalog(None, "CNY")
    tea = catalog.by_sku("TEA-001")
    assert tea.unit_price == Money(1800, "CNY") and tea.tax_rate_bp == 600 and tea.tax_inclusive
    assert catalog.by_barcode("8930001234505") is tea
    assert catalog.lookup("8930001234505") is tea
    assert catalog.lookup(" TEA-001 ") is tea
    assert catalog.by_sku(" TEA-001") is tea


def test_upc_a_matches_its_ean13_form() -> None:
    catalog = load_catalog(None, "CNY")
    banh_mi = catalog.by_sku("BAK-001")
    assert banh_mi.barcode == "0071234500789"
    assert catalog.by_barcode("071234500789") is banh_mi     # as a UPC-A scanner sends it
    assert catalog.by_barcode("0071234500789") is banh_mi    # as an EAN-13 scanner sends it
    assert catalog.lookup("071234500789") is banh_mi


def test_unknown_barcode_and_sku() -> None:
    catalog = load_catalog(None, "CNY")
    with pytest.raises(UnknownItem, match="4006381333931 is not in the catalog"):
        catalog.by_barcode("4006381333931")
    with pytest.raises(UnknownItem, match="4006381333931"):
        catalog.lookup("4006381333931")
    with pytest.raises(UnknownItem, match="NOPE-1"):
        catalog.lookup("NOPE-1")
    with pytest.raises(BarcodeError, match="check digit"):
        catalog.lookup("8930001234506")


def test_search() -> None:
    catalog = load_catalog(None, "CNY")
    assert {i.sku for i in catalog.search("cà phê")} == {"COF-001", "COF-003"}
    assert [i.sku for i in catalog.search("奶茶")] == ["TEA-001"]
    assert {i.sku for i in catalog.search("tea")} >= {"TEA-001", "TEA-002"}


def test_csv_loading(tmp_path: Path) -> None:
    path = write_csv(tmp_path,
                     "A1,4006381333931,Apple,3.50,13,false",
                     "A2,,Loose rice 1kg,12,9.5,yes",
                     "A3,036000291452,Soap,0.99,0,0")
    catalog = load_catalog(path, "CNY")
    assert len(catalog) == 3
    apple = catalog.by_sku("A1")
    assert (apple.unit_price, apple.tax_rate_bp, apple.tax_inclusive) == (Money(350, "CNY"), 1300, False)
    rice = catalog.by_sku("A2")
    assert rice.barcode is None and rice.tax_rate_bp == 950 and rice.tax_inclusive
    assert catalog.lookup("036000291452").sku == "A3"


def test_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("\ufeff" + HEADER + "\nA1,,Apple,1.00,0,true\n", encoding="utf-8")
    assert load_catalog(path, "CNY").by_sku("A1").name == "Apple"


@pytest.mark.parametrize("document", [
    [{"sku": "J1", "barcode": "96385074", "name": "Phở", "unit_price": "45000", "tax_rate": "8",
      "tax_inclusive": True}],
    {"items": [{"sku": "J1", "barcode": "96385074", "name": "Phở", "unit_price": 45000, "tax_rate": 8,
                "tax_inclusive": "true"}]},
])
def test_json_loading(tmp_path: Path, document: object) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    catalog = load_catalog(path, "VND")
    item = catalog.by_barcode("96385074")
    assert (item.sku, item.name, item.unit_price, item.tax_rate_bp, item.tax_inclusive) == (
        "J1", "Phở", Money(45000, "VND"), 800, True)


@pytest.mark.parametrize("row, problem", [
    ("B1,4006381333931,Bad price,abc,13,true", "not an amount"),
    ("B1,4006381333931,Too precise,1.234,13,true", "more decimals"),
    ("B1,4006381333931,Negative,-1.00,13,true", "must not be negative"),
    ("B1,4006381333932,Bad check digit,1.00,13,true", "check digit"),
    ("B1,40063813,Short barcode,1.00,13,true", "check digit|digits"),
    ("B1,12345,Wrong length,1.00,13,true", "5 digits"),
    ("B1,ABC,Letters,1.00,13,true", "digits only"),
    ("B1,4006381333931,Bad tax,1.00,thirteen,true", "not a percentage"),
    ("B1,4006381333931,Tax too big,1.00,130,true", "0-100 percent"),
    ("B1,4006381333931,Tax too precise,1.00,6.125,true", "at most 2 decimals"),
    ("B1,4006381333931,Bad flag,1.00,13,maybe", "tax_inclusive"),
    (",4006381333931,No sku,1.00,13,true", "sku is empty"),
    ("B1,4006381333931,,1.00,13,true", "name is empty"),
    # the backend refuses an event whose line carries a longer sku or name (sync/event_schemas/common.py):
    # a sale of such an item would be set aside forever, so the catalog refuses the item up front
    ("S" * 65 + ",4006381333931,Long sku,1.00,13,true", "sku is 65 characters, at most 64"),
    ("B1,4006381333931," + "N" * 257 + ",1.00,13,true", "name is 257 characters, at most 256"),
])
def test_bad_row_names_file_and_row(tmp_path: Path, row: str, problem: str) -> None:
    path = write_csv(tmp_path, "OK1,,Fine,1.00,0,true", row)
    with pytest.raises(CatalogError, match=problem) as info:
        load_catalog(path, "CNY")
    assert str(info.value).startswith(f"{path} row 3, ")


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "A1,,Apple,1.00,13", header="sku,barcode,name,unit_price,tax_rate")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    assert str(path) in str(info.value) and "missing column(s) tax_inclusive" in str(info.value)


def test_duplicate_sku_names_file_and_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "A1,,Apple,1.00,0,true", "A2,,Pear,1.00,0,true", "A1,,Apple again,2.00,0,true")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    message = str(info.value)
    assert message.startswith(f"{path} row 4: ") and "duplicate sku A1 (already row 2)" in message


def test_duplicate_barcode_names_file_and_row(tmp_path: Path) -> None:
    # the same item once as UPC-A and once as its EAN-13 form
    path = write_csv(tmp_path, "A1,036000291452,Soap,1.00,0,true", "A2,0036000291452,Soap bis,1.00,0,true")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    assert str(info.value).startswith(f"{path} row 3: ") and "duplicate barcode 0036000291452" in str(info.value)


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(CatalogError, match=f"cannot read catalog {missing}"):
        load_catalog(missing, "CNY")
    empty = write_csv(tmp_path)
    with pytest.raises(CatalogError, match="has no items"):
        load_catalog(empty, "CNY")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{items: [", encoding="utf-8")
    with pytest.raises(CatalogError, match=f"{bad_json}: not valid JSON"):
        load_catalog(bad_json, "CNY")
    wrong_shape = tmp_path / "shape.json"
    wrong_shape.write_text('{"items": 3}', encoding="utf-8")
    with pytest.raises(CatalogError, match="expected a list of items"):
        load_catalog(wrong_shape, "CNY")


@pytest.mark.parametrize("text, bp", [("13", 1300), ("6.5", 650), ("0", 0), ("", 0), ("100", 10000), ("0.01", 1)])
def test_parse_tax_rate(text: str, bp: int) -> None:
    assert parse_tax_rate(text) == bp


def test_json_errors_name_the_item_position(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    good = {"sku": "J1", "barcode": "", "name": "Phở", "unit_price": "45000", "tax_rate": "8", "tax_inclusive": True}
    path.write_text(json.dumps([good, dict(good, sku="J2", unit_price="4.5")]), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "VND")
    assert str(info.value).startswith(f"{path} item 2, sku J2, field unit_price: ") and "more decimals than VND" in str(
        info.value)
    path.write_text(json.dumps([good, good]), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "VND")
    assert str(info.value) == f"{path} item 2: duplicate sku J1 (already item 1)"


def test_catalog_limits_match_the_event_schema() -> None:
    from sync.event_schemas import common
    from terminal.sales import catalog
    assert (catalog.MAX_SKU, catalog.MAX_NAME) == (common.MAX_ID, common.MAX_TEXT)
