"""A generated corpus of harmless messages full of numbers, for the false-alarm tests.

Numbers once meant "emergency" to the NLU model (its only digits were 110 and 119); residents
write numbers everywhere: postal codes, dates in 西暦 and 和暦, ages, counts, amounts, room
numbers, ids, payloads. Deterministic: the same list on every run.
"""

from __future__ import annotations

import itertools
import random

_SEED = 20261201

LONE = [
    "0",
    "1",
    "7",
    "9",
    "12",
    "24",
    "99",
    "100",
    "110",
    "119",
    "365",
    "2026",
    "12345",
    "１",
    "７",
    "１１０",
    "１１９",
]
POSTAL = [
    "123-4567",
    "020-0021",
    "〒100-0001",
    "〒５３０－０００１",
    "1000001",
    "郵便番号は530-0001です",
]
DATES = [
    "2026年12月1日",
    "令和8年4月1日",
    "令和6年度",
    "R7.3.31",
    "2024/10/15",
    "12月10日",
    "平成31年4月",
    "昭和55年生まれ",
    "1月1日現在",
    "2025-04-01",
]
AGES = ["70歳", "80代", "3歳", "0歳児", "18歳", "65歳以上", "生後2か月", "75歳"]
COUNTS = ["2人目", "3枚", "三人目", "4回", "5件", "1人暮らし", "2世帯", "10冊"]
AMOUNTS = ["300円", "1,000円", "¥1,500", "110円切手", "119円", "5万円", "1万5千円", "2,000円"]
PLACES = ["3番窓口", "2階", "room 110", "119号室", "1丁目2番3号", "119番地", "110ページ", "7番線"]
IDS = [
    "ab12",
    "XYZ-110",
    "itemId=123123",
    "action=buyItem&itemId=123123&color=red",
    "xyz=1",
    "id:119",
    "ORDER#2026-0119",
    "FIRE2026",
]
MASKED = ["[電話番号]", "[番号]", "[個人番号]", "000-000-1000（サンプル）"]
URLS = [
    "https://www.city.sakura.example.lg.jp/119/",
    "https://example.jp/?q=110",
    "www.example.lg.jp/kosodate/3",
]
TIMES = ["9時", "17時15分", "8:30", "午後3時", "24時間", "14日以内", "2週間", "1か月"]

TEMPLATES = [
    "{x}",
    "{x}です",
    "{x}について知りたい",
    "{x}の住民税はいくらですか",
    "子どもが生まれました。{x}に届けを出したい",
    "{x}までに転入届を出せばいいですか",
    "母は{x}です。介護の申請はどうすれば",
    "マイナンバーカードの受け取りは{x}でいいですか",
    "手数料は{x}ですか",
    "{x}に行けばいいですか",
    "{x}って何の番号？",
    "{x} ありがとう",
    "How much is {x}?",
    "Is {x} correct?",
]


def number_messages() -> list[str]:
    """At least 500 distinct messages; every one contains a number."""
    values = list(
        itertools.chain(
            LONE, POSTAL, DATES, AGES, COUNTS, AMOUNTS, PLACES, IDS, MASKED, URLS, TIMES
        )
    )
    rng = random.Random(_SEED)
    messages = list(values)
    for value in values:
        for template in rng.sample(TEMPLATES, 6):
            messages.append(template.format(x=value))
    unique = list(dict.fromkeys(messages))
    return [m for m in unique if any(c.isdigit() for c in m)]
