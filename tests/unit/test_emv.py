"""EMVCo merchant-presented QR: the reference vector, round trips, character lengths, corrupted payloads."""
from __future__ import annotations

import binascii

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.errors import EdgeposError
from terminal.payments.emv import (
    CURRENCY_NUMERIC,
    EDGEPOS_GUI,
    EmvError,
    MerchantQR,
    crc16,
    decode_template,
    edgepos_account,
    encode,
    to_amount_str,
)
from terminal.payments.emv_decode import decode, inspect
from terminal.sales.money import EXPONENTS, Money

VECTOR = ("00020101021252044131153137210116372101160123456789ABCDE6016Banteay Meanchey5913Kuntheas Shop"
          "5802KH540510.005303840621201081234567863041FF2")


def independent_crc(text: str) -> str:
    """CRC-16/CCITT-FALSE by the standard library (crc_hqx is poly 0x1021, unreflected), not by our code."""
    return f"{binascii.crc_hqx(text.encode('utf-8'), 0xFFFF):04X}"


def with_crc(body: str) -> str:
    """A payload body (without tag 63) closed with a correct CRC."""
    return body + "6304" + independent_crc(body + "6304")


def test_the_reference_vector_decodes_with_its_fields_in_order() -> None:
    fields = decode(VECTOR)
    assert list(fields) == ["00", "01", "52", "15", "60", "59", "58", "54", "53", "62", "63"]
    assert fields["59"] == "Kuntheas Shop" and fields["60"] == "Banteay Meanchey"
    assert fields["54"] == "10.00" and fields["53"] == "840" and fields["58"] == "KH"
    assert fields["63"] == "1FF2"
    assert decode_template(fields["62"]) == {"01": "12345678"}


def test_crc_of_the_vector_and_the_standard_check_value() -> None:
    assert crc16(VECTOR[:-4]) == "1FF2" == independent_crc(VECTOR[:-4])
    assert crc16("123456789") == "29B1"  # the catalogued check value of CRC-16/CCITT-FALSE


def test_a_trailing_newline_from_a_scanner_is_ignored() -> None:
    assert decode(VECTOR + "\r\n")["63"] == "1FF2"


def test_encode_puts_the_tags_in_order_with_crc_last() -> None:
    qr = MerchantQR("Corner Shop", "Shanghai", "CN", "CNY", amount="12.34", bill_number="S-000123",
                    merchant_account=(edgepos_account("M-42"),))
    payload = encode(qr)
    assert payload.startswith("000201" "010212" "26230011com.edgepos0104M-42" "52045411" "5303156" "540512.34"
                              "5802CN" "5911Corner Shop" "6008Shanghai" "62120108S-000123" "6304")
    assert payload[-4:] == independent_crc(payload[:-4])
    assert payload[-4:].isupper() or payload[-4:].isdigit()


def test_chinese_merchant_name_lengths_count_characters_not_bytes() -> None:
    payload = encode(MerchantQR("上海小笼包店", "上海", "CN", "CNY", amount="8.80", bill_number="S1"))
    assert "5906上海小笼包店" in payload and "6002上海" in payload
    assert payload[-4:] == independent_crc(payload[:-4])  # the CRC itself is over the UTF-8 bytes
    fields = decode(payload)
    assert fields["59"] == "上海小笼包店" and fields["60"] == "上海"


def test_a_25_character_chinese_name_fits_though_it_is_75_bytes() -> None:
    name = "龍" * 25
    assert decode(encode(MerchantQR(name, "台北", "TW", "TWD")))["59"] == name
    with pytest.raises(EmvError, match="merchant name must be 1-25 characters"):
        MerchantQR(name + "龍", "台北", "TW", "TWD")


def test_static_qr_without_amount_or_bill() -> None:
    fields = decode(encode(MerchantQR("Pho Hoa", "Hà Nội", "VN", "VND", dynamic=False)))
    assert fields["01"] == "11" and "54" not in fields and "62" not in fields
    assert fields["53"] == "704"


@pytest.mark.parametrize("alpha, numeric", [
    ("CNY", "156"), ("USD", "840"), ("VND", "704"), ("JPY", "392"), ("KWD", "414"), ("KHR", "116"),
    ("THB", "764"), ("SGD", "702"), ("HKD", "344"), ("EUR", "978"), ("cny", "156"), ("156", "156"),
])
def test_currency_numeric_codes(alpha: str, numeric: str) -> None:
    assert MerchantQR("Shop", "City", "CN", alpha).currency_numeric == numeric
    assert CURRENCY_NUMERIC.get(alpha.upper(), numeric) == numeric


@pytest.mark.parametrize("change, words", [
    ({"merchant_name": "x" * 26}, "merchant name must be 1-25 characters"),
    ({"merchant_name": ""}, "merchant name must be 1-25 characters"),
    ({"merchant_city": "Thành phố Hồ Chí Minh"}, "merchant city must be 1-15 characters"),
    ({"merchant_name": "Shop\nName"}, "control or invalid characters"),
    ({"country": "cn"}, "country must be 2 capital letters"),
    ({"currency": "XYZ"}, "unknown currency 'XYZ'"),
    ({"amount": "12,34"}, "positive decimal"),
    ({"amount": "-1.00"}, "positive decimal"),
    ({"amount": "0.00"}, "positive decimal"),
    ({"amount": "12345678901.00"}, "at most 13 characters"),
    ({"bill_number": "B" * 26}, "bill number must be 1-25 characters"),
    ({"mcc": "541"}, "4 digits"),
    ({"merchant_account": ()}, "merchant account"),
    ({"merchant_account": (("26", (("01", "M1"),)),)}, "globally unique identifier"),
    ({"merchant_account": (("52", "x"),)}, "from 02 to 51"),
    ({"merchant_account": (edgepos_account("A"), edgepos_account("B"))}, "distinct"),
])
def test_encode_refuses_invalid_fields(change: dict[str, object], words: str) -> None:
    fields: dict[str, object] = {"merchant_name": "Shop", "merchant_city": "City", "country": "CN",
                                 "currency": "CNY", **change}
    with pytest.raises(EmvError, match=words):
        MerchantQR(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("currency, amount, words", [
    ("CNY", "12.345", "12.345 has 3 decimals, CNY has 2"),
    ("156", "12.345", "12.345 has 3 decimals, CNY has 2"),
    ("JPY", "1500.5", "JPY has no decimals"),
    ("JPY", "1500.00", "JPY has no decimals"),
    ("392", "10.0", "JPY has no decimals"),
    ("VND", "45000.50", "VND has no decimals"),
    ("KWD", "1.2500", "1.2500 has 4 decimals, KWD has 3"),
])
def test_an_amount_with_more_decimals_than_the_currency_is_refused(currency: str, amount: str, words: str) -> None:
    with pytest.raises(EmvError, match=words):
        MerchantQR("Shop", "City", "CN", currency, amount=amount)


@pytest.mark.parametrize("currency, amount", [("CNY", "12.34"), ("CNY", "12.3"), ("CNY", "12"), ("JPY", "1500"),
                                              ("VND", "45000"), ("KWD", "1.250")])
def test_an_amount_within_the_currency_decimals_goes_into_tag_54_as_given(currency: str, amount: str) -> None:
    assert decode(encode(MerchantQR("Shop", "City", "CN", currency, amount=amount)))["54"] == amount


def test_to_amount_str_uses_the_currency_decimals() -> None:
    assert to_amount_str(Money(1234, "CNY")) == "12.34"
    assert to_amount_str(Money(1500, "JPY")) == "1500"
    assert to_amount_str(Money(1250, "KWD")) == "1.250"
    with pytest.raises(EmvError, match="more than zero"):
        to_amount_str(Money(0, "CNY"))


# Corrupted payloads: each refused with a reason that names what is wrong.

def test_a_flipped_crc_digit_is_refused() -> None:
    bad = VECTOR[:-1] + "3"
    with pytest.raises(EmvError, match="CRC 1FF3 does not match computed 1FF2"):
        decode(bad)


def test_a_changed_character_is_caught_by_the_crc() -> None:
    with pytest.raises(EmvError, match="does not match computed"):
        decode(VECTOR.replace("10.00", "90.00"))


def test_a_wrong_length_is_refused() -> None:
    body = VECTOR[:-8].replace("5913Kuntheas Shop", "5912Kuntheas Shop")
    with pytest.raises(EmvError, match=r"'p5' at position \d+ is not a two-digit tag"):
        decode(with_crc(body))


def test_an_overflowing_length_is_refused() -> None:
    with pytest.raises(EmvError, match="tag 63 \\(CRC\\) says 99 characters but only 4 remain"):
        decode(VECTOR[:-8] + "6399" + VECTOR[-4:])


def test_a_non_digit_length_is_refused() -> None:
    with pytest.raises(EmvError, match="length '1A'"):
        decode(with_crc(VECTOR[:-8].replace("5802KH", "581AKH")))


@pytest.mark.parametrize("tag", ["00", "52", "53", "58", "59", "60"])
def test_a_missing_mandatory_tag_is_refused(tag: str) -> None:
    fields = decode(VECTOR)
    del fields[tag], fields["63"]
    body = "".join(f"{t}{len(v):02d}{v}" for t, v in fields.items())
    with pytest.raises(EmvError, match=f"tag {tag}"):
        decode(with_crc(body))


def test_missing_merchant_account_is_refused() -> None:
    with pytest.raises(EmvError, match="missing merchant account"):
        decode(with_crc(VECTOR[:-8].replace("153137210116372101160123456789ABCDE", "")))


@pytest.mark.parametrize("cut", range(1, len(VECTOR)))
def test_every_truncation_is_refused(cut: int) -> None:
    with pytest.raises(EmvError):
        decode(VECTOR[:cut])


def test_truncated_reason_names_the_short_field() -> None:
    with pytest.raises(EmvError, match="missing mandatory tag 63 \\(CRC\\): the payload may be truncated"):
        decode(VECTOR[:-8])
    with pytest.raises(EmvError, match="tag 63 \\(CRC\\) says 4 characters but only 2 remain"):
        decode(VECTOR[:-2])


def test_crc_not_last_is_refused() -> None:
    crc_field = VECTOR[-8:]
    moved = VECTOR[:-8].replace("5802KH", crc_field + "5802KH")
    with pytest.raises(EmvError, match="tag 63 \\(CRC\\) must come last, but tag 62 follows it"):
        decode(moved)


def test_tag_00_not_first_is_refused() -> None:
    with pytest.raises(EmvError, match="must come first"):
        decode(with_crc("010212000201" + VECTOR[12:-8]))


def test_a_duplicate_tag_is_refused() -> None:
    with pytest.raises(EmvError, match="tag 58 \\(country\\) appears twice"):
        decode(with_crc(VECTOR[:-8] + "5802KH"))


@pytest.mark.parametrize("amount", ["1O.00", "10,00", "-10.0", "1.2.3", "12345678901.00"])
def test_an_invalid_amount_is_refused(amount: str) -> None:
    body = VECTOR[:-8].replace("540510.00", f"54{len(amount):02d}{amount}")
    with pytest.raises(EmvError, match="tag 54 \\(amount\\)"):
        decode(with_crc(body))


def test_a_broken_template_is_refused() -> None:
    with pytest.raises(EmvError, match="tag 62 \\(additional data\\): sub-tag 01 says 9 characters"):
        decode(with_crc(VECTOR[:-8].replace("6212010812345678", "6212010912345678")))


def test_emv_errors_are_edgepos_errors() -> None:
    assert issubclass(EmvError, EdgeposError)


# Round trip over random valid fields, Chinese and Vietnamese included.

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
VIETNAMESE = st.sampled_from(list("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯ"))
LATIN = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 &'-.,"))
WORDS = st.one_of(CJK, VIETNAMESE, LATIN)
FRACTIONS = {0: ["", "."], 2: ["", ".", ".5", ".05", ".50"], 3: ["", ".", ".5", ".05", ".50", ".123"]}


def amounts(currency: str) -> st.SearchStrategy[str | None]:
    """Amounts with at most the currency's decimals, as a wallet would accept them."""
    return st.none() | st.builds(lambda whole, frac: f"{whole}{frac}", st.integers(1, 10**9),
                                 st.sampled_from(FRACTIONS[EXPONENTS[currency]]))


CURRENCY_AMOUNTS = st.sampled_from(sorted(CURRENCY_NUMERIC)).flatmap(lambda c: st.tuples(st.just(c), amounts(c)))
BILLS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=25)


@given(name=st.text(WORDS, min_size=1, max_size=25), city=st.text(WORDS, min_size=1, max_size=15),
       currency_amount=CURRENCY_AMOUNTS,
       bill=st.none() | BILLS, merchant_id=st.none() | BILLS, dynamic=st.booleans(),
       mcc=st.from_regex(r"\A[0-9]{4}\Z"), country=st.from_regex(r"\A[A-Z]{2}\Z"))
def test_round_trip(name: str, city: str, currency_amount: tuple[str, str | None], bill: str | None,
                    merchant_id: str | None, dynamic: bool, mcc: str, country: str) -> None:
    currency, amount = currency_amount
    qr = MerchantQR(name, city, country, currency, amount=amount, bill_number=bill, mcc=mcc,
                    merchant_account=(edgepos_account(merchant_id),), dynamic=dynamic)
    payload = encode(qr)
    fields = decode(payload)
    assert next(iter(fields)) == "00" and list(fields)[-1] == "63"
    assert fields["59"] == name and fields["60"] == city and fields["58"] == country
    assert fields["53"] == CURRENCY_NUMERIC[currency] and fields["52"] == mcc
    assert fields["01"] == ("12" if dynamic else "11")
    assert fields.get("54") == amount
    assert fields["63"] == independent_crc(payload[:-4])
    account = decode_template(fields["26"])
    assert account["00"] == EDGEPOS_GUI and account.get("01") == merchant_id
    assert (decode_template(fields["62"])["01"] if "62" in fields else None) == bill


# National payloads omit tags EMVCo calls mandatory: sound structure and CRC decode, with warnings.
# Shapes of a PromptPay (Thailand, AID A000000677010111, phone proxy) and a VietQR (NAPAS, AID A000000727)
# payload as the national banks' apps print them: neither has tag 52, 59 or 60.
PROMPTPAY = with_crc("00020101021129370016A000000677010111011300668123456785802TH53037645406100.00")
VIETQR = with_crc("00020101021238580010A00000072701280006970422011" + "4VQRQ00012345670208QRIBFTTA"
                  "53037045802VN5406250000" + "62140810Thanh toan")


@pytest.mark.parametrize(("payload", "country"), [(PROMPTPAY, "TH"), (VIETQR, "VN")])
def test_national_payloads_without_tags_52_59_60_are_valid_with_warnings(payload: str, country: str) -> None:
    found = inspect(payload)
    assert found.fields["58"] == country and found.crc == payload[-4:]
    assert found.warnings == ("missing mandatory tag 52 (merchant category code)",
                              "missing mandatory tag 59 (merchant name)", "missing mandatory tag 60 (merchant city)")
    with pytest.raises(EmvError, match="tag 52"):   # our own strict reading still wants every tag
        decode(payload)


def test_a_national_payload_with_a_bad_crc_is_still_refused() -> None:
    with pytest.raises(EmvError, match="does not match computed"):
        inspect(PROMPTPAY.replace("100.00", "900.00"))


def test_a_payload_with_every_tag_has_no_warnings() -> None:
    assert inspect(VECTOR).warnings == ()
