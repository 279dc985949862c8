"""The importer's parts: encodings, headers, dates, HTML, alternates, contacts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.importer.alternates import generate_alternates, to_halfwidth_katakana
from knowledge.importer.columns import MappingError, find_header, load_mapping, normalize_header
from knowledge.importer.contacts import match_office
from knowledge.importer.convert import file_slug, slug
from knowledge.importer.dates import DateError, parse_date
from knowledge.importer.html_text import one_line, to_plain_text
from knowledge.importer.reading import Sheet, SheetRow, UnreadableFileError, decode_text
from knowledge.municipality import Municipality
from knowledge.schema import MIN_ALTERNATES
from repo_paths import KNOWLEDGE_DIR

JAPANESE = "住民票の写し①"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (JAPANESE.encode("utf-8"), "UTF-8"),
        (JAPANESE.encode("utf-8-sig"), "UTF-8 (BOM)"),
        (JAPANESE.encode("cp932"), "CP932 (Shift_JIS)"),
        (JAPANESE.encode("utf-16"), "UTF-16"),
    ],
)
def test_csv_text_is_decoded_whatever_the_export_used(data: bytes, encoding: str) -> None:
    assert decode_text(data) == (JAPANESE, encoding)


def test_bytes_that_are_neither_utf8_nor_cp932_are_refused() -> None:
    with pytest.raises(UnreadableFileError, match="Shift_JIS"):
        decode_text(b"\x81\x7f\xff")


@pytest.mark.parametrize(
    "value",
    [
        "2026/4/1",
        "2026-04-01",
        "2026.4.1",
        "2026年4月1日",
        "２０２６年４月１日",
        "2026/04/01（水）",
        "2026-04-01 10:23:45",
        "20260401",
        "R8.4.1",
        "r8/4/1",
        "Ｒ８．４．１",
        "令和8年4月1日",
        "46113",
        46113,
        46113.0,
        dt.datetime(2026, 4, 1, 9, 30),
        dt.date(2026, 4, 1),
    ],
)
def test_dates_are_read_from_every_way_sheets_write_them(value: object) -> None:
    assert parse_date(value) == dt.date(2026, 4, 1)


def test_era_first_years_and_heisei() -> None:
    assert parse_date("令和元年5月1日") == dt.date(2019, 5, 1)
    assert parse_date("H31.4.30") == dt.date(2019, 4, 30)
    assert parse_date("平成31年4月30日") == dt.date(2019, 4, 30)


@pytest.mark.parametrize("value", ["来週", "2026/2/30", "2026/4", "12", "R8.13.1", True])
def test_a_value_that_is_not_a_date_is_an_error_not_a_guess(value: object) -> None:
    with pytest.raises(DateError):
        parse_date(value)


def test_html_answers_become_plain_text_with_line_breaks_and_items() -> None:
    html = (
        "<p>転入届は&nbsp;14日以内に出してください。</p>\n"
        "  <ul>\n    <li>本人確認書類</li>\n    <li>転出証明書</li>\n  </ul>\n"
        "<ol><li>申請</li><li>受け取り</li></ol>"
        '詳しくは<a href="https://example.jp/">こちら</a>&amp;{{offices.citizen.phone}}<br>'
        "<script>alert(1)</script>以上"
    )

    assert to_plain_text(html) == (
        "転入届は 14日以内に出してください。\n・本人確認書類\n・転出証明書\n"
        "1. 申請\n2. 受け取り\n詳しくはこちら&{{offices.citizen.phone}}\n以上"
    )


def test_plain_answers_keep_their_line_breaks_and_lose_stray_whitespace() -> None:
    assert (
        to_plain_text("　一行目  です \r\n\n\n\n三歳<五歳\t は対象")
        == "一行目 です\n\n三歳<五歳 は対象"
    )
    assert to_plain_text("<b>注意</b>\n改行はそのまま") == "注意\n改行はそのまま"
    assert one_line("住民票は\nどこで\n取れますか") == "住民票は どこで 取れますか"


@pytest.mark.parametrize("header", ["Ｑ", "q", "Q.", " Q ", "ｑ："])
def test_headers_compare_without_width_case_spaces_or_punctuation(header: str) -> None:
    assert normalize_header(header) == "q"


def _sheet(*rows: list[object]) -> Sheet:
    return Sheet(Path("faq.csv"), tuple(SheetRow(n, tuple(r)) for n, r in enumerate(rows, 1)))


def test_the_header_is_the_first_row_naming_a_question_and_an_answer() -> None:
    sheet = _sheet(
        ["よくある質問一覧", None, None],
        [],
        [
            "No.",
            "大分類",
            "小分類",
            "問い合わせ内容",
            "回答",
            "最終 更新日",
            "担当部署",
            "関連ＵＲＬ",
        ],
    )

    columns = find_header(sheet)

    assert columns.header_row == 3
    assert columns.columns == {
        "id": (0,),
        "category": (1, 2),
        "question": (3,),
        "answer": (4,),
        "date": (5,),
        "department": (6,),
        "url": (7,),
    }


def test_a_mapping_names_other_headers_and_its_mistakes_are_reported(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("columns: {question: 問の内容, answer: 答, category: [大項目, 中項目]}")
    sheet = _sheet(["大項目", "中項目", "問の内容", "答"])

    columns = find_header(sheet, load_mapping(mapping))

    assert columns.columns == {"question": (2,), "answer": (3,), "category": (0, 1)}
    mapping.write_text("columns: {question: 問の内容, answer: 答, date: 掲載日}")
    with pytest.raises(MappingError, match="掲載日"):
        find_header(sheet, load_mapping(mapping))
    mapping.write_text("columns: {questoin: 問の内容}")
    with pytest.raises(MappingError, match="unknown field 'questoin'"):
        load_mapping(mapping)


@pytest.mark.parametrize(
    "question",
    [
        "住民票の写しを取得するにはどうすればよいですか？",
        "マイナンバーカードをなくしたときはどうすればいいですか",
        "児童手当について教えてください",
        "ごみ",
        "転入届",
    ],
)
def test_alternates_are_enough_distinct_and_the_same_every_time(question: str) -> None:
    alternates = generate_alternates(question)

    assert alternates == generate_alternates(question)
    assert alternates[0] == question
    assert len(alternates) >= MIN_ALTERNATES
    assert len(set(alternates)) == len(alternates)


def test_alternates_include_plain_keyword_and_kana_variants() -> None:
    alternates = generate_alternates("保育料はどのように決まりますか")
    assert "保育料はどのように決まる？" in alternates  # plain form
    assert "保育料 決まる" in alternates  # keywords
    assert "ほいくりょう きまる" in alternates  # typed in hiragana
    assert "児童手当" in generate_alternates("児童手当について教えてください")
    assert to_halfwidth_katakana("マイナンバーカード ヴ") == "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ ｳﾞ"


@pytest.mark.parametrize(
    ("department", "contact"),
    [
        ("市民課", "offices.citizen"),
        ("市民課 住民記録係", "offices.citizen"),
        ("健康福祉部 こども家庭課", "offices.child"),
        ("税務課", "offices.tax"),  # not the 税務課・危機管理課 of 罹災証明書
        ("危機管理課", "offices.disaster_prevention"),
        ("総務課", None),
        ("課", None),
    ],
)
def test_a_department_gives_a_contact_only_when_one_office_fits(
    department: str, contact: str | None
) -> None:
    municipality = Municipality.load(KNOWLEDGE_DIR / "municipality.yml")
    assert match_office(department, municipality) == contact


def test_ids_are_built_from_latin_letters_and_digits_or_a_hash() -> None:
    assert slug("FAQ一覧_2026年4月") == "faq-2026-4"
    assert slug("Q-001") == "q-001"
    assert file_slug(Path("FAQ_List.csv")) == "faq-list"
    stem_only_kanji = file_slug(Path("よくある質問.csv"))
    assert len(stem_only_kanji) == 8
    assert stem_only_kanji == file_slug(Path("よくある質問.xlsx"))
