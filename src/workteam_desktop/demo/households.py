"""One demo household with everything it owns: the file, members, income, monitoring,
industries and, for relocated households, the 25-item rights ledger.

Figures follow the seed bulletin: relocated households net about 11,600 yuan per person,
the county a little more; about one household in ten falls below the 8,800 observation
line in the latest year; monitored households are poorer and their history is kept.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain.catalogues import ALL_RIGHTS, right_side
from .draw import Pick, one
from .names import Namer
from .people import MemberMaker
from .places import Village

Rows = dict[str, list[dict[str, Any]]]
"""Rows to write, by entity (table name)."""

OBSERVATION_LINE = 8800.0  # the latest year's threshold the generator writes

_TYPE_VILLAGE = Pick([("alleviated", 45), ("monitored", 5), ("ordinary", 50)])
_TYPE_COMMUNITY = Pick([("alleviated", 85), ("monitored", 7), ("ordinary", 8)])
_RISK = Pick([("unstable", 35), ("marginal", 40), ("sudden", 25)])
_REMOVED_SHARE = 0.032  # of the households not monitored: 3% of all
_ENTER_REASONS = {
    "unstable": ("家庭收入不稳定，存在返贫风险", "主要劳动力务工中断，收入下降"),
    "marginal": ("家庭人均纯收入接近监测范围", "缺乏稳定收入来源"),
    "sudden": ("因病产生大额医疗支出", "遭受意外事故", "遭受冰雹灾害，农作物减产"),
}
_REMOVE_REASONS = (
    "家庭成员实现稳定就业，收入持续稳定", "医疗费用已报销，风险已消除",
    "产业增收，人均纯收入超过监测范围", "住房安全问题已解决，风险已消除",
)
_PHONE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
    "182", "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133",
    "153", "180", "181", "189", "177", "199",
)

# Mean per-capita net income (yuan) by kind of household, and the spread (lognormal sigma)
# that puts about a tenth of households below the observation line. Relocated households
# that are not monitored make 11,800, so that all relocated ones average the seed's 11,600.
_MEAN_INCOME = {"relocated": 11800.0, "village": 12600.0, "monitored": 9400.0}
_INCOME_SIGMA = 0.24

_INDUSTRY_COUNT = Pick([(0, 35), (1, 45), (2, 20)])
_INDUSTRY = Pick([("daylily", 30), ("livestock", 25), ("grains", 12), ("greenhouse", 8),
                  ("photovoltaic", 8), ("fungi", 6), ("courtyard", 6), ("astragalus", 5)])
_LIVESTOCK = (("养羊", "只", 5, 60), ("养牛", "头", 1, 8), ("养猪", "头", 2, 20),
              ("养鸡", "只", 20, 200))
_GRAINS = ("谷子", "黍子", "莜麦", "荞麦")

_RIGHT_STATUS = Pick([("secured", 93), ("in_progress", 5), ("problem", 1), (None, 1)])
_RIGHTS = [(e.code, right_side(e.code)) for e in ALL_RIGHTS]
_RIGHT_NOTES = {
    ("in_progress", "origin"): ("材料已报乡镇审核", "正在办理确权登记"),
    ("in_progress", "destination"): ("正在办理转移手续", "材料已提交社区"),
    ("problem", "origin"): ("确权面积与实际不符，正在核实", "收益分配未到位",
                            "补助资金未兑现"),
    ("problem", "destination"): ("户口迁移未完成", "关系转接受阻，需协调", "手续不全，待补充"),
}


@dataclass(slots=True)
class Made:
    """What the visits and assistance need to know about a household just made."""

    id: str
    type: str
    monitored: bool
    relocated: bool


def _scale(rng: random.Random, industry: str) -> str:
    """Scale text of a household's part in an industry, e.g. 黄花5亩 or 养羊20只."""
    if industry == "daylily":
        return f"黄花{rng.randint(1, 12)}亩"
    if industry == "livestock":
        what, unit, low, high = one(rng, _LIVESTOCK)
        return f"{what}{rng.randint(low, high)}{unit}"
    if industry == "greenhouse":
        return f"蔬菜大棚{rng.randint(1, 4)}个"
    if industry == "fungi":
        return f"食用菌大棚{rng.randint(1, 3)}个"
    if industry == "grains":
        return f"{one(rng, _GRAINS)}{rng.randint(2, 20)}亩"
    if industry == "astragalus":
        return f"黄芪{rng.randint(1, 8)}亩"
    if industry == "photovoltaic":
        return f"光伏收益分红{rng.randint(10, 30) * 100}元/年"
    return f"庭院种植{rng.randint(3, 30) * 10}平方米"


class HouseholdMaker:
    """Makes demo households one at a time, appending their rows to a batch."""

    def __init__(self, rng: random.Random, namer: Namer, today: dt.date, region: str,
                 new_id: Callable[[], str]) -> None:
        self._rng = rng
        self._namer = namer
        self._today = today
        self._today_ord = today.toordinal()
        self._new_id = new_id
        self._members = MemberMaker(rng, namer, today, region)
        self._latest_year = today.year - 1
        self._responsible: dict[str, tuple[list[str], list[str]]] = {}

    def _day_ago(self, low: int, high: int) -> dt.date:
        return dt.date.fromordinal(self._today_ord - self._rng.randint(low, high))

    def _responsible_names(self, village: Village) -> tuple[list[str], list[str]]:
        """责任人 of a community's rights: origin-village cadres, community staff."""
        names = self._responsible.get(village.id)
        if names is None:
            rng = self._rng
            origin = [self._namer.full(rng, rng.random() < 0.7, rng.randint(1965, 1990))
                      for _ in range(3)]
            destination = [self._namer.full(rng, rng.random() < 0.5, rng.randint(1970, 1998))
                           for _ in range(4)]
            names = self._responsible[village.id] = (origin, destination)
        return names

    def make(self, village: Village, serial: int, out: Rows) -> Made:
        """Household ``serial`` (1-based) of ``village``; its rows go into ``out``."""
        rng = self._rng
        new_id = self._new_id
        hid = new_id()
        relocated = village.is_community
        members, zero_employment = self._members.household(hid, new_id, relocated)
        head = members[0]
        kind = (_TYPE_COMMUNITY if relocated else _TYPE_VILLAGE)(rng)
        status = "monitored" if kind == "monitored" else "none"
        if status == "none" and rng.random() < _REMOVED_SHARE:
            status = "removed"
        row: dict[str, Any] = {
            "id": hid,
            "number": f"{village.serial_prefix}{serial:04d}",
            "head_name": head["name"],
            "id_number": head["id_number"],
            "phone": (one(rng, _PHONE_PREFIXES) + f"{int(rng.random() * 1e8):08d}"
                      if rng.random() < 0.88 else ""),
            "address": self._address(village, serial),
            "village_id": village.id,
            "grid_id": village.grids[(serial - 1) * len(village.grids)
                                     // max(village.households, 1)].id,
            "type": kind,
            "relocated": relocated,
            "origin_village": one(rng, village.origins) if relocated else "",
            "resettlement_site": village.name if relocated else "",
            "relocation_year": rng.randint(2017, 2020) if relocated else None,
            "monitoring_status": status,
            "risk_kind": None,
            "monitoring_since": None,
            "risk_removed_on": None,
            "risk_removed_reason": "",
            "accident_insured": rng.random() < 0.985,
            "relapse_insured": rng.random() < 0.99,
            # Most forms are kept current (updated within a quarter); one in ten is overdue.
            "form_updated_on": (self._day_ago(0, 91) if rng.random() < 0.9
                                else self._day_ago(93, 400)),
            "note": "零就业家庭，重点帮扶" if zero_employment else "",
        }
        industries = self._industries(hid, out)
        per_capita = self._income(hid, members, relocated, status == "monitored",
                                  bool(industries), out)
        if status in ("monitored", "removed"):
            self._monitoring(row, out)
        elif per_capita < OBSERVATION_LINE and rng.random() < 0.3:
            row["monitoring_status"] = "observation"  # some are already being watched
        out["household"].append(row)
        out["member"].extend(members)
        if relocated:
            self._rights(hid, village, out)
        return Made(hid, kind, row["monitoring_status"] == "monitored", relocated)

    def _address(self, village: Village, serial: int) -> str:
        town = village.township.name
        if village.is_community:
            # Resettlement communities are blocks of flats.
            flat = serial - 1
            return (f"{town}{village.name}{flat // 24 + 1}号楼{flat % 24 // 12 + 1}单元"
                    f"{flat % 12 // 2 + 1}0{flat % 2 + 1}室")
        return f"{town}{village.name}{(serial - 1) // 60 + 1}组{(serial - 1) % 60 + 1}号"

    def _industries(self, hid: str, out: Rows) -> list[str]:
        rng = self._rng
        chosen: list[str] = []
        for _ in range(_INDUSTRY_COUNT(rng)):
            industry = _INDUSTRY(rng)
            if industry in chosen:
                continue
            chosen.append(industry)
            out["household_industry"].append({
                "id": self._new_id(), "household_id": hid, "industry": industry,
                "scale": _scale(rng, industry)})
        return chosen

    def _income(self, hid: str, members: list[dict[str, Any]], relocated: bool,
                monitored: bool, has_industry: bool, out: Rows) -> float:
        """Income rows for the last two years; returns the latest per-capita net income."""
        rng = self._rng
        group = "monitored" if monitored else "relocated" if relocated else "village"
        mu = math.log(_MEAN_INCOME[group]) - _INCOME_SIGMA ** 2 / 2
        per_capita = rng.lognormvariate(mu, _INCOME_SIGMA)
        n = len(members)
        employed = sum(1 for m in members if m["employed"])
        elderly = sum(1 for m in members if self._today.year - m["birth_date"].year >= 60)
        # How the net income splits: wages follow the workers, transfers the elderly.
        weights = (
            0.1 + 0.3 * min(employed, 2),
            0.25 if has_industry else 0.06,
            0.06 if relocated else 0.03,  # 光伏分红, land rent
            0.15 + 0.12 * elderly,
        )
        total_weight = sum(weights)
        net = per_capita * n
        wage, operating, prop, transfer = (net * w / total_weight for w in weights)
        costs = operating * rng.uniform(0.3, 0.6)
        latest = (round(wage), round(operating + costs), round(prop), round(transfer),
                  round(costs))
        growth = rng.uniform(1.04, 1.18)  # the seed: +12.6% for relocated households
        earlier = tuple(round(x / growth * rng.uniform(0.95, 1.05)) for x in latest)
        for year, figures in ((self._latest_year - 1, earlier), (self._latest_year, latest)):
            out["income"].append({
                "id": self._new_id(), "household_id": hid, "year": year,
                "wage": float(figures[0]), "operating": float(figures[1]),
                "property": float(figures[2]), "transfer": float(figures[3]),
                "costs": float(figures[4]), "members": None})
        return (latest[0] + latest[1] + latest[2] + latest[3] - latest[4]) / n

    def _monitoring(self, row: dict[str, Any], out: Rows) -> None:
        """Risk kind, dates and the 纳入 (and 风险已消除) events of a monitored household."""
        rng = self._rng
        risk = _RISK(rng)
        since = self._day_ago(30, 900) if row["monitoring_status"] == "monitored" \
            else self._day_ago(200, 1100)
        row["risk_kind"] = risk
        row["monitoring_since"] = since
        events = out["monitoring_event"]
        events.append({"id": self._new_id(), "household_id": row["id"], "event_date": since,
                       "status": "monitored", "risk_kind": risk,
                       "reason": "纳入监测：" + one(rng, _ENTER_REASONS[risk])})
        if row["monitoring_status"] == "removed":
            last = self._today_ord - 1
            removed = dt.date.fromordinal(min(last, since.toordinal() + rng.randint(90, 400)))
            reason = one(rng, _REMOVE_REASONS)
            row["risk_removed_on"] = removed
            row["risk_removed_reason"] = reason
            events.append({"id": self._new_id(), "household_id": row["id"],
                           "event_date": removed, "status": "removed", "risk_kind": risk,
                           "reason": reason})

    def _rights(self, hid: str, village: Village, out: Rows) -> None:
        """All 25 rights items of a relocated household (有人管、不悬空, with exceptions)."""
        rng = self._rng
        new_id = self._new_id
        origin_names, destination_names = self._responsible_names(village)
        items = out["rights_item"]
        for code, side in _RIGHTS:
            status = _RIGHT_STATUS(rng)
            if status is None:  # 权益悬空: nobody in charge yet
                responsible = note = ""
            else:
                responsible = one(rng, origin_names if side == "origin" else destination_names)
                notes = _RIGHT_NOTES.get((status, side))
                note = one(rng, notes) if notes else ""
            items.append({"id": new_id(), "household_id": hid, "right": code, "side": side,
                          "status": status, "responsible": responsible, "note": note})
