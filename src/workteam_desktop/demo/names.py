"""Chinese personal names for the demo county (northern Shanxi flavour).

Surnames are weighted by frequency, with the surnames common around Datong (郭 任 武 贾
薛 白 温 闫 田 范 乔 梁 韩 霍 …) weighted up. Given names follow the fashions of the
person's birth years (建国 and 秀英 for the old, 浩宇 and 欣怡 for the young). About 2.5% of
names carry a rare character (堃 喆 镕 昇 玥 犇 淼 垚 彧): the ones that break fonts,
input methods and search, which is exactly why the demo must have them.
"""

from __future__ import annotations

import random

from .draw import Pick, one

# (surname, relative frequency). National order, with Shanxi / Datong surnames raised.
_SURNAMES: list[tuple[str, float]] = [
    ("王", 75), ("李", 70), ("张", 66), ("刘", 50), ("杨", 26), ("赵", 26), ("郭", 24),
    ("陈", 16), ("高", 18), ("武", 14), ("任", 14), ("贾", 13), ("孙", 13), ("马", 13),
    ("韩", 11), ("闫", 11), ("白", 11), ("田", 10), ("梁", 10), ("薛", 9), ("温", 9),
    ("范", 9), ("乔", 9), ("胡", 9), ("霍", 8), ("郝", 8), ("周", 8), ("吴", 7), ("徐", 7),
    ("宋", 8), ("冯", 8), ("杜", 7), ("侯", 7), ("石", 7), ("董", 7), ("康", 6), ("段", 6),
    ("常", 6), ("史", 6), ("吕", 6), ("崔", 6), ("魏", 6), ("程", 6), ("曹", 6), ("许", 6),
    ("于", 5), ("朱", 5), ("秦", 5), ("孟", 5), ("姚", 5), ("贺", 5), ("牛", 5), ("姜", 5),
    ("黄", 5), ("郑", 5), ("苏", 4), ("卢", 4), ("申", 4), ("邢", 4), ("裴", 4), ("尚", 4),
    ("翟", 4), ("岳", 4), ("安", 4), ("樊", 4), ("丁", 4), ("何", 4), ("袁", 4), ("谢", 4),
    ("庞", 3), ("耿", 3), ("焦", 3), ("冀", 3), ("柴", 3), ("齐", 3), ("孔", 3), ("毛", 3),
    ("雷", 3), ("尹", 3), ("夏", 3), ("潘", 3), ("彭", 3), ("金", 3), ("燕", 2), ("弓", 2),
    ("智", 2), ("辛", 2), ("解", 2), ("祁", 2), ("聂", 2), ("兰", 2), ("邵", 2), ("万", 2),
    ("付", 2), ("罗", 2), ("唐", 2), ("钱", 2), ("陆", 2), ("邓", 2), ("江", 2), ("狄", 1),
    ("门", 1), ("落", 1), ("靳", 2), ("阎", 2), ("宫", 1), ("栗", 1), ("药", 1), ("亢", 1),
]

# Given-name characters by sex and generation: (born before 1965, 1965-1989, 1990 on).
_MALE = (
    "建国军明华平德福贵生文志忠林成荣山海发旺宝喜全根锁柱存录元富厚义仁春有庆胜利清怀金",
    "伟强磊勇军杰涛斌超鹏刚峰辉亮波宁飞龙俊鑫东海彬健永红建晓志宏兵亮军斌云鹏",
    "浩宇轩子博俊涵睿泽晨辰瑞昊然航铭一天嘉凯鑫豪阳逸宸哲皓文奕煜梓",
)
_FEMALE = (
    "秀英兰桂玉珍凤花梅芳翠莲香金银爱巧春荣琴枝娥月果存先改女",
    "丽红艳静敏燕霞娟芳玲婷慧晶萍洁雪琳丹霞娜颖瑞美利彩",
    "欣怡雨涵梓萱可诗思佳悦妍馨琪雅若一子晨彤婉瑶语嘉梦",
)
# The rare characters of the brief; the first three must appear in every demo of 600
# households, so they are handed out first (see Namer.rare).
_RARE_REQUIRED = ("堃", "喆", "镕")
_RARE_MALE = "堃喆镕昇犇淼垚彧"
_RARE_FEMALE = "玥淼彧"
RARE_CHARACTERS = "堃喆镕昇玥犇淼垚彧"
RARE_SHARE = 0.025  # share of names with a rare character (the brief: roughly 2-3%)


def _generation(birth_year: int) -> int:
    if birth_year < 1965:
        return 0
    return 1 if birth_year < 1990 else 2


class Namer:
    """Draws names; remembers which required rare characters it has not used yet."""

    def __init__(self) -> None:
        self._surname = Pick(_SURNAMES)
        self._pending = list(_RARE_REQUIRED)

    def surname(self, rng: random.Random) -> str:
        """A surname, by frequency."""
        return self._surname(rng)

    def rare(self, rng: random.Random, male: bool) -> str:
        """A rare character: the required ones first, so even a small county has them."""
        if male and self._pending:
            return self._pending.pop(0)
        return one(rng, _RARE_MALE if male else _RARE_FEMALE)

    def given(self, rng: random.Random, male: bool, birth_year: int) -> str:
        """A given name of one or two characters for the sex and birth year."""
        chars = (_MALE if male else _FEMALE)[_generation(birth_year)]
        # One-character given names were common for the middle generation, rarer since.
        if rng.random() < (0.3 if birth_year < 1990 else 0.15):
            name = one(rng, chars)
        else:
            first = one(rng, chars)
            second = one(rng, chars)
            while second == first:  # 建建 is not a name anyone is given
                second = one(rng, chars)
            name = first + second
        if rng.random() < RARE_SHARE:
            name = name[:-1] + self.rare(rng, male)
        return name

    def full(self, rng: random.Random, male: bool, birth_year: int,
             surname: str | None = None) -> str:
        """A full name; ``surname`` for children who take the father's."""
        return (surname or self.surname(rng)) + self.given(rng, male, birth_year)
