"""The demo county's places: a Datong-like county, its townships, villages and grids.

Codes follow the 12-digit statistical division codes: county 140215000000 (云州区),
townships ``140215 1tt 000``, villages township-prefix + ``2xx`` and resettlement
communities township-prefix + ``0xx``; grids are the village code + ``G01`` … .
Names look like the villages of northern Shanxi (…堡村, …庄村, …营村) and the
communities like the Datong resettlement sites (…安置社区).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..domain.areas import area_id
from .draw import one

COUNTY_CODE = "140215000000"
COUNTY_NAME = "云州区"
REGION = COUNTY_CODE[:6]  # first 6 digits of ID numbers issued here

# Real township names of the area first; more are made up only for very large demos.
_TOWNSHIPS = (
    "西坪镇", "倍加造镇", "周士庄镇", "吉家庄乡", "峰峪乡", "许堡乡", "党留庄乡", "杜庄乡",
    "瓜园乡", "聚乐乡", "王官屯镇", "古店镇", "杨家窑镇", "水泊寺乡", "西韩岭乡", "马军营乡",
    "高山镇", "平旺乡", "鸦儿崖乡", "落阵营乡", "堡子湾乡", "罗文皂镇", "东小村镇", "大王村乡",
    "下深井乡", "北村乡", "南徐乡", "孙家店乡", "新荣镇", "花园屯乡",
)
_VILLAGE_PREFIXES = (
    "王家", "郭家", "李家", "张家", "刘家", "任家", "武家", "贾家", "薛家", "白家", "温家",
    "闫家", "田家", "范家", "乔家", "梁家", "韩家", "霍家", "高家", "马家", "赵家", "杨家",
    "东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新", "旧", "石门", "榆林",
    "杏园", "瓦窑", "柳树", "沙河", "红土", "黑土", "双井", "三岔", "五里", "十里", "古城",
    "官", "桑干", "水磨",
)
_VILLAGE_SUFFIXES = ("堡", "庄", "营", "屯", "店", "寨", "坪", "湾", "窑", "铺", "疃", "泉")
_MOUNTAIN_PREFIXES = (
    "上", "下", "后", "黑石", "狼窝", "羊圈", "杏树", "柳", "榆树", "马头", "桦林", "松树",
    "深", "红崖", "碾子", "石板", "窑子", "鹿", "野猪", "青羊",
)
_MOUNTAIN_SUFFIXES = ("沟", "峪", "梁", "洼", "崖", "坡", "岭", "窑")
_COMMUNITY_WORDS = (
    "幸福", "阳光", "和谐", "安康", "惠民", "富民", "康乐", "祥和", "兴民", "福源", "欣苑",
    "怡园", "丰泽", "振兴", "同心", "民安", "乐居", "宜居", "福康", "安居", "馨园", "文瀛",
)
_GRID_NUMERALS = "一二三四五六七八九十"

# Sizes (households) of villages and resettlement communities in a scaled-out county. Most
# Datong resettlement sites are under 800 people (the seed), so communities are small.
VILLAGE_SIZES = (400, 2000)
COMMUNITY_SIZES = (200, 300)
MIN_UNIT = 200
UNITS_PER_TOWNSHIP = (15, 25)
SMALL_COUNTY = 1500  # below this: one township, three villages (one a community)


@dataclass(slots=True)
class Grid:
    """A grid (网格) of a village."""

    code: str
    name: str
    id: str = ""


@dataclass(slots=True)
class Village:
    """A village or resettlement community and how many households it gets."""

    code: str
    name: str
    level: str  # "village" or "community"
    households: int
    township: Township
    grids: list[Grid] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # mountain villages moved here
    id: str = ""

    @property
    def is_community(self) -> bool:
        """True for a resettlement community (安置社区)."""
        return self.level == "community"

    @property
    def serial_prefix(self) -> str:
        """The code's last six digits: the prefix of household numbers here."""
        return self.code[6:]


@dataclass(slots=True)
class Township:
    """A township (乡镇)."""

    code: str
    name: str
    villages: list[Village] = field(default_factory=list)
    id: str = ""

    @property
    def short(self) -> str:
        """The name without 镇/乡 (西坪 for 西坪镇)."""
        return self.name[:-1]


@dataclass(slots=True)
class County:
    """The county (县/区) and everything in it."""

    code: str
    name: str
    townships: list[Township] = field(default_factory=list)
    id: str = ""

    @property
    def villages(self) -> list[Village]:
        """Every village and community, township by township."""
        return [v for t in self.townships for v in t.villages]


def _unit_plan(households: int, rng: random.Random) -> list[tuple[str, int]]:
    """(level, households) of each village or community, in order."""
    if households < SMALL_COUNTY:
        # The default demo: two villages and one resettlement community.
        if households < 3:
            return [("village", 1)] * households
        community = max(1, round(households * rng.uniform(0.24, 0.32)))
        first = max(1, round((households - community) * rng.uniform(0.5, 0.6)))
        return [("village", first), ("village", households - community - first),
                ("community", community)]
    units: list[tuple[str, int]] = []
    left = households
    while left > 0:
        # About a third of the units are resettlement communities, smaller than villages.
        level = "community" if rng.random() < 1 / 3 else "village"
        low, high = COMMUNITY_SIZES if level == "community" else VILLAGE_SIZES
        size = rng.randint(low, high)
        if left - size < MIN_UNIT:
            size = left  # the last one takes the rest rather than leave a hamlet
        units.append((level, size))
        left -= size
    if len(units) > 1 and all(level == "village" for level, _ in units):
        units[-1] = ("community", units[-1][1])
    return units


def _township_sizes(units: int, rng: random.Random) -> list[int]:
    """How many villages each township gets: 15-25 (unless the county is smaller)."""
    low, high = UNITS_PER_TOWNSHIP
    count = max(1, round(units / ((low + high) / 2)))
    if units / count > high:
        count += 1
    sizes = [units // count + (1 if i < units % count else 0) for i in range(count)]
    # An even split looks made up: move villages between townships, within the range.
    for _ in range(count * 3):
        give, take = rng.randrange(count), rng.randrange(count)
        if give != take and sizes[give] > low and sizes[take] < high:
            sizes[give] -= 1
            sizes[take] += 1
    return sizes


def _township_names(count: int) -> list[str]:
    names = list(_TOWNSHIPS[:count])
    extra = 2
    while len(names) < count:  # only for demos far larger than any real county
        names += [f"{n[:-1]}{_GRID_NUMERALS[extra - 1]}{n[-1]}" for n in _TOWNSHIPS]
        extra += 1
    return names[:count]


class _UniqueNames:
    """Draws village names from prefix x suffix without repeating one in the county."""

    def __init__(self, prefixes: tuple[str, ...], suffixes: tuple[str, ...], end: str) -> None:
        self._prefixes, self._suffixes, self._end = prefixes, suffixes, end
        self._used: set[str] = set()

    def __call__(self, rng: random.Random) -> str:
        for _ in range(50):
            name = one(rng, self._prefixes) + one(rng, self._suffixes) + self._end
            if name not in self._used:
                break
        else:  # the combinations are running out: number them (新…二村)
            name = f"新{one(rng, self._prefixes)}{len(self._used)}{self._end}"
        self._used.add(name)
        return name


def _grids(village: Village, rng: random.Random) -> list[Grid]:
    count = max(2, min(6, village.households // 180 + rng.randint(0, 1)))
    return [Grid(f"{village.code}G{i + 1:02d}", f"第{_GRID_NUMERALS[i]}网格")
            for i in range(count)]


def plan_county(households: int, rng: random.Random) -> County:
    """Lay out a county for ``households`` households: townships, villages, grids, sizes."""
    if households < 1:
        raise ValueError("a demo county needs at least one household")
    county = County(COUNTY_CODE, COUNTY_NAME)
    units = _unit_plan(households, rng)
    groups: list[list[tuple[str, int]]] = []
    start = 0
    for size in _township_sizes(len(units), rng):
        groups.append(units[start:start + size])
        start += size
    village_names = _UniqueNames(_VILLAGE_PREFIXES, _VILLAGE_SUFFIXES, "村")
    mountain_names = _UniqueNames(_MOUNTAIN_PREFIXES, _MOUNTAIN_SUFFIXES, "村")
    mountains = [mountain_names(rng) for _ in range(40)]
    for t_index, (group, t_name) in enumerate(
            zip(groups, _township_names(len(groups)), strict=True)):
        township = Township(f"{REGION}{100 + t_index:03d}000", t_name)
        words = rng.sample(_COMMUNITY_WORDS, len(_COMMUNITY_WORDS))
        n_village = n_community = 0
        for level, size in group:
            if level == "community":
                code = f"{township.code[:9]}{1 + n_community:03d}"
                word = words[n_community % len(words)]
                suffix = "" if n_community < len(words) else str(n_community // len(words) + 1)
                name = f"{township.short}{word}{suffix}安置社区"
                n_community += 1
            else:
                code = f"{township.code[:9]}{201 + n_village:03d}"
                name = village_names(rng)
                n_village += 1
            village = Village(code, name, level, size, township)
            village.grids = _grids(village, rng)
            if village.is_community:
                village.origins = rng.sample(mountains, rng.randint(3, 6))
            township.villages.append(village)
        county.townships.append(township)
    return county


def area_rows(county: County, new_id: Callable[[], str]) -> list[dict[str, Any]]:
    """Area rows for the whole county, parents first; gives every place its id (derived
    from its code, as every area's is; ``new_id`` is still drawn once per place so the
    rest of the county comes out as before)."""
    for place in _places(county):
        new_id()
        place.id = area_id(place.code)
    rows: list[dict[str, Any]] = [
        {"id": county.id, "code": county.code, "name": county.name, "level": "county",
         "parent_id": None}]
    for township in county.townships:
        rows.append({"id": township.id, "code": township.code, "name": township.name,
                     "level": "township", "parent_id": county.id})
        for village in township.villages:
            rows.append({"id": village.id, "code": village.code, "name": village.name,
                         "level": village.level, "parent_id": township.id})
            for grid in village.grids:
                rows.append({"id": grid.id, "code": grid.code, "name": grid.name,
                             "level": "grid", "parent_id": village.id})
    return rows


def _places(county: County) -> list[County | Township | Village | Grid]:
    """Every place of the county, parents first (the order ids were drawn in)."""
    places: list[County | Township | Village | Grid] = [county]
    for township in county.townships:
        places.append(township)
        for village in township.villages:
            places.append(village)
            places.extend(village.grids)
    return places
