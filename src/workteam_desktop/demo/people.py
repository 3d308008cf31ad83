"""Members of a demo household: who lives together, their ages, ID numbers and work.

A household is built around its head: a spouse, children, a son's wife and grandchildren
for an old head, parents for a young one, with birth dates that fit each relation. ID
numbers are checksum-valid, encode the member's birth date and sex (odd sequence: male),
and are unique across the county.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from ..domain import idnumber
from .draw import Pick, one
from .names import Namer

# Household sizes 1-6, about 3 people on average.
_SIZE = Pick([(1, 14), (2, 28), (3, 24), (4, 18), (5, 10), (6, 6)])
# Head's age band (low, high): village heads are mostly middle-aged or old.
_HEAD_AGE = Pick([((25, 34), 7), ((35, 44), 15), ((45, 54), 25), ((55, 64), 26),
                  ((65, 74), 18), ((75, 88), 9)])

# Education of adults by birth cohort; children by age (see _education).
_EDU_BEFORE_1955 = Pick([("illiterate", 35), ("primary", 45), ("junior", 18), ("senior", 2)])
_EDU_1955_1969 = Pick([("illiterate", 10), ("primary", 40), ("junior", 40), ("senior", 8),
                       ("vocational", 2)])
_EDU_1970_1984 = Pick([("primary", 20), ("junior", 55), ("senior", 15), ("vocational", 7),
                       ("college", 3)])
_EDU_FROM_1985 = Pick([("primary", 5), ("junior", 45), ("senior", 20), ("vocational", 18),
                       ("college", 12)])
_EDU_15_17 = Pick([("junior", 10), ("senior", 60), ("vocational", 30)])
_EDU_18_22 = Pick([("junior", 15), ("senior", 25), ("vocational", 25), ("college", 35)])

_HEALTH_YOUNG = Pick([("healthy", 95), ("chronic", 2), ("serious", 1), ("disabled", 2)])
_HEALTH_MIDDLE = Pick([("healthy", 80), ("chronic", 13), ("serious", 3), ("disabled", 4)])
_HEALTH_OLD = Pick([("healthy", 55), ("chronic", 35), ("serious", 5), ("disabled", 5)])

# Where people work and in what: local work near the village, or away in the cities.
_PLACE = Pick([("本地", 35), ("大同市", 28), ("太原市", 8), ("北京市", 10), ("天津市", 5),
               ("呼和浩特市", 4), ("雄安新区", 3), ("张家口市", 3), ("朔州市", 2), ("忻州市", 2)])
_SECTOR_LOCAL = ("农业产业园", "黄花加工", "建筑业", "公益岗位", "保洁", "商贸零售", "养殖场",
                 "光伏电站运维")
_SECTOR_AWAY = ("建筑业", "制造业", "餐饮服务", "家政服务", "物流运输", "保安", "商贸零售",
                "汽车维修", "洗浴服务")
# (skill, certificate): 人人持证 means most who learn a trade get its certificate.
_SKILLS = (
    ("电焊", "焊工职业资格证书"), ("厨师", "中式烹调师证书"), ("家政服务", "家政服务员证书"),
    ("育婴", "育婴员证书"), ("养老护理", "养老护理员证书"), ("汽车驾驶", "机动车驾驶证"),
    ("电工", "低压电工作业证"), ("挖掘机操作", "挖掘机操作证"), ("面点", "中式面点师证书"),
    ("种植技术", "农业技术员证书"), ("养殖技术", "家畜饲养员证书"), ("美容美发", "美发师证书"),
    ("母婴护理", "母婴护理员证书"),
)

_DAYS_PER_YEAR = 365.2425


class MemberMaker:
    """Makes the member rows of households; keeps the county's ID numbers unique."""

    def __init__(self, rng: random.Random, namer: Namer, today: dt.date, region: str) -> None:
        self._rng = rng
        self._namer = namer
        self._today = today.toordinal()
        self._region = region
        # Birth day and sequence of every ID number given out: the numbers are unique
        # when these pairs are (region is the same for all); ints keep the set small.
        self._issued: set[int] = set()

    def _birth(self, age: int) -> dt.date:
        # Born age-and-a-bit years ago, and at least a day before today.
        days = int((age + self._rng.random()) * _DAYS_PER_YEAR) + 1
        return dt.date.fromordinal(self._today - days)

    def _id_number(self, birth: dt.date, male: bool) -> str:
        rng = self._rng
        day = birth.toordinal() * 1000
        while True:
            seq = 2 * int(rng.random() * 500) + 1 if male else 2 * (1 + int(rng.random() * 499))
            if day + seq not in self._issued:
                self._issued.add(day + seq)
                return idnumber.make(self._region, birth, seq)

    def _composition(self) -> list[tuple[str, bool, int, str | None]]:
        """(relation, male, age, surname or None for a fresh one) of each member."""
        rng = self._rng
        size = _SIZE(rng)
        low, high = _HEAD_AGE(rng)
        head_age = rng.randint(low, high)
        head_male = rng.random() < 0.82
        head_surname = self._namer.surname(rng)
        people: list[tuple[str, bool, int, str | None]] = [
            ("head", head_male, head_age, head_surname)]
        spouse_surname = None
        if size >= 2 and rng.random() < (0.6 if head_age >= 70 else 0.88):
            gap = rng.randint(-2, 6)  # husbands are usually a few years older
            spouse_age = max(20, head_age - gap if head_male else head_age + gap)
            spouse_surname = self._namer.surname(rng)
            people.append(("spouse", not head_male, spouse_age, spouse_surname))
        # Children take the father's surname.
        family = head_surname if head_male else (spouse_surname or self._namer.surname(rng))
        plan: list[tuple[str, bool, int, str | None]] = []
        if head_age >= 58:
            son_age = head_age - rng.randint(24, 32)
            plan.append(("son", True, son_age, family))
            plan.append(("daughter_in_law", False, son_age + rng.randint(-3, 3), None))
            for _ in range(2):
                male = rng.random() < 0.52
                plan.append(("grandson" if male else "granddaughter", male,
                             son_age - rng.randint(23, 30), family))
            plan.append(("daughter", False, head_age - rng.randint(22, 34), family))
        else:
            for _ in range(3):
                male = rng.random() < 0.52
                plan.append(("son" if male else "daughter", male,
                             head_age - rng.randint(22, 34), family))
            parents_family = head_surname if head_male else self._namer.surname(rng)
            father = ("father", True, head_age + rng.randint(24, 32), parents_family)
            mother = ("mother", False, head_age + rng.randint(22, 30), None)
            # Widowed mothers outnumber fathers: women live longer.
            plan += [mother, father] if rng.random() < 0.6 else [father, mother]
        for person in plan:
            if len(people) >= size:
                break
            if 0 <= person[2] <= 95:
                people.append(person)
        return people

    def household(self, household_id: str, new_id: Callable[[], str], relocated: bool,
                  ) -> tuple[list[dict[str, Any]], bool]:
        """Member rows of one household, head first; and whether it is a 零就业 household.

        Relocated households keep 一户一就业 (someone with labour capacity in stable
        work), except about 5% of those with labour, left as the rule's exceptions.
        """
        rng = self._rng
        namer = self._namer
        year = dt.date.fromordinal(self._today).year
        rows: list[dict[str, Any]] = []
        for relation, male, age, surname in self._composition():
            birth = self._birth(age)
            birth_year = birth.year
            education = _education(rng, age, birth_year)
            health = (_HEALTH_YOUNG if age < 40 else _HEALTH_MIDDLE if age < 60
                      else _HEALTH_OLD)(rng)
            labour = _labour(rng, age, health, education)
            employed = stable = False
            place = sector = ""
            months = None
            skills = certificates = ""
            if labour != "none" and 16 <= age <= 64:
                chance = 0.7 if labour == "full" and age < 60 else 0.35
                if rng.random() < chance:
                    employed = True
                    place = _PLACE(rng)
                    sector = one(rng, _SECTOR_LOCAL if place == "本地" else _SECTOR_AWAY)
                    months = rng.randint(6, 12) if labour == "full" else rng.randint(3, 10)
                    stable = months >= 6 and rng.random() < 0.92
                if rng.random() < 0.3:
                    skills, cert = one(rng, _SKILLS)
                    if rng.random() < 0.65:
                        certificates = cert
            rows.append({
                "id": new_id(), "household_id": household_id,
                "name": namer.full(rng, male, birth_year, surname),
                "relation": relation, "sex": "male" if male else "female",
                "birth_date": birth, "id_number": self._id_number(birth, male),
                "education": education, "health": health, "labour_capacity": labour,
                "employed": employed, "employment_place": place, "employment_sector": sector,
                "employment_months": months, "employment_stable": stable,
                "skills": skills, "certificates": certificates,
            })
        zero_employment = False
        if relocated:
            # The rule counts everyone with labour capacity, the elderly included.
            workers = [r for r in rows if r["labour_capacity"] in ("full", "partial")]
            if workers:
                if rng.random() < 0.05:
                    zero_employment = True
                    for r in rows:  # odd jobs at most: nobody in stable work
                        r["employment_stable"] = False
                        if r["employed"]:
                            r["employment_months"] = rng.randint(1, 5)
                elif not any(r["employment_stable"] for r in rows):
                    # 一户一就业: the youngest worker gets a stable job; an older one a
                    # public-welfare post (保洁, 护林) near home, as the county arranges.
                    worker = max(workers, key=lambda r: r["birth_date"])
                    worker.update(employed=True, employment_stable=True,
                                  employment_months=rng.randint(8, 12))
                    if year - worker["birth_date"].year > 59:
                        worker["employment_place"] = "本地"
                        worker["employment_sector"] = "公益岗位"
                    elif not worker["employment_place"]:
                        worker["employment_place"] = "本地"
                        worker["employment_sector"] = one(rng, _SECTOR_LOCAL)
        return rows, zero_employment


def _education(rng: random.Random, age: int, birth_year: int) -> str:
    if age < 6:
        return "preschool"
    if age < 12:
        return "primary"
    if age < 15:
        return "junior"
    if age < 18:
        return _EDU_15_17(rng)
    if age < 23:
        return _EDU_18_22(rng)
    if birth_year < 1955:
        return _EDU_BEFORE_1955(rng)
    if birth_year < 1970:
        return _EDU_1955_1969(rng)
    if birth_year < 1985:
        return _EDU_1970_1984(rng)
    return _EDU_FROM_1985(rng)


def _labour(rng: random.Random, age: int, health: str, education: str) -> str:
    if age < 16 or age > 75:
        return "none"
    if age < 23 and education in ("senior", "vocational", "college") and rng.random() < 0.7:
        return "none"  # still at school
    if health == "serious":
        return "none"
    if age >= 65:
        return "partial" if rng.random() < 0.4 else "none"
    if health in ("chronic", "disabled") or age >= 60:
        return "partial" if rng.random() < 0.8 else "none"
    return "full" if rng.random() < 0.92 else "partial"
