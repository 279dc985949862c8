"""`python -m knowledge import`: spreadsheets in, FAQ files that pass `knowledge check` out."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.check import run_check
from knowledge.importer.command import run_import
from repo_paths import KNOWLEDGE_DIR, REPO_ROOT

DATA = REPO_ROOT / "tests" / "data" / "import"
SJIS_EXPORT = DATA / "faq_system_export_sjis.csv"
WORKBOOK = DATA / "kosodate_faq.xlsx"
BAD_ROWS = DATA / "bad_rows.csv"
UNUSUAL = DATA / "unusual_headers.csv"
MAPPING = DATA / "unusual_mapping.yml"
TODAY = dt.date.today()


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A copy of the bot's knowledge (data files only), plus the entry bad_rows.csv repeats."""
    copy = tmp_path / "knowledge"
    shutil.copytree(
        KNOWLEDGE_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__", "importer")
    )
    shutil.copyfile(DATA / "existing_faq.yml", copy / "faq" / "existing_faq.yml")
    return copy


class Run:
    def __init__(self, code: int, lines: list[str]) -> None:
        self.code = code
        self.lines = lines
        self.text = "\n".join(lines)


def run(source: Path, knowledge_dir: Path, **options: object) -> Run:
    lines: list[str] = []
    options.setdefault("today", TODAY)
    code = run_import(source, knowledge_dir=knowledge_dir, say=lines.append, **options)
    return Run(code, lines)


def entries(path: Path) -> dict[str, dict]:
    return {e["id"]: e for e in yaml.safe_load(path.read_text(encoding="utf-8"))}


def check_problems(knowledge_dir: Path, path: Path, today: dt.date = TODAY) -> list[str]:
    """`knowledge check` on the directory: what it says about `path`, and its entry count."""
    base, problems = run_check(knowledge_dir, today=today)
    assert any(item.path == path for item in base.faqs)
    return [str(p) for p in problems if p.path == path]


def test_a_shift_jis_export_becomes_entries_that_pass_the_check(knowledge_dir: Path) -> None:
    with pytest.raises(UnicodeDecodeError):
        SJIS_EXPORT.read_bytes().decode("utf-8")  # really CP932

    result = run(SJIS_EXPORT, knowledge_dir)

    out = knowledge_dir / "faq" / "imported_faq_system_export_sjis.yml"
    assert result.code == 0, result.text
    assert "CP932" in result.lines[0]
    assert result.lines[-1].startswith("knowledge import: 8 rows, 8 entries written to")
    assert check_problems(knowledge_dir, out) == []
    found = entries(out)
    assert list(found) == [f"imp-faq-system-export-sjis-{n}" for n in range(1, 9)]
    first = found["imp-faq-system-export-sjis-1"]
    assert first["category"] == "戸籍・住民票 > 住民票"
    assert first["contact"] == "offices.citizen"  # 市民課 住民記録係
    assert first["url"] == "https://www.city.sakura.example.lg.jp/citizen/konbini.html"
    assert first["source"] == {"title": "faq_system_export_sjis", "date": dt.date(2026, 4, 1)}
    assert first["reviewed"] == TODAY
    assert first["alternates"][0] == first["question"]
    assert len(set(first["alternates"])) == len(first["alternates"]) >= 4
    html = found["imp-faq-system-export-sjis-2"]
    assert html["answer"] == (
        "登録する印鑑と、本人確認書類をお持ちください。\n"
        "・マイナンバーカード\n・運転免許証\n"
        '代理の方が申請するときは"委任状"も必要です。'
    )
    assert html["source"]["date"] == dt.date(2026, 4, 1)  # 令和8年4月1日
    assert found["imp-faq-system-export-sjis-3"]["source"]["date"] == dt.date(2026, 3, 15)
    assert "{{offices.tax_payment.phone}}" in found["imp-faq-system-export-sjis-3"]["answer"]
    assert found["imp-faq-system-export-sjis-5"]["answer"].splitlines()[1].startswith("①")
    assert found["imp-faq-system-export-sjis-6"]["source"]["date"] == dt.date(2025, 12, 1)
    parking = found["imp-faq-system-export-sjis-8"]
    assert "contact" not in parking  # 総務課 is no office of municipality.yml
    file_date = dt.date.fromtimestamp(SJIS_EXPORT.stat().st_mtime)
    assert parking["source"]["date"] == file_date  # no date in the row
    text = out.read_text(encoding="utf-8")
    assert "alternates were generated" in text
    assert "# department: 総務課 (no office in municipality.yml matches it)" in text
    assert "faq_system_export_sjis.csv:9: warning: the answer has a phone number" in result.text


def test_an_xlsx_with_a_title_row_merged_cells_and_line_breaks(knowledge_dir: Path) -> None:
    result = run(WORKBOOK, knowledge_dir)

    out = knowledge_dir / "faq" / "imported_kosodate_faq.yml"
    assert result.code == 0, result.text
    assert "header on row 3" in result.lines[0]
    assert check_problems(knowledge_dir, out) == []
    found = entries(out)
    assert list(found) == [f"imp-kosodate-faq-k-0{n}" for n in range(1, 5)]
    nursery, fee, school, medical = found.values()
    assert nursery["source"] == {
        "title": "さくら市 よくある質問（子育て・教育）",
        "date": dt.date(2026, 3, 1),
    }
    assert nursery["url"] == "https://www.city.sakura.example.lg.jp/hoiku/moushikomi.html"
    assert nursery["contact"] == "offices.childcare"
    assert nursery["answer"].count("\n") == 1
    assert fee["category"] == "保育所"  # merged down from the row above
    assert fee["source"]["date"] == dt.date(2026, 4, 1)  # Excel serial 46113
    assert school["answer"].splitlines()[1:] == [
        "・市民課で転入届を出す",
        "・学校教育課で転入学通知書を受け取る",
        "・前の学校でもらった書類と一緒に、新しい学校へ出す",
    ]
    assert school["source"]["date"] == dt.date(2026, 2, 1)
    assert medical["source"]["date"] == dt.date(2026, 1, 10)  # R8.1.10


def test_importing_the_same_file_again_changes_no_byte(knowledge_dir: Path) -> None:
    first = run(SJIS_EXPORT, knowledge_dir)
    out = knowledge_dir / "faq" / "imported_faq_system_export_sjis.yml"
    written = out.read_bytes()

    again = run(SJIS_EXPORT, knowledge_dir)
    next_day = run(SJIS_EXPORT, knowledge_dir, today=TODAY + dt.timedelta(days=1))

    assert first.code == again.code == next_day.code == 0
    assert out.read_bytes() == written
    assert "8 entries unchanged in" in again.lines[-1]
    assert "8 entries unchanged in" in next_day.lines[-1]  # reviewed of unchanged entries kept


def test_bad_rows_are_reported_with_their_row_numbers_and_the_rest_is_written(
    knowledge_dir: Path,
) -> None:
    result = run(BAD_ROWS, knowledge_dir)

    out = knowledge_dir / "faq" / "imported_bad_rows.yml"
    assert result.code == 1
    expected = [
        "bad_rows.csv:3: error: no answer; row skipped",
        "bad_rows.csv:4: error: unreadable date: '来週' is not a date",
        "bad_rows.csv:5: error: over-long answer (",
        "bad_rows.csv:6: error: the same question as row 2; row skipped",
        "bad_rows.csv:7: error: no question; row skipped",
        "bad_rows.csv:8: error: the same question as [existing-pool-hours]",
        "bad_rows.csv:9: error: unknown placeholder '{{offices.library.phone}}'",
    ]
    for message in expected:
        assert message in result.text
    assert result.text.count("row skipped") == len(expected)
    assert "9 rows, 2 entries written to" in result.lines[-1]
    assert "7 rows skipped" in result.lines[-1]
    assert list(entries(out)) == ["imp-bad-rows-1", "imp-bad-rows-9"]
    assert check_problems(knowledge_dir, out) == []


def _edited_copy(tmp_path: Path, old: str, new: str) -> Path:
    """The Shift_JIS export with one answer changed, as staff would re-export it."""
    copy = tmp_path / SJIS_EXPORT.name
    text = SJIS_EXPORT.read_bytes().decode("cp932")
    assert old in text
    copy.write_bytes(text.replace(old, new).encode("cp932"))
    return copy


def test_an_existing_file_changes_only_with_update(knowledge_dir: Path, tmp_path: Path) -> None:
    sheet = tmp_path / SJIS_EXPORT.name
    shutil.copy2(SJIS_EXPORT, sheet)
    assert run(sheet, knowledge_dir).code == 0
    out = knowledge_dir / "faq" / "imported_faq_system_export_sjis.yml"
    # staff improve an alternate in the YAML, which a re-import keeps
    improved = out.read_text(encoding="utf-8").replace(
        "    - 住民票 写し コンビニ 取れる\n", "    - コンビニで住民票とれる？\n", 1
    )
    out.write_text(improved, encoding="utf-8")
    _edited_copy(tmp_path, "2時間まで無料です", "3時間まで無料です")
    later = TODAY + dt.timedelta(days=1)

    refused = run(sheet, knowledge_dir, today=later)

    assert refused.code == 2
    assert "run again with --update" in refused.text
    assert "0 new, 1 changed, 0 removed" in refused.text
    assert out.read_text(encoding="utf-8") == improved

    updated = run(sheet, knowledge_dir, update=True, today=later)

    assert updated.code == 0, updated.text
    found = entries(out)
    assert "3時間まで無料です" in found["imp-faq-system-export-sjis-8"]["answer"]
    assert found["imp-faq-system-export-sjis-8"]["reviewed"] == later
    assert "コンビニで住民票とれる？" in found["imp-faq-system-export-sjis-1"]["alternates"]
    assert found["imp-faq-system-export-sjis-1"]["reviewed"] == TODAY  # unchanged entry
    assert check_problems(knowledge_dir, out, today=later) == []


def test_a_hand_written_file_is_never_replaced(knowledge_dir: Path) -> None:
    target = knowledge_dir / "faq" / "taxes.yml"
    before = target.read_bytes()

    result = run(SJIS_EXPORT, knowledge_dir, out=target, update=True)

    assert result.code == 2
    assert "was not written by the importer" in result.text
    assert target.read_bytes() == before


def test_a_mapping_file_names_unusual_headers(knowledge_dir: Path) -> None:
    unmapped = run(UNUSUAL, knowledge_dir)
    mapped = run(UNUSUAL, knowledge_dir, mapping_file=MAPPING)

    out = knowledge_dir / "faq" / "imported_unusual_headers.yml"
    assert unmapped.code == 2
    assert "--mapping" in unmapped.text
    assert mapped.code == 0, mapped.text
    found = entries(out)
    assert list(found) == ["imp-unusual-headers-a1", "imp-unusual-headers-a2"]
    assert found["imp-unusual-headers-a1"]["category"] == "くらし・防災"
    assert found["imp-unusual-headers-a1"]["contact"] == "offices.disaster_prevention"
    assert found["imp-unusual-headers-a1"]["source"]["date"] == dt.date(2026, 3, 10)
    assert check_problems(knowledge_dir, out) == []


def test_the_command_line_writes_where_out_says_and_checks_it(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "review" / "kosodate.yml"
    command = [sys.executable, "-m", "knowledge", "import", str(WORKBOOK)]
    options = ["--dir", str(knowledge_dir), "--out", str(out)]

    result = subprocess.run([*command, *options], cwd=REPO_ROOT, capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"4 entries written to {out}" in result.stdout
    assert len(entries(out)) == 4
    assert not (knowledge_dir / "faq" / "kosodate.yml").exists()
