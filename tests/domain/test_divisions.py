"""Administrative divisions: the shipped 2023 edition and lookups as rosters write names."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workteam_desktop.domain import divisions as dv
from workteam_desktop.domain.divisions import Division, Match, local_code, local_village, shipped

TIANZHEN = "140222"  # 山西省大同市天镇县
ZHAOJIAGOU = "140222206"  # 赵家沟乡


@pytest.fixture(scope="module")
def data() -> dv.Divisions:
    return shipped()


# --------------------------------------------------------------------------- the file


def test_the_edition_ships_as_one_reproducible_zip() -> None:
    path = shipped().file
    assert path.name == "divisions-2023.zip"
    assert path.stat().st_size <= 10 * 2**20
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)  # sorted members, fixed times: rebuilding gives the same bytes
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert "index.tsv" in names and f"{TIANZHEN}.tsv" in names
    assert (path.parent / "README.md").read_text(encoding="utf-8").count("WTFPL") >= 1


def test_nothing_is_read_before_the_first_lookup(tmp_path: Path) -> None:
    missing = dv.Divisions(tmp_path / "missing.zip")  # constructing reads nothing
    with pytest.raises(FileNotFoundError):
        missing.get(TIANZHEN)
    fresh = dv.Divisions(shipped().file)
    assert fresh._zip is None and fresh._provinces is None
    fresh.get(TIANZHEN)
    assert fresh._loaded == {}  # the index only: no county member read for a county
    fresh.townships(TIANZHEN)
    assert set(fresh._loaded) == {TIANZHEN}
    fresh.close()
    assert shipped() is shipped()


# --------------------------------------------------------------------------- by code


def test_tianzhen_and_zhaojiagou_are_there(data: dv.Divisions) -> None:
    county = data.get(TIANZHEN)
    assert county == Division("140222000000", "天镇县", "天镇县", "county", "140200000000")
    assert data.get("140222000000") == county
    township = data.get(ZHAOJIAGOU)
    assert township is not None and township.name == "赵家沟乡" and township.level == "township"
    assert township.code == "140222206000" and township.parent == county.code
    assert data.get("140222206000") == township
    assert township in data.townships(TIANZHEN)
    assert data.full_name(ZHAOJIAGOU) == "山西省大同市天镇县赵家沟乡"
    assert [d.level for d in data.path("140222206201")] == [
        "province", "city", "county", "township", "village"]
    assert data.get("14").name == "山西省" and data.get("1402").name == "大同市"


def test_get_rejects_what_is_not_a_known_code(data: dv.Divisions) -> None:
    for code in ("", "14022", "1402220", "abcdef", "140222999", "140222206999", "990000", "１４"):
        assert data.get(code) is None


def test_cities_without_counties_have_one_county_of_their_name(data: dv.Divisions) -> None:
    # 东莞 has no counties: the tables list it as its own county, townships directly below.
    county = data.get("441900")
    assert county is not None and county.level == "county" and county.name == "东莞市"
    assert county.parent == "440000000000"  # never its own parent
    assert data.get("4419").level == "city"
    assert data.townships("441900")


def test_lists_for_pickers(data: dv.Divisions) -> None:
    assert len(data.provinces()) == 31
    shanxi = data.counties("14")
    assert shanxi and all(c.code.startswith("14") for c in shanxi)
    assert data.counties("1402") == data.counties("140200000000")
    assert data.get(TIANZHEN) in data.counties("1402")
    assert [c.name for c in data.cities("14")][:2] == ["太原市", "大同市"]
    assert data.counties("99") == [] and data.townships("999999") == [] and data.villages("1") == []


def test_to_code12() -> None:
    assert dv.to_code12("140222") == "140222000000"
    assert dv.to_code12("140222206") == "140222206000"
    assert dv.to_code12("140222206201") == "140222206201"
    with pytest.raises(ValueError):
        dv.to_code12("1402222")


def test_sample_counties_have_townships_and_villages(data: dv.Divisions) -> None:
    counties = data.counties()
    assert len(counties) == 2978
    for county in random.Random(2023).sample(counties, 40):
        if county.code.startswith("350527"):  # 金门县: listed without townships
            continue
        townships = data.townships(county.code)
        villages = data.county_villages(county.code)
        assert townships and villages, county
        assert villages == [v for t in townships for v in data.villages(t.code)]
        assert all(v.parent in {t.code for t in townships} for v in villages)
        assert all(len(v.code) == 12 and v.code[9:] < "600" for v in villages)


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(("name", "short", "level"), [
    ("水头村村委会", "水头村", "village"),
    ("水头村委会", "水头村", "village"),
    ("水头村民委员会", "水头村", "village"),
    ("东北街村委会", "东北街村", "village"),
    ("葆华里社区居委会", "葆华里社区", "community"),
    ("葆华里社区居民委员会", "葆华里社区", "community"),
    ("幸福居委会", "幸福社区", "community"),
    ("水头居民委员会", "水头社区", "community"),
    ("城关村居委会", "城关村", "community"),
    ("金海小区居委会", "金海小区", "community"),
    ("巴彦嘎查", "巴彦嘎查", "village"),
    ("红星生活区", "红星生活区", "village"),
    ("于家窑村", "于家窑村", "village"),
    ("新区社区", "新区社区", "community"),
    ("社区居委会", "社区居委会", "community"),  # the edition has villages named just that
])
def test_short_names(name: str, short: str, level: str) -> None:
    assert dv.short_name(name) == short
    assert dv.village_level(name) == level


# --------------------------------------------------------------------------- counties, townships


@pytest.mark.parametrize("text", [
    "140222", "140222000000", "天镇县", "大同市天镇县", "山西省大同市天镇县", "山西大同天镇县",
    " 山西省 大同市 天镇县 ",
])
def test_find_county(data: dv.Divisions, text: str) -> None:
    assert data.find_county(text).found == data.get(TIANZHEN)


def test_find_county_lists_every_county_of_a_shared_name(data: dv.Divisions) -> None:
    match = data.find_county("鼓楼区")
    assert match.found is None and match.ambiguous and len(match.candidates) == 4
    assert data.find_county("南京市鼓楼区").found.code == "320106000000"
    assert data.find_county("天镇") == Match(None, ())
    assert data.find_county("140222206") == Match(None, ())


@pytest.mark.parametrize("text", ["赵家沟", "赵家沟乡", "赵家沟镇", ZHAOJIAGOU, "140222206000",
                                  "天镇县赵家沟乡", "山西省大同市天镇县赵家沟"])
def test_find_township(data: dv.Divisions, text: str) -> None:
    assert data.find_township(TIANZHEN, text).found == data.get(ZHAOJIAGOU)


def test_find_township_outside_the_county(data: dv.Divisions) -> None:
    assert data.find_township(TIANZHEN, "140225206") == Match()
    assert data.find_township(TIANZHEN, "下韩村乡") == Match()  # a township of 浑源县


# --------------------------------------------------------------------------- villages


def test_yujiayao_is_not_in_zhaojiagou(data: dv.Divisions) -> None:
    assert not [v for v in data.villages(ZHAOJIAGOU) if "于家窑" in v.name]
    for text in ("于家窑村", "赵家沟乡于家窑村", "赵家沟于家窑", "山西省大同市天镇县赵家沟乡于家窑村"):
        assert data.find_village(TIANZHEN, text) == Match(None, ())


@pytest.mark.parametrize("text", [
    "水头村", "水头村村委会", "水头村委会", "水头村民委员会", "水头", "140215100201",
    "西坪镇水头村", "西坪水头", "西坪 水头村", "大同市云州区西坪镇水头村",
])
def test_suffix_variants_resolve(data: dv.Divisions, text: str) -> None:
    # 云州区: 水头村村委会 in 西坪镇
    assert data.get("140215100").name == "西坪镇"
    match = data.find_village("140215", text)
    assert match.found is not None and match.found.code == "140215100201", text
    assert match.found.name == "水头村村委会" and match.found.short == "水头村"


@pytest.mark.parametrize("text", ["水头社区", "水头居委会", "水头居民委员会", "水头"])
def test_community_variants_resolve(data: dv.Divisions, text: str) -> None:
    # 灵石县: 水头居民委员会
    match = data.find_village("140729", text)
    assert match.found is not None and match.found.code == "140729100003"
    assert match.found.level == "community"


def test_same_name_in_two_townships_is_ambiguous(data: dv.Divisions) -> None:
    # 浑源县: 麻庄村委会 in 下韩村乡 and in 官儿乡
    for text in ("麻庄村", "麻庄村委会", "麻庄", "浑源县麻庄村"):
        match = data.find_village("140225", text)
        assert match.found is None and match.ambiguous
        assert [d.code for d in match.candidates] == ["140225206206", "140225218207"]
        assert [data.get(d.parent).name for d in match.candidates] == ["下韩村乡", "官儿乡"]
    assert data.find_village("140225", "下韩村乡麻庄村").found.code == "140225206206"
    assert data.find_village("140225", "官儿 麻庄").found.code == "140225218207"
    assert data.find_village("140225", "官儿镇麻庄村委会").found.code == "140225218207"


def test_an_exact_official_name_resolves_what_the_short_name_cannot(data: dv.Divisions) -> None:
    # 襄垣县: 崔家庄村村委会 (古韩镇) and 崔家庄村委会 (善福镇), both 崔家庄村
    assert data.find_village("140423", "崔家庄村").ambiguous
    assert data.find_village("140423", "崔家庄村村委会").found.code == "140423100263"
    assert data.find_village("140423", "崔家庄村委会").found.code == "140423108207"


def test_codes_of_other_counties_are_not_found(data: dv.Divisions) -> None:
    assert data.find_village(TIANZHEN, "140225206206") == Match()
    assert data.find_village(TIANZHEN, "140222206") == Match()  # a township, not a village
    assert data.find_village(TIANZHEN, "140222206999") == Match()
    assert data.find_village(TIANZHEN, "麻庄村") == Match()
    assert data.find_village("999999", "水头村") == Match()


# --------------------------------------------------------------------------- local villages


def test_local_code_is_stable_and_in_the_local_range() -> None:
    code = local_code(ZHAOJIAGOU, "于家窑村", {})
    # Pinned: every laptop must compute this same code, in every version of the program.
    assert code == "140222206819"
    assert local_code("140222206000", "于家窑村委会", {}) == code  # same short name
    assert local_code(ZHAOJIAGOU, " 于家窑村 ", {}) == code
    for name in ("东梁村", "新建安置社区", "西沟", "小水头"):
        other = local_code(ZHAOJIAGOU, name, {})
        assert other.startswith(ZHAOJIAGOU) and 600 <= int(other[9:]) <= 999


def test_local_code_probes_past_a_slot_held_by_another_name() -> None:
    code = local_code(ZHAOJIAGOU, "于家窑村", {})
    probed = local_code(ZHAOJIAGOU, "于家窑村", {code: "别的村"})
    assert probed == "140222206820"
    # the same name already stored keeps its code, wherever probing put it
    assert local_code(ZHAOJIAGOU, "于家窑村", {code: "别的村", probed: "于家窑村"}) == probed
    assert local_code(ZHAOJIAGOU, "于家窑村", {code: "于家窑村委会"}) == code
    # 999 wraps to 600
    last = {f"{ZHAOJIAGOU}{n}": f"村{n}" for n in range(620, 1000)}
    assert local_code(ZHAOJIAGOU, "于家窑村", last) == "140222206600"
    full = {f"{ZHAOJIAGOU}{n}": f"村{n}" for n in range(600, 1000)}
    with pytest.raises(ValueError):
        local_code(ZHAOJIAGOU, "于家窑村", full)
    with pytest.raises(ValueError):
        local_code(TIANZHEN, "于家窑村", {})  # a county is not a township


def test_local_villages_are_found_like_shipped_ones(data: dv.Divisions) -> None:
    yujiayao = local_village(ZHAOJIAGOU, "于家窑村")
    assert yujiayao == Division("140222206819", "于家窑村", "于家窑村", "village", "140222206000",
                                local=True)
    resettled = local_village(ZHAOJIAGOU, "幸福家园社区", taken={})
    assert resettled.level == "community" and resettled.local
    extra = [yujiayao, resettled, local_village("140225206", "于家窑村")]  # last: another county
    for text in ("于家窑村", "于家窑", "赵家沟乡于家窑村", "山西省大同市天镇县赵家沟乡于家窑村",
                 "140222206819"):
        assert data.find_village(TIANZHEN, text, extra).found == yujiayao, text
    assert data.find_village(TIANZHEN, "幸福家园", extra).found == resettled
    # a local village named like a shipped one of another township: both are candidates
    twin = local_village("140222100", "杨家庄村")
    match = data.find_village(TIANZHEN, "杨家庄村", [twin])
    assert match.ambiguous and twin in match.candidates
    assert data.find_village(TIANZHEN, "赵家沟杨家庄村", [twin]).found.code == "140222206201"
    with pytest.raises(ValueError):
        local_village(ZHAOJIAGOU, "  ")
    assert local_village(ZHAOJIAGOU, "于家窑村", taken={}) == yujiayao
    assert local_village(ZHAOJIAGOU, "于家窑村委会", "140222206819").short == "于家窑村"


# --------------------------------------------------------------------------- properties


_COUNTIES = [c.code[:6] for c in shipped().counties() if c.code[:6] != "350527"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_village_is_found_by_what_rosters_write(data: st.DataObject) -> None:
    divisions = shipped()
    county = data.draw(st.sampled_from(_COUNTIES), label="county")
    village = data.draw(st.sampled_from(divisions.county_villages(county)), label="village")
    township = divisions.get(village.parent)
    assert divisions.find_village(county, village.code) == Match(village)
    for text in (village.name, village.short, township.name + village.short,
                 f"{township.name} {village.name}", divisions.full_name(village.code)):
        match = divisions.find_village(county, text)
        # found, or ambiguous with it among the candidates: never another single village
        assert match.found == village or (match.found is None and village in match.candidates), text
        assert all(c.parent.startswith(county) for c in match.candidates)


_NOISE = st.text(alphabet=st.sampled_from(
    list("村社区居委会民员乡镇街道办事处赵家沟水头县市省0123456789 -·/（）()、\t\u3000ｱA")),
    max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_COUNTIES[::25]), st.one_of(st.text(max_size=30), _NOISE))
def test_lookups_never_raise(county: str, text: str) -> None:
    divisions = shipped()
    for match in (divisions.find_village(county, text), divisions.find_township(county, text),
                  divisions.find_county(text)):
        assert isinstance(match, Match)
        assert match.found is None or not match.candidates
        assert len(match.candidates) != 1
