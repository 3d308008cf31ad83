"""China's administrative divisions (NBS 统计用区划代码, 2023 edition) and name lookup.

The edition ships as one zip (resources/divisions/divisions-2023.zip, built by
packaging/build_divisions.py): ``index.tsv`` holds provinces, cities and counties, and one
member per county holds its townships and villages. Nothing is read at import; the index is
read on first use and a county's member only when that county is asked for (then kept),
so a laptop that works in one county never parses the other 620,000 villages.

Every division has a 12-digit code (``140222206200``). Villages missing from the edition
(merged villages still named in rosters, natural villages, new 安置社区) get local codes in
the range 600–999 under their township, which the NBS rules leave unused, from a stable
hash of the name (``local_code``): two laptops that add the same village offline agree.

Lookups match what people write in rosters: official names (水头村村委会), short names
(水头村), names without 村/社区, township + village, full paths (山西省大同市天镇县…). When a
text could name several divisions, the answer lists them all and names none: the caller
asks the user, the program never guesses.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from workteam_desktop.paths import resources_dir

EDITION = "2023"
FILE_NAME = f"divisions-{EDITION}.zip"

LEVELS = ("province", "city", "county", "township", "village", "community")

# The committee suffixes the zip writes as a TAB and an index (packaging/build_divisions.py).
SUFFIXES = ("社区居民委员会", "社区居委会", "居民委员会", "居委会", "村民委员会", "村委会")

# A name that is only a suffix keeps it: 社区居委会 is not "社区".
_WHOLE_SUFFIXES = frozenset({*SUFFIXES, "居民委会", "村民委会", "社区居民委会"})

# Local villages take the last three digits from this range: the NBS rules give 001–199 to
# 居委会, 200–399 to 村委会 and 400–599 to 类似村委会, and the 2023 edition uses nothing above.
LOCAL_FIRST = 600
LOCAL_LAST = 999
_LOCAL_SLOTS = LOCAL_LAST - LOCAL_FIRST + 1

# Cities that are placeholders in the tables, not names people write before a county.
_PLACEHOLDER_CITIES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# Separators people put between township and village ("赵家沟乡-于家窑村"); after NFKC the
# full-width forms are among these. Dropped from names and texts alike.
_DROP = str.maketrans("", "", "-_/\\|·・•、,;:.。—–")

# Ethnic names in township, province and prefecture names (XX回族乡, 广西壮族自治区,
# 恩施土家族苗族自治州): people leave them out ("XX乡", "广西", "恩施").
_ETHNIC = ("蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|"
           "高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|"
           "普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|"
           "珞巴|基诺")
# Written without 族 in some official names (鄂温克民族乡, 博尔塔拉蒙古自治州); only names of
# two characters or more, so that a place name ending in 白 or 水 is never cut.
_ETHNIC_BARE = "蒙古|维吾尔|哈萨克|柯尔克孜|达斡尔|鄂温克|鄂伦春|朝鲜|俄罗斯"
_ETHNIC_TAIL = rf"(?:(?:(?:{_ETHNIC})族|(?:{_ETHNIC_BARE}))+(?:少数)?(?:民族)?|(?:少数)?民族)$"

# Township suffixes people swap or drop: "赵家沟", "赵家沟乡", "赵家沟镇" all name 赵家沟乡.
_TOWNSHIP_SUFFIXES = ("街道办事处", "地区办事处", "街道办", "办事处", "街道", "地区", "苏木", "镇", "乡")
# The forms tried as a township prefix in "赵家沟镇于家窑村" (core + one of these).
_TOWNSHIP_PREFIX_SUFFIXES = ("", "镇", "乡", "街道", "街道办事处", "办事处", "苏木")


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative division of any level.

    ``code`` is always 12 digits; ``name`` is the official name as published; ``short`` is
    the name as people write it (水头村 for 水头村村委会); ``parent`` is the 12-digit code of
    the division above (None for a province); ``local`` marks a village added by users.
    """

    code: str
    name: str
    short: str
    level: str
    parent: str | None
    local: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """The result of a lookup by text.

    ``found`` is the one division the text names; when the text could name several,
    ``found`` is None and ``candidates`` holds every one of them, sorted by code. Neither:
    the text names nothing known.
    """

    found: Division | None = None
    candidates: tuple[Division, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """True when the text could name more than one division."""
        return bool(self.candidates)


def _result(hits: Iterable[Division]) -> Match:
    unique = sorted({d.code: d for d in hits}.values(), key=lambda d: d.code)
    if not unique:
        return Match()
    if len(unique) == 1:
        return Match(unique[0])
    return Match(None, tuple(unique))


# --------------------------------------------------------------------------- names


def normalize(text: str) -> str:
    """The form names are compared in: NFKC, no white space, no separators."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_DROP)


def short_name(name: str) -> str:
    """The name as people write it: the committee suffix replaced by 村 or 社区.

    水头村村委会 and 水头村委会 → 水头村; 葆华里社区居委会 → 葆华里社区; 幸福居委会 → 幸福社区;
    城关村居委会 → 城关村 (kept when the rest already ends with 社区, 小区 or 村). Other names
    (…嘎查, …生活区, …村, …社区) are returned unchanged, and so is a bare suffix (the
    edition has a few villages named just 社区居委会).
    """
    if name in _WHOLE_SUFFIXES:
        return name
    for suffix in ("社区居民委员会", "社区居委会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + "社区"
    # 居民委会 and 村民委会 are misspellings found in the edition itself.
    for suffix in ("居民委员会", "居民委会", "居委会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            rest = name[: -len(suffix)]
            return rest if rest.endswith(("社区", "小区", "村")) else rest + "社区"
    for suffix in ("村民委员会", "村民委会", "村委会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            rest = name[: -len(suffix)]
            return rest if rest.endswith("村") else rest + "村"
    return name


def village_level(name: str) -> str:
    """"community" for a 居委会 / 居民委员会 / …社区 name, "village" otherwise."""
    if name.endswith(("居委会", "居民委员会", "居民委会")) or short_name(name).endswith("社区"):
        return "community"
    return "village"


def _bare(short: str) -> str | None:
    # 水头村 → 水头, 葆华里社区 → 葆华里; None when less than two characters would remain,
    # since one character (新 of 新村) names nothing reliably.
    for suffix in ("社区", "村"):
        if short.endswith(suffix) and len(short) - len(suffix) >= 2:
            return short[: -len(suffix)]
    return None


@functools.cache
def _ethnic_tail() -> re.Pattern[str]:
    # Compiled on first use, not at import (it is the costliest line of the module).
    return re.compile(_ETHNIC_TAIL)


def _strip_ethnic(name: str) -> str:
    stripped = _ethnic_tail().sub("", name)
    return stripped if len(stripped) >= 2 else name


def _township_key(name: str) -> str:
    """赵家沟乡, 赵家沟镇, 赵家沟 → 赵家沟; XX回族乡 → XX (for a normalised name).

    Suffixes are stripped repeatedly: the edition has names such as 大安镇镇 and 米峪镇乡.
    """
    stripped = True
    while stripped:
        stripped = False
        for suffix in _TOWNSHIP_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                name, stripped = _strip_ethnic(name[: -len(suffix)]), True
                break
    return name


def _area_forms(name: str, suffixes: tuple[str, ...], extra: str = "") -> set[str]:
    # The forms of a province or city name written before a county: 山西省 / 山西,
    # 广西壮族自治区 / 广西, 恩施土家族苗族自治州 / 恩施 / 恩施州.
    forms = {name}
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            core = _strip_ethnic(name[: -len(suffix)])
            forms.add(core)
            if extra and suffix == "自治州":
                forms.add(core + extra)
            break
    return forms


def to_code12(code: str) -> str:
    """A 2/4/6/9/12-digit code as 12 digits: "140222" → "140222000000"."""
    if not (code.isascii() and code.isdigit() and len(code) in (2, 4, 6, 9, 12)):
        raise ValueError(f"not a division code: {code!r}")
    return code.ljust(12, "0")


def _is_code(text: str) -> bool:
    return text.isascii() and text.isdigit()


# --------------------------------------------------------------------------- local villages


def _local_key(name: str) -> str:
    # 于家窑, 于家窑村 and 于家窑村委会 name one natural village; 于家窑社区 is another place.
    key = normalize(short_name(normalize(name)))
    return key[:-1] if key.endswith("村") and len(key) >= 3 else key


def local_code(township_code: str, name: str, taken: Mapping[str, str]) -> str:
    """The 12-digit code for a village missing from the edition, under its township.

    The township's 9 digits + 3 digits in 600–999, from a hash of the normalised short name,
    so that laptops adding the same village offline choose the same code. ``taken`` maps the
    codes already used in the township to their names: a code that already holds this name
    (any form: 于家窑村 and 于家窑村委会 are one name) is returned; a slot that holds another
    name is passed for the next one. Raises ValueError when all 400 slots hold other names.
    """
    township = to_code12(township_code)
    if township[9:] != "000" or township[6:9] == "000":
        raise ValueError(f"not a township code: {township_code!r}")
    prefix = township[:9]
    key = _local_key(name)
    if not key:
        raise ValueError("a village needs a name")
    for code in sorted(taken):
        if (code.startswith(prefix) and len(code) == 12 and code[9:].isdigit()
                and int(code[9:]) >= LOCAL_FIRST and _local_key(taken[code]) == key):
            return code
    start = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % _LOCAL_SLOTS
    for step in range(_LOCAL_SLOTS):
        code = f"{prefix}{LOCAL_FIRST + (start + step) % _LOCAL_SLOTS:03d}"
        held = taken.get(code)
        if held is None or _local_key(held) == key:
            return code
    raise ValueError(f"no free local code left in township {prefix}")


def local_village(township_code: str, name: str, code: str | None = None,
                  taken: Mapping[str, str] | None = None) -> Division:
    """A user-added village as a Division (local=True) under its township.

    ``code`` is the code it already has; without one, ``local_code`` chooses it from
    ``taken``. The short name and level follow the same rules as the edition's villages.
    """
    clean = "".join(unicodedata.normalize("NFKC", name).split())
    if not clean:
        raise ValueError("a village needs a name")
    township = to_code12(township_code)
    if code is None:
        code = local_code(township, clean, taken or {})
    elif not (_is_code(code) and len(code) == 12 and code[:9] == township[:9]):
        raise ValueError(f"{code!r} is not a village code under township {township[:9]}")
    return Division(code, clean, short_name(clean), village_level(clean), township, local=True)


# --------------------------------------------------------------------------- the data


class _NameIndex:
    """Villages by the forms of their names (normalised): official, short, bare."""

    __slots__ = ("bare", "official", "short")

    def __init__(self, villages: Iterable[Division]) -> None:
        self.official: dict[str, list[Division]] = {}
        self.short: dict[str, list[Division]] = {}
        self.bare: dict[str, list[Division]] = {}
        for village in villages:
            official = _normalize_name(village.name)
            short = _normalize_name(village.short) if village.short != village.name else official
            self.official.setdefault(official, []).append(village)
            self.short.setdefault(short, []).append(village)
            bare = _bare(short)
            if bare is not None:
                self.bare.setdefault(bare, []).append(village)


def _normalize_name(name: str) -> str:
    # normalize() for names from the zip, which hold no white space (the build checks).
    return unicodedata.normalize("NFKC", name).translate(_DROP)


def _decode_village(rest: str, suffix: str) -> tuple[str, str, str]:
    """(name, short, level) of a village line's name part and suffix index.

    The same results as short_name() and village_level(), taken from the suffix index the
    zip already holds: parsing a big county stays within a few milliseconds.
    """
    if not suffix:
        if rest.endswith(("委会", "委员会")):  # a misspelt suffix: the general rules
            return rest, short_name(rest), village_level(rest)
        return rest, rest, village_level(rest)
    index = int(suffix)
    name = rest + SUFFIXES[index]
    if not rest:
        return name, name, "community" if index <= 3 else "village"
    if index <= 1:  # 社区居民委员会, 社区居委会
        return name, rest + "社区", "community"
    if index <= 3:  # 居民委员会, 居委会
        return name, rest if rest.endswith(("社区", "小区", "村")) else rest + "社区", "community"
    return name, rest if rest.endswith("村") else rest + "村", "village"  # 村民委员会, 村委会


class _County:
    """One county's townships and villages, parsed from its zip member."""

    __slots__ = ("_search", "by_code", "division", "prefixes", "townships", "villages",
                 "villages_of")

    def __init__(self, division: Division, text: str, prefixes: tuple[str, ...]) -> None:
        self.division = division
        self.prefixes = prefixes  # the county's path forms (Divisions._path_prefixes)
        county12 = division.code
        code6 = county12[:6]
        self.townships: list[Division] = []
        self.villages_of: dict[str, list[Division]] = {}
        self.by_code: dict[str, Division] = {}
        township9 = township12 = ""
        current: list[Division] = []
        for line in text.splitlines():
            if line[3:4] == " ":  # "ttt name": a township
                township9 = code6 + line[:3]
                township12 = township9 + "000"
                name = line[4:]
                township = Division(township12, name, name, "township", county12)
                self.townships.append(township)
                self.by_code[township12] = township
                current = self.villages_of[township12] = []
            else:  # "vvvname" or "vvvrest<TAB>suffix index": a village under the last township
                rest, _, suffix = line[3:].partition("\t")
                name, short, level = _decode_village(rest, suffix)
                village = Division(township9 + line[:3], name, short, level, township12)
                current.append(village)
                self.by_code[village.code] = village
        self.villages: list[Division] = [v for t in self.townships for v in self.villages_of[t.code]]
        self._search: _Search | None = None

    def search(self) -> _Search:
        """The name indexes, built on the first search: listing a county needs none."""
        search = self._search
        if search is None:  # two threads may both build it; either result is the same
            search = self._search = _Search(self)
        return search


class _Search:
    """A county's villages and townships by the forms of their names."""

    __slots__ = ("forms", "names", "townships_by_key", "townships_by_name")

    def __init__(self, county: _County) -> None:
        self.names = _NameIndex(county.villages)
        self.townships_by_name: dict[str, list[Division]] = {}
        self.townships_by_key: dict[str, list[Division]] = {}
        self.forms: dict[str, list[str]] = {}  # township prefix form -> township codes
        for township in county.townships:
            name = _normalize_name(township.name)
            key = _township_key(name)
            self.townships_by_name.setdefault(name, []).append(township)
            self.townships_by_key.setdefault(key, []).append(township)
            for form in {name} | {key + suffix for suffix in _TOWNSHIP_PREFIX_SUFFIXES}:
                if len(form) >= 2:
                    self.forms.setdefault(form, []).append(township.code)


class Divisions:
    """The divisions of one edition, read lazily from its zip.

    Thread-safe: the index and each county are read once, under a lock.
    """

    def __init__(self, path: Path) -> None:
        """Remember the zip; nothing is read until the first lookup."""
        self.file = Path(path)
        self._lock = threading.Lock()
        self._zip: zipfile.ZipFile | None = None
        self._provinces: dict[str, Division] | None = None  # by 2-digit code
        self._cities: dict[str, Division] = {}  # by 4-digit code
        self._counties: dict[str, Division] = {}  # by 6-digit code
        self._county_names: dict[str, list[Division]] | None = None  # by normalised name
        self._loaded: dict[str, _County] = {}

    def close(self) -> None:
        """Close the zip (a later lookup opens it again)."""
        with self._lock:
            if self._zip is not None:
                self._zip.close()
                self._zip = None

    # ---------------------------------------------------------------- reading

    def _open(self) -> zipfile.ZipFile:
        if self._zip is None:
            self._zip = zipfile.ZipFile(self.file)
        return self._zip

    def _index(self) -> dict[str, Division]:
        provinces = self._provinces
        if provinces is not None:
            return provinces
        with self._lock:
            if self._provinces is None:
                self._read_index()
            assert self._provinces is not None
            return self._provinces

    def _read_index(self) -> None:
        provinces: dict[str, Division] = {}
        text = self._open().read("index.tsv").decode("utf-8")
        for line in text.splitlines():
            code, _, name = line.partition("\t")
            code12 = code.ljust(12, "0")
            if len(code) == 2:
                provinces[code] = Division(code12, name, name, "province", None)
            elif len(code) == 4:
                self._cities[code] = Division(code12, name, name, "city", code[:2].ljust(12, "0"))
            else:
                city = code[:4].ljust(12, "0")
                # 东莞, 中山, 儋州 have no counties: the tables repeat the city as its own
                # county (441900), whose 12-digit code is the city's. Its parent is the
                # province, so that no division is its own parent.
                parent = city if city != code12 else code[:2].ljust(12, "0")
                self._counties[code] = Division(code12, name, name, "county", parent)
        self._provinces = provinces  # last: it marks the index as read

    def _county(self, code: str) -> _County | None:
        """The county (6- or 12-digit code) with its townships and villages, or None."""
        if not _is_code(code) or len(code) not in (6, 12) or code[6:].strip("0"):
            return None
        code6 = code[:6]
        loaded = self._loaded.get(code6)
        if loaded is not None:
            return loaded
        self._index()
        division = self._counties.get(code6)
        if division is None:
            return None
        with self._lock:
            loaded = self._loaded.get(code6)
            if loaded is None:
                text = self._open().read(f"{code6}.tsv").decode("utf-8")
                loaded = _County(division, text, self._path_prefixes(division))
                self._loaded[code6] = loaded
            return loaded

    def _path_prefixes(self, county: Division) -> tuple[str, ...]:
        # "山西省大同市天镇县", "大同天镇县", "天镇县", …: what may stand before a township or
        # village name. Longest first, so that the fullest reading is tried first.
        province = self._provinces[county.code[:2]] if self._provinces else None
        city = self._cities.get(county.code[:4])
        province_forms = {""}
        if province is not None:
            province_forms |= _area_forms(normalize(province.name), ("省", "市", "自治区"))
        city_forms = {""}
        if city is not None:
            city_forms |= _area_forms(normalize(city.name), ("市", "地区", "盟", "自治州"), "州")
        name = normalize(county.name)
        forms = {p + c + name for p in province_forms for c in city_forms}
        return tuple(sorted(forms, key=lambda f: (-len(f), f)))

    def _remainders(self, county: _County, text: str) -> Iterator[str]:
        # The text itself first (a village may be named like its county), then the text
        # without each path prefix it starts with.
        yield text
        for prefix in county.prefixes:
            if len(text) > len(prefix) and text.startswith(prefix):
                yield text[len(prefix):]

    # ---------------------------------------------------------------- by code

    def get(self, code: str) -> Division | None:
        """The division with this code (2/4/6/9/12 digits, or zero-padded to 12), or None.

        A 4-digit code is a city; a 6- or 12-digit code ending in zeros is the county when
        there is one (441900 东莞市), else the city or province it pads.
        """
        if not _is_code(code) or len(code) not in (2, 4, 6, 9, 12):
            return None
        provinces = self._index()
        if len(code) == 2:
            return provinces.get(code)
        if len(code) == 4:
            return self._cities.get(code)
        code12 = code.ljust(12, "0")
        if code12[6:] != "000000":
            county = self._county(code12[:6])
            return county.by_code.get(code12) if county is not None else None
        if code12[4:6] != "00" or code12[:6] in self._counties:
            return self._counties.get(code12[:6])
        if code12[2:4] != "00":
            return self._cities.get(code12[:4])
        return provinces.get(code12[:2])

    def path(self, code: str) -> list[Division]:
        """The division and those above it, province first; empty when the code is unknown."""
        chain: list[Division] = []
        division = self.get(code)
        while division is not None:
            chain.append(division)
            division = self.get(division.parent) if division.parent else None
        return chain[::-1]

    def full_name(self, code: str) -> str:
        """The names from province down, as written: 山西省大同市天镇县赵家沟乡.

        Placeholder cities (市辖区, 县, 省直辖县级行政区划) are left out.
        """
        return "".join(d.name for d in self.path(code)
                       if not (d.level == "city" and d.name in _PLACEHOLDER_CITIES))

    # ---------------------------------------------------------------- lists

    def provinces(self) -> list[Division]:
        """Every province, by code."""
        return sorted(self._index().values(), key=lambda d: d.code)

    def cities(self, province_code: str | None = None) -> list[Division]:
        """Every city (地级), or those of one province (2- or 12-digit code), by code."""
        self._index()
        prefix = province_code[:2] if province_code else ""
        return [d for code, d in sorted(self._cities.items()) if code.startswith(prefix)]

    def counties(self, within: str | None = None) -> list[Division]:
        """Every county, by code; or those within a province or city (any code ``get``
        accepts). Empty when ``within`` is unknown."""
        self._index()
        prefix = ""
        if within:
            area = self.get(within)
            if area is None or area.level not in ("province", "city", "county"):
                return []
            prefix = area.code[: {"province": 2, "city": 4, "county": 6}[area.level]]
        return [d for code, d in sorted(self._counties.items()) if code.startswith(prefix)]

    def townships(self, county_code: str) -> list[Division]:
        """The townships of a county (6- or 12-digit code), by code; empty when unknown."""
        county = self._county(county_code)
        return list(county.townships) if county is not None else []

    def villages(self, township_code: str) -> list[Division]:
        """The villages of a township (9- or 12-digit code), by code; empty when unknown."""
        if not _is_code(township_code) or len(township_code) not in (9, 12):
            return []
        code12 = township_code.ljust(12, "0")
        county = self._county(code12[:6])
        if county is None:
            return []
        return list(county.villages_of.get(code12, ()))

    def county_villages(self, county_code: str) -> list[Division]:
        """Every village of a county (6- or 12-digit code), by code."""
        county = self._county(county_code)
        return list(county.villages) if county is not None else []

    # ---------------------------------------------------------------- by text

    def find_county(self, text: str) -> Match:
        """The county a text names: its code (6 or 12 digits), "天镇县", "大同市天镇县",
        "山西省大同市天镇县", "山西大同天镇县". Several counties of that name → ambiguous.

        County names must be written in full ("天镇" is not enough: it could as well start
        a city's or a village's name).
        """
        t = normalize(text)
        if not t:
            return Match()
        self._index()
        if _is_code(t):
            if len(t) == 6 or (len(t) == 12 and t[6:] == "000000"):
                county = self._counties.get(t[:6])
                return Match(county) if county is not None else Match()
            return Match()
        names = self._county_names
        if names is None:  # built on the first search by name: most sessions never need it
            names = {}
            for county in self._counties.values():
                names.setdefault(normalize(county.name), []).append(county)
            self._county_names = names
        hits: list[Division] = []
        for size in range(2, len(t) + 1):
            for county in names.get(t[-size:], ()):
                prefix = t[:-size]
                if not prefix:
                    hits.append(county)
                    continue
                # The same prefixes as before a village, minus the county name itself.
                name = normalize(county.name)
                forms = {p[: -len(name)] for p in self._county_path(county)}
                if prefix in forms:
                    hits.append(county)
        return _result(hits)

    def _county_path(self, county: Division) -> tuple[str, ...]:
        loaded = self._loaded.get(county.code[:6])
        return loaded.prefixes if loaded is not None else self._path_prefixes(county)

    def find_township(self, county_code: str, text: str) -> Match:
        """The township of a county a text names: its code, the name, or the name with
        镇/乡/街道/街道办事处 swapped or left out ("赵家沟", "赵家沟镇" for 赵家沟乡), with or
        without the county's path in front."""
        county = self._county(county_code)
        t = normalize(text)
        if county is None or not t:
            return Match()
        if _is_code(t):
            if len(t) in (9, 12) and t[9:].strip("0") == "":
                township = county.by_code.get(t.ljust(12, "0"))
                if township is not None and township.level == "township":
                    return Match(township)
            return Match()
        search = county.search()
        for remainder in self._remainders(county, t):
            hits = search.townships_by_name.get(remainder)
            if not hits:
                hits = search.townships_by_key.get(_township_key(remainder))
            if hits:
                return _result(hits)
        return Match()

    def find_village(self, county_code: str, text: str, extra: Iterable[Division] = ()) -> Match:
        """The village or community of a county a text names.

        Accepted: the 12-digit code; the official name (水头村村委会); the short name (水头村);
        the name without 村/社区 (水头); any of these after the township (赵家沟乡于家窑村,
        赵家沟 于家窑村, 赵家沟于家窑) and after the county's path (山西省大同市天镇县…).
        When several villages match (the same name in two townships), the answer lists them
        all; a township in the text narrows the match to its villages. ``extra`` holds
        user-added villages (local=True) matched by the same rules. Codes of other counties
        are not found.
        """
        county = self._county(county_code)
        t = normalize(text)
        if county is None or not t:
            return Match()
        code6 = county.division.code[:6]
        local = [d for d in extra if d.code[:6] == code6]
        if _is_code(t) and len(t) == 12:
            if not t.startswith(code6):
                return Match()
            shipped = county.by_code.get(t)
            if shipped is not None and shipped.level in ("village", "community"):
                return Match(shipped)
            return _result(d for d in local if d.code == t)
        search = county.search()
        indexes = [search.names, _NameIndex(local)] if local else [search.names]
        for remainder in self._remainders(county, t):
            hits = self._village_hits(search, indexes, remainder)
            if hits:
                return _result(hits)
        return Match()

    @staticmethod
    def _village_hits(search: _Search, indexes: list[_NameIndex], text: str) -> list[Division]:
        hits = _name_hits(indexes, text, None)
        if hits:
            return hits
        # Township + village: try every township form the text starts with.
        for size in range(2, len(text)):
            for township in search.forms.get(text[:size], ()):
                hits.extend(_name_hits(indexes, text[size:], township))
        return hits


def _name_hits(indexes: list[_NameIndex], text: str, township: str | None) -> list[Division]:
    """Villages whose name the (normalised) text is, most exact form first."""

    def take(table: str, key: str) -> list[Division]:
        found = [d for index in indexes for d in getattr(index, table).get(key, ())]
        return [d for d in found if d.parent == township] if township is not None else found

    short = short_name(text)
    if short != text:
        # The text carries a committee suffix: an exact official name wins over a name that
        # only shares its short form (水头村委会 vs 水头村村委会 in another township).
        hits = take("official", text)
        if hits:
            return hits
    hits = take("short", short)
    if not short.endswith(("村", "社区")):
        # "水头" may be 水头村 or 水头社区 (or a village named just 水头): all are candidates.
        hits += take("bare", short)
    elif not hits:
        # "管村" for 管村社区: only when no village is called 管村 itself.
        hits = take("bare", short)
    return hits


@functools.cache
def shipped() -> Divisions:
    """The edition shipped with the program (resources/divisions), shared and cached."""
    return Divisions(resources_dir() / "divisions" / FILE_NAME)
