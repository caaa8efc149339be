"""Catalog files as shops really save them: encodings, line breaks inside names, strict prices, row and column."""
from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from terminal.errors import CatalogError
from terminal.sales.catalog import FIELDS, load_catalog
from terminal.sales.money import Money

HEADER = ",".join(FIELDS)
ROWS = ["TEA-001,8930001234505,珍珠奶茶 Bubble milk tea,18.00,6,true",
        "NOO-001,,方便面 iPhone手机壳 T恤,4.50,13,false",
        "RIC-001,,东北大米 5kg,39.90,9,true"]
NAMES = {"TEA-001": "珍珠奶茶 Bubble milk tea", "NOO-001": "方便面 iPhone手机壳 T恤", "RIC-001": "东北大米 5kg"}
ACCEPTED = ("UTF-8", "UTF-16", "GB18030")


def write_bytes(tmp_path: Path, data: bytes, name: str = "catalog.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text(*rows: str, newline: str = "\r\n") -> str:
    return newline.join([HEADER, *rows]) + newline


def names(path: Path, currency: str = "CNY") -> dict[str, str]:
    return {item.sku: item.name for item in load_catalog(path, currency)}


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gbk", b""), ("gb18030", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_the_encodings_excel_and_editors_write_load_the_same_names(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = write_bytes(tmp_path, bom + text(*ROWS).encode(encoding))
    assert names(path) == NAMES


def test_gb18030_four_byte_characters_load(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, text("PHO-001,,Phở bò Nguyễn 越南河粉,45.00,8,true").encode("gb18030"))
    assert names(path) == {"PHO-001": "Phở bò Nguyễn 越南河粉"}


def test_a_json_catalog_in_gbk_loads(tmp_path: Path) -> None:
    doc = [{"sku": "J1", "barcode": "", "name": "珍珠奶茶", "unit_price": "18.00", "tax_rate": "6",
            "tax_inclusive": True}]
    path = write_bytes(tmp_path, json.dumps(doc, ensure_ascii=False).encode("gbk"), "catalog.json")
    assert names(path) == {"J1": "珍珠奶茶"}


def assert_refused_encoding(path: Path) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    message = str(info.value)
    assert type(info.value) is CatalogError and message.startswith(f"{path}: "), message
    assert all(name in message for name in ACCEPTED) and "save it as UTF-8" in message, message
    assert "\n" not in message
    return message


def test_a_latin1_file_that_is_not_gb18030_is_refused_naming_the_encodings_accepted(tmp_path: Path) -> None:
    # "é" followed by a comma is not a GB18030 sequence
    path = write_bytes(tmp_path, text("C1,,Café,3.50,0,true").encode("latin-1"))
    message = assert_refused_encoding(path)
    assert "line 2" in message


def test_a_latin1_file_that_happens_to_decode_as_gb18030_is_refused_too(tmp_path: Path) -> None:
    # read as GB18030, "Crème brûlée" is "Cr鑝e br鹟閑": Chinese inside Latin words betrays the wrong encoding
    raw = text("C1,,Crème brûlée maison,3.50,0,true").encode("latin-1")
    raw.decode("gb18030")  # the premise: this is valid GB18030
    message = assert_refused_encoding(write_bytes(tmp_path, raw))
    assert "Cr鑝e" in message and "latin-1" in message


def test_utf16_without_a_bom_is_refused(tmp_path: Path) -> None:
    assert_refused_encoding(write_bytes(tmp_path, text(*ROWS).encode("utf-16-le")))


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\u2029", "\x0b", "\x0c", "\x1c"])
def test_a_line_separator_inside_a_name_does_not_split_the_row(tmp_path: Path, separator: str) -> None:
    path = write_bytes(tmp_path, text(f"A1,,Trà{separator}sữa,16.00,6,true", "A2,,Bánh mì,20.00,6,true").encode())
    assert names(path) == {"A1": f"Trà{separator}sữa", "A2": "Bánh mì"}


def test_a_quoted_newline_is_kept_and_rows_are_counted_as_records(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, text('A1,,"Trà sữa\nsize L",16.00,6,true', "A2,,Bánh mì,1e3,6,true").encode())
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    assert str(info.value).startswith(f"{path} row 3 (line 4), sku A2, column unit_price: "), str(info.value)
    path.write_bytes(text('A1,,"Trà sữa\r\nsize L",16.00,6,true', "A2,,Bánh mì,20.00,6,true").encode())
    assert names(path) == {"A1": "Trà sữa\r\nsize L", "A2": "Bánh mì"}


@pytest.mark.parametrize("price", ["1e3", "1E3", "١٢.٥٠", "۱۲", "１２.００", "12.5e0", "1_000", "+5", "NaN", "Infinity",
                                   "1.2.3", ".", "0x10", "٣", "12 50"])
def test_only_plain_decimal_prices_are_accepted(tmp_path: Path, price: str) -> None:
    path = write_bytes(tmp_path, text("OK1,,Fine,1.00,0,true", f"B1,,Odd price,{price},0,true").encode())
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    message = str(info.value)
    assert message.startswith(f"{path} row 3, sku B1, column unit_price: "), message
    assert "plain decimal" in message and repr(price) in message, message


@pytest.mark.parametrize("price, minor", [("12", 1200), ("12.5", 1250), ("12.50", 1250), (" 0.99 ", 99), ("0", 0),
                                          (".5", 50), ("5.", 500)])
def test_plain_decimal_prices(tmp_path: Path, price: str, minor: int) -> None:
    path = write_bytes(tmp_path, text(f"A1,,Apple,{price},0,true").encode())
    assert load_catalog(path, "CNY").by_sku("A1").unit_price == Money(minor, "CNY")


@pytest.mark.parametrize("rate", ["1e1", "١٣", "NaN", "+6"])
def test_only_plain_decimal_tax_rates_are_accepted(tmp_path: Path, rate: str) -> None:
    path = write_bytes(tmp_path, text(f"B1,,Odd tax,1.00,{rate},true").encode())
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    assert str(info.value).startswith(f"{path} row 2, sku B1, column tax_rate: "), str(info.value)


@pytest.mark.parametrize("price", ['"1e3"', "1e3", "1E+3", "NaN", "Infinity", "true", '"١٢"', "null", "[12]"])
def test_json_prices_are_plain_decimals_too(tmp_path: Path, price: str) -> None:
    path = tmp_path / "catalog.json"
    path.write_text('[{"sku": "J1", "name": "Phở", "unit_price": ' + price + ', "tax_rate": 8, "tax_inclusive": true}]',
                    encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "VND")
    assert str(info.value).startswith(f"{path} item 1, sku J1, field unit_price: "), str(info.value)


def test_json_number_prices_keep_their_decimals(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text('[{"sku": "J1", "name": "Tea", "unit_price": 3.50, "tax_rate": 6.5, "tax_inclusive": true},'
                    ' {"sku": "J2", "name": "Rice", "unit_price": 12, "tax_rate": 0, "tax_inclusive": false}]',
                    encoding="utf-8")
    catalog = load_catalog(path, "CNY")
    assert catalog.by_sku("J1").unit_price == Money(350, "CNY") and catalog.by_sku("J1").tax_rate_bp == 650
    assert catalog.by_sku("J2").unit_price == Money(1200, "CNY")


def test_a_row_with_too_many_fields_says_to_quote_the_comma(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, text("A1,,Rice, 5kg bag,39.90,9,true").encode())
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    assert str(info.value) == (f"{path} row 2: 7 fields where the header has 6 (a value with a comma, "
                               "such as a name, must be in double quotes)")


def test_a_row_with_too_few_fields_is_named(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, text("A1,,Rice,39.90").encode())
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    assert str(info.value) == f"{path} row 2: 4 fields where the header has 6 (missing: tax_rate, tax_inclusive)"


def test_an_unclosed_quote_is_named_with_its_row_and_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, text("A1,,Tea,1.00,0,true", 'A2,,"Pizza 12 inch,9.00,0,true', "A3,,Rice,2.00,0,true"
                                      ).encode())
    with pytest.raises(CatalogError) as info:
        load_catalog(path, "CNY")
    message = str(info.value)
    assert message.startswith(f"{path} row 3 (line 3): ") and "double quote" in message, message


def test_excel_unicode_text_is_utf16_with_tabs_and_loads(tmp_path: Path) -> None:
    rows = [row.replace(",", "\t") for row in ROWS]
    data = codecs.BOM_UTF16_LE + ("\r\n".join([HEADER.replace(",", "\t"), *rows]) + "\r\n").encode("utf-16-le")
    assert names(write_bytes(tmp_path, data, "catalog.txt")) == NAMES
