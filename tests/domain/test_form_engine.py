"""The form engine: definitions, conditions, validation, cleaning (pure, no store)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workteam_desktop.domain import idnumber
from workteam_desktop.domain.forms import (
    FIELD_TYPES,
    HOUSEHOLD_SURVEY,
    ITEM_ID,
    FieldDef,
    FormDef,
    FormDefinitionError,
    FormInvalid,
    check_form,
    clean,
    derived_values,
    evaluate,
    find_forms,
    latest_form,
    load_form,
    parse_condition,
    parse_form,
    validate,
    visible_paths,
)
from workteam_desktop.domain.forms.conditions import AllOf, AnyOf, Not
from workteam_desktop.paths import forms_dir

TODAY = dt.date(2026, 11, 29)
FORM = latest_form(forms_dir(), HOUSEHOLD_SURVEY)
EMPLOYMENT = ("employed", "employment_place", "employment_sector", "employment_months",
              "employment_stable")


@pytest.fixture
def form() -> FormDef:
    return FORM


def valid_answers() -> dict[str, Any]:
    head_id = idnumber.make("140215", dt.date(1968, 3, 2), 31)
    return {
        "head_name": "田国庆", "id_number": head_id, "phone": "13812345678",
        "type": "alleviated", "address": "西坪镇西坪村1组1号", "relocated": False,
        "income_year": 2025, "wage": "12,000", "operating": 3000, "property": 0,
        "transfer": "1500.5元", "costs": 800, "industries": ["livestock", "daylily"],
        "accident_insured": True, "relapse_insured": True, "note": "",
        "members": [
            {"name": "田国庆", "relation": "head", "id_number": head_id, "sex": "male",
             "birth_date": "1968-03-02", "labour_capacity": "full", "employed": True,
             "employment_place": "大同市", "employment_sector": "建筑业",
             "employment_months": 10, "employment_stable": True},
            {"name": "李秀英", "relation": "spouse", "labour_capacity": "none"},
        ],
    }


# ---------------------------------------------------------------- the definition file


def test_the_household_form_has_the_sections_a_cadre_fills_in(form: FormDef) -> None:
    assert (form.id, form.version) == ("household_survey", 1)
    assert form.title.zh == "信息采集表"
    assert [s.title.zh for s in form.sections] == [
        "基本信息", "家庭成员", "收入（上年度）", "产业", "保险", "备注"]
    members = form.group("members")
    assert [f.name for f in members.fields][:8] == [
        "name", "relation", "id_number", "sex", "birth_date", "education", "health",
        "labour_capacity"]
    assert members.field("labour_capacity").catalogue == "labour_capacity"
    assert form.field("industries").type == "multichoice"
    assert [c.label.zh for c in form.field("industries").choices][:3] == ["黄花", "畜牧", "设施蔬菜"]
    # Every label has an English translation distinct from the Chinese.
    for f in [*form.fields(), *members.fields]:
        assert f.label.en and f.label.en != f.label.zh
    assert form.field("relocation_year").maps_to == "household.relocation_year"


def test_every_shipped_form_file_loads() -> None:
    found = find_forms(forms_dir())
    assert "household_survey" in found
    for files in found.values():
        for path in files:
            assert load_form(path).version == int(path.stem[1:])


def _minimal(**field: Any) -> dict[str, Any]:
    base = {"name": "a", "type": "text", "label": {"zh": "甲", "en": "A"}}
    return {"id": "f", "version": 1, "title": "表", "sections": [
        {"key": "s", "title": "节", "fields": [base | field]}]}


@pytest.mark.parametrize(("change", "words"), [
    ({"type": "emial"}, ["sections[0].fields[0]（a）.type", "emial", "可用"]),
    ({"requried": True}, ["sections[0].fields[0]", "requried"]),
    ({"type": "choice"}, ["choices", "catalogue"]),
    ({"type": "choice", "catalogue": "nope"}, ["nope", "labour_capacity"]),
    ({"type": "text", "min": 3}, ["min", "int、money、date"]),
    ({"type": "date", "max": "tomorrow"}, ["max", "today"]),
    ({"type": "int", "min": 5, "max": 1}, ["下限5大于上限1"]),
    ({"show_if": {"field": "a", "is": 1}}, ["show_if", "未知运算符“is”"]),
    ({"show_if": {"field": "b", "equals": 1}}, ["show_if", "“b”", "前面"]),
    ({"maps_to": "household"}, ["maps_to", "household.phone"]),
    ({"maps_to": "member.name"}, ["member.* 只能用在家庭成员重复组里"]),
    ({"label": ""}, ["label"]),
])
def test_a_malformed_definition_is_refused_with_the_place_and_the_fix(
        change: dict[str, Any], words: list[str]) -> None:
    with pytest.raises(FormDefinitionError) as err:
        parse_form(_minimal(**change), "x/v1.json")
    message = str(err.value)
    assert message.startswith("x/v1.json：")
    for word in words:
        assert word in message


def test_a_broken_file_says_where_the_json_is_wrong(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "v1.json").write_text('{"id": "f",\n "version": 1,,}', encoding="utf-8")
    with pytest.raises(FormDefinitionError, match=r"f/v1.json：不是有效的 JSON（第2行"):
        load_form(folder / "v1.json")
    (folder / "v2.json").write_text(json.dumps(_minimal()), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="文件名是 v2，version 却是 1"):
        load_form(folder / "v2.json")


def test_the_newest_version_is_the_one_opened(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    for version in (1, 2, 10):
        data = _minimal()
        data["version"] = version
        (folder / f"v{version}.json").write_text(json.dumps(data), encoding="utf-8")
    assert latest_form(tmp_path, "f").version == 10
    with pytest.raises(FormDefinitionError, match="找不到表单“g”"):
        latest_form(tmp_path, "g")


# ---------------------------------------------------------------- conditions


def test_conditions_read_like_the_readme() -> None:
    answers = {"relocated": True, "labour_capacity": "partial", "industries": ["daylily"],
               "months": 7, "phone": ""}
    look = answers.get
    assert evaluate(parse_condition({"field": "relocated", "equals": True}), look)
    assert evaluate(parse_condition({"field": "labour_capacity", "in": ["full", "partial"]}), look)
    assert not evaluate(parse_condition({"field": "labour_capacity", "in": ["full"]}), look)
    assert evaluate(parse_condition({"field": "industries", "contains": "daylily"}), look)
    assert evaluate(parse_condition({"field": "months", "gte": 6}), look)
    assert not evaluate(parse_condition({"field": "phone", "filled": True}), look)
    assert evaluate(parse_condition({"not": {"field": "phone", "filled": True}}), look)
    assert evaluate(parse_condition({"all": [{"field": "relocated", "equals": True},
                                             {"field": "months", "lt": 12}]}), look)
    assert not evaluate(parse_condition({"any": []}), look)
    assert evaluate(parse_condition({"all": []}), look)
    # A yes/no answer is not the number 1, and a missing answer matches nothing.
    assert not evaluate(parse_condition({"field": "relocated", "equals": 1}), look)
    assert not evaluate(parse_condition({"field": "nothing", "gt": 0}), look)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["a", "b", ""]),
                     st.floats(allow_nan=False, allow_infinity=False, width=16))
_NAMES = st.sampled_from(["x", "y", "z"])


def _comparisons() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda n, v: {"field": n, "equals": v}, _NAMES, _SCALARS),
        st.builds(lambda n, v: {"field": n, "not_equals": v}, _NAMES, _SCALARS),
        st.builds(lambda n, v: {"field": n, "in": v}, _NAMES, st.lists(_SCALARS, max_size=3)),
        st.builds(lambda n, v: {"field": n, "not_in": v}, _NAMES, st.lists(_SCALARS, max_size=3)),
        st.builds(lambda n, v: {"field": n, "filled": v}, _NAMES, st.booleans()),
        st.builds(lambda n, v: {"field": n, "contains": v}, _NAMES, _SCALARS),
        st.builds(lambda n, op, v: {"field": n, op: v}, _NAMES,
                  st.sampled_from(["gt", "gte", "lt", "lte"]), st.integers(-5, 5)),
    )


CONDITIONS = st.recursive(
    st.one_of(_comparisons(), st.booleans()),
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, max_size=3)),
        st.builds(lambda x: {"not": x}, inner)),
    max_leaves=8)
ANSWER_VALUES = st.recursive(
    _SCALARS | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=6)


@given(CONDITIONS, st.dictionaries(_NAMES, ANSWER_VALUES))
def test_conditions_never_raise_and_obey_logic(data: Any, answers: dict[str, Any]) -> None:
    cond = parse_condition(data)
    result = evaluate(cond, answers.get)
    assert isinstance(result, bool)
    assert evaluate(Not(cond), answers.get) is (not result)
    assert evaluate(AllOf((cond, cond)), answers.get) is result
    assert evaluate(AnyOf((cond, Not(cond))), answers.get) is True
    assert evaluate(AllOf((cond, Not(cond))), answers.get) is False
    # The JSON form is the whole meaning: parsing it again changes nothing.
    assert evaluate(parse_condition(json.loads(json.dumps(data))), answers.get) is result


@given(st.one_of(ANSWER_VALUES, st.dictionaries(st.sampled_from(
    ["field", "all", "any", "not", "equals", "in", "gt", "x"]), ANSWER_VALUES, max_size=3)))
def test_a_malformed_condition_is_refused_not_crashed(data: Any) -> None:
    try:
        parse_condition(data)
    except ValueError as exc:
        assert str(exc)


# ---------------------------------------------------------------- validation


def test_valid_answers_validate_clean_and_are_normalized(form: FormDef) -> None:
    answers = valid_answers()
    assert validate(form, answers, today=TODAY) == {}
    data = clean(form, answers, today=TODAY)
    assert data["wage"] == 12000.0 and data["transfer"] == 1500.5
    assert data["industries"] == ["daylily", "livestock"]  # catalogue order
    assert data["members"][0]["birth_date"] == "1968-03-02"
    # The relocation questions were hidden: their answers are dropped.
    assert "origin_village" not in data and "relocation_year" not in data
    # The spouse has no labour capacity: no employment answers kept.
    assert not set(EMPLOYMENT) & set(data["members"][1])


def test_an_id_number_gets_the_domain_message(form: FormDef) -> None:
    answers = valid_answers()
    good = answers["members"][0]["id_number"]
    wrong = "0" if good[-1] != "0" else "1"
    answers["members"][1]["id_number"] = good[:17] + wrong
    problems = validate(form, answers, today=TODAY)
    assert list(problems) == ["members[1].id_number"]
    assert problems["members[1].id_number"].message() == f"身份证号第18位校验码应为{good[-1]}"
    answers["id_number"] = "14021519"
    assert validate(form, answers, today=TODAY)["id_number"].message() == "身份证号应为18位，现在是8位"


@pytest.mark.parametrize(("path", "value", "message"), [
    ("head_name", "  ", "请填写户主姓名"),
    ("type", None, "请填写户类型"),
    ("type", "贫困户", "“贫困户”不是有效的户类型，可选：脱贫户、监测户、一般户"),
    ("phone", "12345", "电话号码应为11位手机号或带区号的固话"),
    ("wage", "-5", "工资性收入不能为负数"),
    ("wage", "十元", "“十元”不是有效金额，请填写数字"),
    ("wage", "nan", "“nan”不是有效金额，请填写数字"),
    ("wage", 10_000_000, "工资性收入不能大于9,999,999"),
    ("income_year", "2014", "收入年度不能小于2015"),
    ("income_year", "二〇二五", "“二〇二五”不是整数"),
    ("note", "字" * 501, "备注最多500个字，现在是501个字"),
    ("industries", ["黄花", "水稻"],
     "“水稻”不是有效的参与产业，可选：黄花、畜牧、设施蔬菜、食用菌、杂粮、黄芪、光伏、庭院经济"),
    ("relocated", "maybe", "“maybe”应为 是 或 否"),
    ("accident_insured", [1], "已参加意外险的内容无法识别，请重新填写"),
])
def test_each_wrong_answer_says_what_to_do(form: FormDef, path: str, value: Any,
                                           message: str) -> None:
    answers = valid_answers()
    answers[path] = value
    problems = validate(form, answers, today=TODAY)
    assert {k: p.message() for k, p in problems.items()} == {path: message}


def test_member_dates_and_months_are_checked(form: FormDef) -> None:
    answers = valid_answers()
    head = answers["members"][0]
    head["birth_date"] = "2026-12-01"
    head["employment_months"] = 13
    problems = validate(form, answers, today=TODAY)
    assert problems["members[0].birth_date"].message() == "出生日期不能晚于今天"
    assert problems["members[0].employment_months"].message() == "务工月数不能大于12"
    head["birth_date"] = "19680302"  # eight digits: the quickest way to type a date
    head["employment_months"] = "12"
    assert validate(form, answers, today=TODAY) == {}
    assert clean(form, answers, today=TODAY)["members"][0]["birth_date"] == "1968-03-02"


def test_a_household_needs_at_least_one_member(form: FormDef) -> None:
    answers = valid_answers()
    answers["members"] = []
    assert validate(form, answers, today=TODAY)["members"].message() == "家庭成员至少要有1项"


def test_hidden_fields_are_not_required_and_are_dropped(form: FormDef) -> None:
    answers = valid_answers()
    spouse = answers["members"][1]
    spouse.update(employed="perhaps", employment_months=99, employment_place="北京")
    assert validate(form, answers, today=TODAY) == {}  # no labour capacity: not asked
    shown = visible_paths(form, answers, today=TODAY)
    assert "members[0].employed" in shown and "members[1].employed" not in shown
    spouse["labour_capacity"] = "partial"
    problems = validate(form, answers, today=TODAY)
    assert set(problems) == {"members[1].employed"}  # now asked, and "perhaps" is no answer
    spouse["employed"] = False
    assert validate(form, answers, today=TODAY) == {}  # place and months hidden again
    # The relocation questions: required only for a relocated household.
    answers["relocated"] = True
    assert set(validate(form, answers, today=TODAY)) == {
        "origin_village", "resettlement_site", "relocation_year"}


def test_an_invalid_controlling_answer_hides_what_depends_on_it(form: FormDef) -> None:
    answers = valid_answers()
    answers["members"][0]["labour_capacity"] = "很强"
    check = check_form(form, answers, today=TODAY)
    assert set(check.problems) == {"members[0].labour_capacity"}
    assert not check.visible["members[0].employed"]


def test_clean_refuses_wrong_answers_with_every_problem(form: FormDef) -> None:
    answers = valid_answers()
    answers["phone"] = "1"
    answers["members"][0]["name"] = ""
    with pytest.raises(FormInvalid) as err:
        clean(form, answers, today=TODAY)
    assert set(err.value.problems) == {"phone", "members[0].name"}
    assert str(err.value).startswith("表单有2处需要修改：")


def test_member_row_ids_are_kept_through_cleaning(form: FormDef) -> None:
    answers = valid_answers()
    answers["members"][0][ITEM_ID] = "row-1"
    answers["members"][1][ITEM_ID] = 5  # not an id: dropped
    data = clean(form, answers, today=TODAY)
    assert data["members"][0][ITEM_ID] == "row-1"
    assert ITEM_ID not in data["members"][1]


def test_an_id_number_fills_in_birth_date_and_sex(form: FormDef) -> None:
    group = form.group("members")
    number = idnumber.make("140215", dt.date(1990, 7, 15), 42)  # even: female
    assert derived_values(group.field("id_number"), number, group.fields, TODAY) == {
        "birth_date": "1990-07-15", "sex": "female"}
    wrong = "0" if number[-1] != "0" else "1"
    assert derived_values(group.field("id_number"), number[:-1] + wrong, group.fields, TODAY) == {}


# ---------------------------------------------------------------- properties


def _answers_for(form: FormDef, value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    names = [f.name for f in form.fields()]
    group = form.group("members")
    item = st.dictionaries(st.sampled_from([f.name for f in group.fields] + [ITEM_ID, "x"]),
                           value, max_size=8)
    top = st.fixed_dictionaries({}, optional={n: value for n in names})
    members = st.one_of(st.lists(st.one_of(item, value), max_size=3), value)
    return st.one_of(
        st.builds(lambda t, m: {**t, "members": m}, top, members),
        value)


WILD = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=25),
              st.sampled_from(["full", "none", "是", "2026-02-30", "19800101", "1,234.5元",
                               "140215199007150426", "+8613812345678", "daylily、grains",
                               "inf", "1e400", "9" * 30])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=2),
    max_leaves=5)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_answers_never_crash_and_hidden_fields_never_complain(data: st.DataObject) -> None:
    form = FORM
    answers = data.draw(_answers_for(form, WILD))
    check = check_form(form, answers, today=TODAY)
    for path in check.problems:
        assert path == "members" or check.visible[path], path
        assert check.problems[path].message()
    # What is kept is exactly the shown fields.
    kept = {k for k in check.cleaned if k != "members"}
    assert kept == {f.name for f in form.fields() if check.visible[f.name]}
    json.dumps(check.cleaned)  # the answers a submission stores are JSON


def _valid_value(f: FieldDef) -> st.SearchStrategy[Any]:
    kind = f.type
    if kind in ("text", "textarea"):
        text = st.text(st.characters(codec="utf-8", categories=["Lo", "Nd", "Lu"]),
                       min_size=1, max_size=min(f.max_length or 40, 40))
        return text
    if kind == "int":
        low = int(f.min) if f.min is not None else -1000  # type: ignore[arg-type]
        high = int(f.max) if f.max is not None else 1000  # type: ignore[arg-type]
        return st.integers(low, high) | st.integers(low, high).map(str)
    if kind == "money":
        high = float(f.max) if f.max is not None else 1e6  # type: ignore[arg-type]
        amounts = st.decimals(0, high, places=2).map(float)
        return amounts | amounts.map(lambda v: f"{v:,.2f}") | amounts.map(lambda v: f"{v}元")
    if kind == "date":
        high = TODAY if f.max in ("today", None) else dt.date.fromisoformat(str(f.max))
        low = dt.date(1900, 1, 1) if f.min is None else dt.date.fromisoformat(str(f.min))
        dates = st.dates(low, high)
        return dates.map(dt.date.isoformat) | dates.map(lambda d: d.strftime("%Y%m%d"))
    if kind == "bool":
        return st.booleans() | st.sampled_from(["是", "否"])
    if kind == "choice":
        options = [c.value for c in f.choices] + [c.label.zh for c in f.choices]
        return st.sampled_from(options)
    if kind == "multichoice":
        return st.lists(st.sampled_from([c.value for c in f.choices]), unique=True)
    if kind == "id_number":
        return st.builds(lambda d, s: idnumber.make("140215", d, s),
                         st.dates(dt.date(1920, 1, 1), TODAY), st.integers(0, 999))
    assert kind == "phone"
    return st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def _valid_answers(form: FormDef) -> st.SearchStrategy[dict[str, Any]]:
    def fields_of(fields: tuple[FieldDef, ...] | list[FieldDef]) -> st.SearchStrategy[dict]:
        required = {f.name: _valid_value(f) for f in fields if f.required}
        optional = {f.name: st.one_of(st.none(), _valid_value(f))
                    for f in fields if not f.required}
        return st.fixed_dictionaries(required, optional=optional)

    group = form.group("members")
    return st.builds(lambda top, members: {**top, "members": members},
                     fields_of(list(form.fields())),
                     st.lists(fields_of(group.fields), min_size=1, max_size=4))


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_valid_answers_validate_clean_and_cleaning_is_stable(
        data: st.DataObject) -> None:
    form = FORM
    answers = data.draw(_valid_answers(form))
    before = copy.deepcopy(answers)
    assert validate(form, answers, today=TODAY) == {}
    cleaned = clean(form, answers, today=TODAY)
    assert answers == before  # the engine never changes the answers it reads
    assert clean(form, cleaned, today=TODAY) == cleaned


def test_every_field_type_is_covered_by_the_generators(form: FormDef) -> None:
    kinds = {f.type for f in [*form.fields(), *form.group("members").fields]}
    assert kinds == set(FIELD_TYPES)
