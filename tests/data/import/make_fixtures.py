"""Writes the spreadsheet fixtures of tests/knowledge/test_import*.py.

Run from the repository root with the app environment (it needs openpyxl):

    .venvs/app/bin/python tests/data/import/make_fixtures.py

The files are committed; this script is how to change them. The CSV files are written here
rather than by hand because one is Shift_JIS (CP932) and one starts with a BOM.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent

# An export of a municipal FAQ system: Shift_JIS, 大分類/小分類, HTML in one answer, a line
# break in a quoted cell, ① (a CP932 character that plain Shift_JIS lacks), an empty date.
FAQ_SYSTEM_EXPORT = [
    ["番号", "大分類", "小分類", "質問", "回答", "担当課", "最終更新日", "関連URL"],
    [
        "1",
        "戸籍・住民票",
        "住民票",
        "住民票の写しはコンビニで取れますか",
        "マイナンバーカードをお持ちの方は、全国のコンビニエンスストアのマルチコピー機で"
        "住民票の写しを取得できます。利用できる時間は6時30分から23時までです。"
        "カードの暗証番号（数字4桁）が必要です。",
        "市民課 住民記録係",
        "2026/4/1",
        "https://www.city.sakura.example.lg.jp/citizen/konbini.html",
    ],
    [
        "2",
        "戸籍・住民票",
        "印鑑登録",
        "印鑑登録をするには何を持っていけばいいですか",
        "<p>登録する印鑑と、本人確認書類をお持ちください。</p>"
        "<ul><li>マイナンバーカード</li><li>運転免許証</li></ul>"
        "<p>代理の方が申請するときは&quot;委任状&quot;も必要です。</p>",
        "市民課",
        "令和8年4月1日",
        "",
    ],
    [
        "3",
        "税金",
        "住民税",
        "住民税の納付書をなくしてしまいました",
        "納付書は再発行できます。納付書の年度と期別をお知らせください。"
        "{{offices.tax_payment.phone}}でも受け付けています。",
        "納税課",
        "R8.3.15",
        "https://www.city.sakura.example.lg.jp/nouzei/saihakko.html",
    ],
    [
        "4",
        "子育て",
        "児童手当",
        "児童手当が振り込まれるのは何月ですか",
        "児童手当は、偶数月（2月・4月・6月・8月・10月・12月）に、その前の月の分までを"
        "振り込みます。振込日が土日祝日にあたるときは、その前の平日になります。",
        "こども家庭課",
        "2026-02-10",
        "",
    ],
    [
        "5",
        "ごみ・環境",
        "粗大ごみ",
        "粗大ごみを出したいのですがどう申し込めばいいですか",
        "粗大ごみは事前の申し込みが必要です。\n"
        "①電話かインターネットで申し込む\n"
        "②粗大ごみ処理券を買って貼る\n"
        "③決められた日の朝8時30分までに出す",
        "環境課",
        "2026/1/20",
        "",
    ],
    [
        "6",
        "くらし",
        "ペット",
        "犬を飼い始めたときの届け出について",
        "生後91日以上の犬を飼い始めたら、30日以内に登録してください。"
        "登録の後は、毎年1回、狂犬病の予防注射を受けさせてください。",
        "環境課 生活衛生係",
        "2025年12月1日",
        "",
    ],
    [
        "7",
        "福祉",
        "障がい",
        "障害者手帳の住所を変えるにはどうすればよいですか",
        "市内で引っ越したときは、新しい住所を届け出てください。手帳をお持ちいただければ、"
        "窓口で住所を書き換えます。",
        "障がい福祉課",
        "2026/3/31",
        "",
    ],
    [
        "8",
        "その他",
        "庁舎",
        "市役所の駐車場は無料ですか",
        "来庁者用の駐車場は2時間まで無料です。窓口で駐車券の認証を受けてください。"
        "ご不明な点は0120-000-000までお問い合わせください。",
        "総務課",
        "",
        "",
    ],
]

# A hand-made Excel list: a merged title row, a blank row, the header on row 3, line breaks
# inside cells, a category merged down over two rows, dates as a real date, an Excel serial
# number and era text, and a URL given as the hyperlink of a 「詳しくはこちら」 cell.
WORKBOOK_TITLE = "さくら市 よくある質問（子育て・教育）"
WORKBOOK_HEADER = ["No.", "カテゴリー", "質問内容", "回答内容", "所管課", "更新日", "URL"]
WORKBOOK_ROWS = [
    [
        "K-01",
        "保育所",
        "保育所の入所申し込みはいつから受け付けていますか",
        "4月からの入所は、前の年の11月ごろに申し込みを受け付けます。\n"
        "年度の途中から入所するときは、入所したい月の前の月の10日までに申し込んでください。",
        "保育課",
        dt.datetime(2026, 3, 1),
        "詳しくはこちら",
    ],
    [
        "K-02",
        None,  # merged with the cell above
        "保育料はどのように決まりますか",
        "保育料は、世帯の市町村民税の所得割額と、お子さんの年齢で決まります。\n"
        "3歳から5歳までのお子さんの保育料は無償です。",
        "保育課",
        46113,  # an Excel serial date: 2026-04-01
        None,
    ],
    [
        "K-03",
        "学校",
        "市外から転入したときの小学校の転校の手続き",
        "市外から転入したときは、次の順に手続きをしてください。\n"
        "・市民課で転入届を出す\n"
        "・学校教育課で転入学通知書を受け取る\n"
        "・前の学校でもらった書類と一緒に、新しい学校へ出す",
        "学校教育課",
        "令和8年2月1日",
        None,
    ],
    [
        "K-04",
        "子育て",
        "子ども医療費の助成は何歳まで受けられますか",
        "高校3年生の年齢（18歳になった日の後の最初の3月31日）まで助成を受けられます。\n"
        "受給者証を医療機関の窓口で見せてください。",
        "こども家庭課",
        "R8.1.10",
        None,
    ],
]
WORKBOOK_LINK = "https://www.city.sakura.example.lg.jp/hoiku/moushikomi.html"

# Rows that must be reported and skipped, among rows that must be written (UTF-8 with BOM):
# 3 no answer, 4 unreadable date, 5 over-long answer, 6 repeats row 2, 7 no question,
# 8 repeats existing_faq.yml, 9 unknown placeholder; rows 2 and 10 are written.
LONG_ANSWER = "マイナンバーカードの電子証明書は、発行から5回目の誕生日に有効期限を迎えます。" * 20
BAD_ROWS = [
    ["番号", "カテゴリ", "質問", "回答", "更新日"],
    [
        "1",
        "手続き",
        "パスポートの受け取りに子どもも行かないといけませんか",
        "はい。パスポートは、申請した本人が窓口で受け取ります。お子さんの分も、"
        "お子さん本人と一緒にお越しください。",
        "2026/4/1",
    ],
    ["2", "手続き", "転出届はいつまでに出せばいいですか", "", "2026/4/1"],
    ["3", "くらし・防災", "期日前投票の投票所は混んでいますか", "最終日は混み合います。", "来週"],
    ["4", "マイナンバーカード", "マイナンバーカードの電子証明書の更新について", LONG_ANSWER, ""],
    [
        "5",
        "手続き",
        "パスポートの受け取りに子どもも行かないといけませんか",
        "本人が窓口で受け取ります。",
        "2026/4/2",
    ],
    ["6", "手続き", "", "質問の欄が空いている行です。", "2026/4/1"],
    [
        "7",
        "手続き",
        "市民プールは何時まで泳げますか",  # the question of existing_faq.yml
        "市民プールは21時まで泳げます。最後の入場は20時30分です。",
        "2026/4/1",
    ],
    [
        "8",
        "手続き",
        "図書館の利用カードを作りたい",
        "図書館のカウンターで作れます。{{offices.library.phone}}",
        "2026/4/1",
    ],
    [
        "9",
        "くらし・防災",
        "公民館の会議室を借りるにはどうすればよいですか",
        "使う日の3か月前から、公民館の窓口で予約を受け付けます。",
        "2026/3/1",
    ],
]


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_workbook(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "FAQ"
    sheet.append([WORKBOOK_TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(WORKBOOK_HEADER))
    sheet.append([])
    sheet.append(WORKBOOK_HEADER)
    for row in WORKBOOK_ROWS:
        sheet.append(row)
    sheet.merge_cells("B4:B5")
    sheet["F4"].number_format = "yyyy/m/d"
    sheet["G4"].hyperlink = WORKBOOK_LINK
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.creator = "make_fixtures.py"
    book.properties.created = book.properties.modified = dt.datetime(2026, 4, 1)
    book.save(path)


def main() -> None:
    (HERE / "faq_system_export_sjis.csv").write_bytes(csv_text(FAQ_SYSTEM_EXPORT).encode("cp932"))
    (HERE / "bad_rows.csv").write_bytes(csv_text(BAD_ROWS).encode("utf-8-sig"))
    write_workbook(HERE / "kosodate_faq.xlsx")


if __name__ == "__main__":
    main()
