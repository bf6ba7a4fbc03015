"""Qt's ICU data, cut to what Qt asks of it in this app (Linux builds).

PySide6's Linux wheels carry ICU, and its data library (``libicudata.so.NN``, 32 MB)
is the largest file in the built app. ICU finds its data as one package linked into
that library as the symbol ``icudtNN_dat``; the package is a table of contents and
items named like ``coll/de.res``. This module rewrites the package without the items
Qt never reads here and links it into a library of the same name, so Qt loads it as
before.

What Qt uses ICU for, and so what stays:

- **collation** (``QCollator``, which sorts names, for example in the file dialog):
  every ``coll/`` item, so sorting is the same in every language;
- **everything that is not per language**: normalisation, character names and
  properties, likely subtags, aliases, time-zone rules, supplemental data and the
  shared string pool the locale items point into;
- **the root locale and English** in every category (the app is in English), such as
  time-zone names, which Qt asks ICU for when it names a zone.

What goes:

- **other languages' display names** of languages, countries, currencies, units, time
  zones and number spell-outs (``lang/``, ``region/``, ``curr/``, ``unit/``,
  ``zone/``, ``rbnf/`` and the locales' own ``xx.res``): ``QLocale`` uses Qt's own
  CLDR tables for dates, numbers and names, never these;
- **the large code-page tables** (``*.cnv`` over 64 KB: the double-byte code pages
  of Chinese, Japanese and Korean, 4.6 MB): Qt converts UTF-8, UTF-16, UTF-32 and
  Latin-1 itself and the app reads and writes only UTF-8. The small tables stay
  (0.6 MB: Windows-1252, the ISO 8859 family, KOI8, ...), so Qt can still read a
  named Western legacy encoding, and ICU's algorithmic converters are code, not data;
- **the word-break dictionaries** for Chinese, Japanese, Thai, Lao, Khmer and Burmese
  (``brkitr/*.dict``): Qt finds word and line breaks with its own Unicode tables.

Nothing here imports PyInstaller: the spec calls :func:`trim_icu_data` on its list of
binaries, and the packaging tests call the rest.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: A locale's own item: ``de``, ``de_AT``, ``zh_Hant_TW``, ``es_419``, ``ca_ES_VALENCIA``.
#: ``root``, ``pool`` and the named tables (``supplementalData``, ...) never match.
_LOCALE_ITEM = re.compile(r"[a-z]{2,3}(_[A-Z][a-z]{3})?(_([A-Z]{2}|[0-9]{3}))?(_[A-Z0-9]+)*\.res")

#: Folders whose items are all kept, whichever language they are for.
KEPT_FOLDERS = ("coll",)

#: The languages whose own items are kept besides ``root``.
KEPT_LANGUAGES = ("en",)

#: Code-page tables larger than this are left out: the East Asian double-byte ones.
LARGEST_CONVERTER = 64 * 1024

_SYMBOL = re.compile(rb"icudt\d+_dat")
_ALIGN = 16  # ICU's items start on 16-byte boundaries


def keep_item(name: str, size: int) -> bool:
    """Whether the item ``name`` (``coll/de.res``, without the package's prefix) of
    ``size`` bytes stays."""
    folder, _, base = name.rpartition("/")
    if folder in KEPT_FOLDERS:
        return True
    if base.endswith(".cnv"):
        return size <= LARGEST_CONVERTER
    if folder == "brkitr" and base.endswith(".dict"):
        return False
    if _LOCALE_ITEM.fullmatch(base):
        return base.split("_")[0].removesuffix(".res") in KEPT_LANGUAGES
    return True


@dataclass(frozen=True)
class Package:
    """ICU's common data: its header, then the items by name (without the prefix)."""

    header: bytes
    prefix: str  # "icudt73l/"
    items: dict[str, bytes]

    @classmethod
    def parse(cls, data: bytes) -> Package:
        header_size, magic = struct.unpack_from("<H2s", data, 0)
        if magic != b"\xda\x27" or data[12:16] != b"CmnD":
            raise ValueError("not ICU common data")
        toc = data[header_size:]
        (count,) = struct.unpack_from("<I", toc, 0)
        entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
        names = [toc[name : toc.index(b"\0", name)].decode("ascii") for name, _ in entries]
        ends = [offset for _, offset in entries[1:]] + [len(toc)]
        prefix = names[0].split("/")[0] + "/"
        items = {
            name.removeprefix(prefix): toc[offset:end]
            for name, (_, offset), end in zip(names, entries, ends, strict=True)
        }
        return cls(header=data[:header_size], prefix=prefix, items=items)

    def kept(self) -> Package:
        items = {name: item for name, item in self.items.items() if keep_item(name, len(item))}
        return Package(header=self.header, prefix=self.prefix, items=items)

    def pack(self) -> bytes:
        """The package as ICU reads it: items in name order, each 16-byte aligned."""
        names = sorted(self.items)  # ICU looks names up by binary search
        table = 4 + 8 * len(names)
        encoded = [(self.prefix + name).encode("ascii") + b"\0" for name in names]
        offset = table + sum(map(len, encoded))
        entries, name_offset, data = [], table, bytearray()
        for name, text in zip(names, encoded, strict=True):
            padding = -(len(self.header) + offset) % _ALIGN
            data += b"\xaa" * padding  # as ICU pads its own packages
            offset += padding
            entries.append((name_offset, offset))
            name_offset += len(text)
            data += self.items[name]
            offset += len(self.items[name])
        toc = struct.pack("<I", len(names)) + b"".join(struct.pack("<II", *e) for e in entries)
        return self.header + toc + b"".join(encoded) + bytes(data)


def linked_data(library: bytes) -> tuple[str, bytes]:
    """The name of the data symbol in an ICU data library (ELF, 64-bit, little-endian)
    and the bytes it holds."""
    if library[:6] != b"\x7fELF\x02\x01":
        raise ValueError("not a 64-bit little-endian ELF library")
    (shoff,) = struct.unpack_from("<Q", library, 0x28)
    entry_size, count = struct.unpack_from("<HH", library, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", library, shoff + i * entry_size) for i in range(count)
    ]
    for kind, link, offset, size in ((s[1], s[6], s[4], s[5]) for s in sections):
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, 24):
            name_at, _, _, index, value, length = struct.unpack_from("<IBBHQQ", library, at)
            name = library[strings + name_at : library.index(b"\0", strings + name_at)]
            if _SYMBOL.fullmatch(name) and 0 < index < len(sections):
                section = sections[index]
                start = value - section[3] + section[4]
                return name.decode("ascii"), library[start : start + length]
    raise ValueError("no icudtNN_dat symbol in the library")


_ASSEMBLY = """\
    .section .rodata
    .globl {symbol}
    .type {symbol}, @object
    .balign 16
{symbol}:
    .incbin "{data}"
    .size {symbol}, . - {symbol}
    .section .note.GNU-stack, "", @progbits
"""


def link_library(symbol: str, package: bytes, target: Path, soname: str) -> Path:
    """A shared library named ``soname`` whose symbol ``symbol`` holds ``package``.

    Uses the GNU assembler and linker, which PyInstaller needs on Linux anyway."""
    with tempfile.TemporaryDirectory(prefix="lt-desktop-icu-") as scratch:
        folder = Path(scratch)
        (folder / "data.bin").write_bytes(package)
        source = folder / "data.s"
        source.write_text(_ASSEMBLY.format(symbol=symbol, data=folder / "data.bin"))
        subprocess.run(["as", "-o", str(folder / "data.o"), str(source)], check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["ld", "-shared", "-soname", soname, "-o", str(target), str(folder / "data.o")],
            check=True,
        )
    return target


def trimmed_library(source: Path, folder: Path) -> Path:
    """``source`` (an ICU data library) rebuilt in ``folder`` with the kept items only."""
    symbol, data = linked_data(source.read_bytes())
    package = Package.parse(data).kept().pack()
    return link_library(symbol, package, folder / source.name, soname=source.name)


Entry = tuple[str, str, str]  # PyInstaller's (name in the app, source, kind)


def trim_icu_data(binaries: list[Entry], folder: Path) -> list[Entry]:
    """PyInstaller's binaries with ICU's data library swapped for the trimmed one.

    Unchanged where there is none (Windows and macOS use the system's ICU) or where
    the assembler and linker are missing (the app is then only larger)."""
    trimmed = []
    for name, source, kind in binaries:
        if Path(name.replace("\\", "/")).name.startswith("libicudata.so") and kind == "BINARY":
            if shutil.which("as") is None or shutil.which("ld") is None:
                print("ICU's data is bundled whole: the GNU assembler and linker are missing")
            else:
                source = str(trimmed_library(Path(source), folder))
        trimmed.append((name, source, kind))
    return trimmed
