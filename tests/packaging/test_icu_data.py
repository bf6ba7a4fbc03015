"""Qt's ICU data in the built app (Linux): cut to what Qt reads, and Qt's sorting, the
one thing the app asks of it, unchanged in every language."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

from tests.packaging.test_frozen_app import load

icu_data = load("icu_data")

QT_LIBRARIES = Path(PySide6.__file__ or ".").parent / "Qt" / "lib"
INSTALLED = sorted(QT_LIBRARIES.glob("libicudata.so.*"))
needs_icu = pytest.mark.skipif(not INSTALLED, reason="this PySide6 uses the system's ICU")
needs_linker = pytest.mark.skipif(
    shutil.which("as") is None or shutil.which("ld") is None,
    reason="no GNU assembler and linker here",
)


def test_what_stays_and_what_goes() -> None:
    small, large = 4_000, 200_000
    for kept in (
        "coll/de.res",  # sorting, in every language
        "coll/ucadata.icu",
        "coll/zh.res",
        "root.res",
        "en.res",
        "en_GB.res",
        "zone/en_GB.res",
        "lang/root.res",
        "pool.res",
        "zone/pool.res",
        "supplementalData.res",
        "likelySubtags.res",
        "zoneinfo64.res",
        "nfkc.nrm",
        "unames.icu",
        "cnvalias.icu",
        "brkitr/line.brk",
    ):
        assert icu_data.keep_item(kept, small), kept
    assert icu_data.keep_item("ibm-5348_P100-1997.cnv", 3_200)  # Windows-1252
    for dropped in (
        "de.res",
        "de_AT.res",
        "zh_Hant_TW.res",
        "es_419.res",
        "ca_ES_VALENCIA.res",
        "haw.res",
        "zone/de.res",
        "lang/cy.res",
        "curr/fr.res",
        "unit/ja.res",
        "rbnf/ru.res",
        "region/sv.res",
        "brkitr/cjdict.dict",
    ):
        assert not icu_data.keep_item(dropped, small), dropped
    assert not icu_data.keep_item("gb18030.cnv", large)


@pytest.fixture(scope="module")
def installed() -> tuple[str, bytes]:
    if not INSTALLED:
        pytest.skip("this PySide6 uses the system's ICU")
    reading: tuple[str, bytes] = icu_data.linked_data(INSTALLED[0].read_bytes())
    return reading


@needs_icu
def test_the_package_is_read_and_written_back_byte_for_byte(installed: tuple[str, bytes]) -> None:
    symbol, data = installed
    assert symbol.startswith("icudt") and symbol.endswith("_dat")
    package = icu_data.Package.parse(data)
    assert "coll/root.res" in package.items and len(package.items) > 1000
    assert package.pack() == data


@needs_icu
def test_the_kept_items_are_those_of_the_package_unchanged(installed: tuple[str, bytes]) -> None:
    _, data = installed
    whole = icu_data.Package.parse(data)
    trimmed = icu_data.Package.parse(whole.kept().pack())
    assert trimmed.prefix == whole.prefix and trimmed.header == whole.header
    assert trimmed.items == {
        name: item for name, item in whole.items.items() if icu_data.keep_item(name, len(item))
    }
    assert {name for name in whole.items if name.startswith("coll/")} <= set(trimmed.items)
    assert len(whole.kept().pack()) < len(data) / 3


#: Sorts words in several languages with Qt, and says what else Qt reads from ICU.
_QT_SORTS = """
import json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
words = ["Zoë", "zebra", "Ångström", "apple", "Äpfel", "chwarae", "cyfrif", "llan", "lori",
         "čaj", "cena", "ñu", "nube", "file10", "file2", "Éclair", "eclair", "ıspanak",
         "İstanbul", "istanbul", "Straße", "strasse", "日本", "中国", "ß", "ö", "o"]
sorts = {}
for name in ["en_GB", "cy_GB", "de_DE", "sv_SE", "cs_CZ", "es_ES", "tr_TR", "zh_CN", "ja_JP"]:
    collator = QCollator(QLocale(name))
    collator.setNumericMode(True)
    sorts[name] = sorted(words, key=collator.sortKey)
london = QTimeZone(b"Europe/London").displayName(
    QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("en_GB"))
print(json.dumps({
    "sorts": sorts,
    "zone": london,
    "western": QStringDecoder("windows-1252").isValid(),
    "upper": QLocale("tr_TR").toUpper("istanbul"),
}))
"""


def _qt_reading(preload: Path | None) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)  # loaded before Qt's own, under the same name
    result = subprocess.run(
        [sys.executable, "-c", _QT_SORTS],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=True,
    )
    reading: dict[str, object] = json.loads(result.stdout)
    return reading


@needs_icu
@needs_linker
def test_qt_sorts_every_language_the_same_with_the_trimmed_data(tmp_path: Path) -> None:
    trimmed = icu_data.trimmed_library(INSTALLED[0], tmp_path)
    assert trimmed.name == INSTALLED[0].name
    assert trimmed.stat().st_size < INSTALLED[0].stat().st_size / 3
    whole = _qt_reading(None)
    cut = _qt_reading(trimmed)
    assert cut == whole
    assert cut["zone"] == "Greenwich Mean Time" and cut["western"] is True


@needs_icu
@needs_linker
def test_the_spec_swaps_in_the_trimmed_library(tmp_path: Path) -> None:
    name = f"PySide6/Qt/lib/{INSTALLED[0].name}"
    binaries = [
        (name, str(INSTALLED[0]), "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
    ]
    swapped = icu_data.trim_icu_data(binaries, tmp_path)
    assert swapped[1] == binaries[1]
    assert swapped[0][0] == name and swapped[0][2] == "BINARY"
    assert Path(swapped[0][1]) == tmp_path / INSTALLED[0].name
    _, data = icu_data.linked_data(Path(swapped[0][1]).read_bytes())
    _, whole = icu_data.linked_data(INSTALLED[0].read_bytes())
    kept = icu_data.Package.parse(whole).kept()
    assert icu_data.Package.parse(data).items == kept.items


def test_without_an_icu_data_library_nothing_changes(tmp_path: Path) -> None:
    binaries = [("PySide6\\Qt6Core.dll", "C:/src/Qt6Core.dll", "BINARY")]
    assert icu_data.trim_icu_data(binaries, tmp_path) == binaries
    assert not list(tmp_path.iterdir())
