"""settings.toml: defaults, round trip, bad files, moving old gui.ini values."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from workteam_desktop.domain import catalogues as cat
from workteam_desktop.domain.assessment import DEFAULT_WEIGHTS
from workteam_desktop.settings import (
    SETTINGS_FILE,
    Settings,
    check_extension,
    import_legacy,
    load_settings,
    problems,
    save_settings,
)


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path)
    assert s == Settings()
    assert (s.language, s.role, s.backup_keep, s.form_period_days) == ("zh_CN", "member", 14, 92)
    assert s.assessment_weights == DEFAULT_WEIGHTS
    assert s.assessment_weights is not DEFAULT_WEIGHTS  # a copy: editing it leaves the default
    assert s.warnings == []
    assert not (tmp_path / SETTINGS_FILE).exists()  # reading writes nothing


def test_round_trip(tmp_path: Path) -> None:
    s = Settings(language="en", role="supervisor", server_url="https://sync.example:8443",
                 backup_keep=30, form_period_days=61,
                 assessment_weights={**DEFAULT_WEIGHTS, "manual": 0.3},
                 catalogue_extensions={"industry": [("pepper", "花椒")],
                                       "measure_kind": [("loan2", "贴息贷款")]})
    path = save_settings(tmp_path, s)
    assert path == tmp_path / SETTINGS_FILE
    back = load_settings(tmp_path)
    assert back == s
    assert back.warnings == []
    assert back.ui_lang == "en"
    # A plain TOML file a person can read and edit.
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["catalogue_extensions"]["industry"] == [["pepper", "花椒"]]
    assert [p.name for p in tmp_path.iterdir()] == [SETTINGS_FILE]  # no temporary left


def test_broken_file_gives_defaults_and_a_chinese_warning(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_text('language = "en"\nbackup_keep = = 3\n', encoding="utf-8")
    s = load_settings(tmp_path)
    assert s.language == "zh_CN" and s.backup_keep == 14
    assert len(s.warnings) == 1 and "格式有误" in s.warnings[0]


def test_not_utf8_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_bytes('language = "中文"'.encode("gb18030"))
    s = load_settings(tmp_path)
    assert s == Settings() and s.warnings


def test_bad_values_fall_back_one_by_one(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_text(
        'language = "fr"\nrole = "admin"\nserver_url = "ftp://x"\nbackup_keep = 0\n'
        'form_period_days = "92"\n'
        '[assessment_weights]\nvisit_coverage = -1\nmanual = 0.5\nunknown = 2\n'
        '[catalogue_extensions]\nindustry = [["daylily", "又一个黄花"], ["pepper", "花椒"], [1, 2]]\n'
        'relation = [["x", "y"]]\n', encoding="utf-8")
    s = load_settings(tmp_path)
    assert (s.language, s.role, s.server_url, s.backup_keep, s.form_period_days) == (
        "zh_CN", "member", "", 14, 92)
    assert s.assessment_weights == {**DEFAULT_WEIGHTS, "manual": 0.5}  # the good value kept
    assert s.catalogue_extensions == {"industry": [("pepper", "花椒")]}
    joined = "\n".join(s.warnings)
    for key in ("language", "role", "server_url", "backup_keep", "form_period_days",
                "assessment_weights.visit_coverage", "assessment_weights.unknown",
                "catalogue_extensions.industry", "catalogue_extensions.relation"):
        assert f"“{key}”" in joined


def test_plain_http_setting(tmp_path: Path) -> None:
    """``[sync] allow_plain_http``: off by default and not written then; kept when on; a
    value that is not true/false falls back to off with a warning."""
    path = save_settings(tmp_path, Settings())
    assert "sync" not in tomllib.loads(path.read_text(encoding="utf-8"))
    assert load_settings(tmp_path).allow_plain_http is False
    save_settings(tmp_path, Settings(allow_plain_http=True))
    assert tomllib.loads(path.read_text(encoding="utf-8"))["sync"] == {"allow_plain_http": True}
    assert load_settings(tmp_path).allow_plain_http is True
    # Edited by hand (no page shows it): it is not an unsaved edit of a settings form.
    assert Settings(allow_plain_http=True) == Settings()
    for text, key in (('[sync]\nallow_plain_http = "yes"\n', "sync.allow_plain_http"),
                      ('sync = 1\n', "sync")):
        path.write_text(text, encoding="utf-8")
        s = load_settings(tmp_path)
        assert s.allow_plain_http is False and s.warnings == [f"设置项“{key}”的值无效，已使用默认值"]


def test_all_zero_weights_are_refused(tmp_path: Path) -> None:
    zero = dict.fromkeys(DEFAULT_WEIGHTS, 0.0)
    with pytest.raises(ValueError, match="不能全为0"):
        save_settings(tmp_path, Settings(assessment_weights=zero))
    assert not (tmp_path / SETTINGS_FILE).exists()
    body = "\n".join(f"{k} = 0" for k in DEFAULT_WEIGHTS)
    (tmp_path / SETTINGS_FILE).write_text(f"[assessment_weights]\n{body}\n", encoding="utf-8")
    assert load_settings(tmp_path).assessment_weights == DEFAULT_WEIGHTS


def test_save_refuses_bad_settings_and_keeps_the_old_file(tmp_path: Path) -> None:
    save_settings(tmp_path, Settings(backup_keep=20))
    before = (tmp_path / SETTINGS_FILE).read_bytes()
    for bad in (Settings(backup_keep=0), Settings(server_url="sync.example"),
                Settings(role="boss"), Settings(form_period_days=1000),
                Settings(catalogue_extensions={"industry": [("fungi", "蘑菇")]})):
        with pytest.raises(ValueError):
            save_settings(tmp_path, bad)
        assert (tmp_path / SETTINGS_FILE).read_bytes() == before


def test_normalised_weights_sum_to_one() -> None:
    s = Settings(assessment_weights={**DEFAULT_WEIGHTS, "manual": 1.0})
    n = s.normalised_weights()
    assert sum(n.values()) == pytest.approx(1.0)
    assert n["manual"] == pytest.approx(1.0 / 1.9)


def test_check_extension_messages() -> None:
    assert check_extension("industry", "pepper", "花椒") is None
    assert check_extension("industry", "daylily", "金针") == "代码“daylily”已经存在，请换一个"
    assert check_extension("industry", "x", "黄花") == "名称“黄花”已经存在"
    assert check_extension("industry", "a b", "甲") is not None
    assert check_extension("industry", "", "甲") == "请填写代码"
    assert check_extension("industry", "p2", "花椒", [("pepper", "花椒")]) == "名称“花椒”已经存在"
    assert check_extension("relation", "x", "y") is not None  # not extensible
    assert problems(Settings()) == []


def test_extensions_reach_the_catalogue() -> None:
    s = Settings(catalogue_extensions={"measure_kind": [("loan2", "贴息贷款")]})
    kinds = cat.with_extensions(cat.MEASURE_KINDS, s.catalogue_extensions)
    assert kinds.codes()[-1] == "loan2"
    assert kinds.label("loan2") == kinds.label("loan2", "en") == "贴息贷款"
    assert kinds.code_for("贴息贷款") == "loan2"
    # Other catalogues are untouched, the built-in one is not modified.
    assert cat.with_extensions(cat.INDUSTRIES, s.catalogue_extensions) is cat.INDUSTRIES
    assert "loan2" not in cat.MEASURE_KINDS
    assert cat.with_extensions(cat.SEXES, {"sex": [("x", "其他")]}) is cat.SEXES


def test_legacy_gui_ini_values_move_once(tmp_path: Path) -> None:
    assert import_legacy(tmp_path, {"ui/lang": "en", "sync/server": "https://county:8443",
                                    "window/page": "visits"})
    s = load_settings(tmp_path)
    assert (s.language, s.server_url) == ("en", "https://county:8443")
    # A second start (or newer values) never overwrites the file.
    assert not import_legacy(tmp_path, {"ui/lang": "zh"})
    assert load_settings(tmp_path).language == "en"


def test_legacy_zh_and_nothing(tmp_path: Path) -> None:
    assert not import_legacy(tmp_path, {"window/page": "visits", "sync/server": ""})
    assert not (tmp_path / SETTINGS_FILE).exists()
    assert import_legacy(tmp_path, {"ui/lang": "zh", "sync/server": "not a url"})
    s = load_settings(tmp_path)
    assert (s.language, s.server_url, s.warnings) == ("zh_CN", "", [])


_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=8), st.lists(st.text(max_size=4), max_size=3))


@hsettings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["language", "role", "server_url", "backup_keep",
                                        "form_period_days", "assessment_weights",
                                        "catalogue_extensions", "sync", "other"]),
                       st.one_of(_values, st.dictionaries(st.text(max_size=12), _values,
                                                          max_size=3)), max_size=6))
def test_any_toml_content_loads_to_valid_settings(data: dict) -> None:
    """Whatever a person typed into the file, loading gives settings that can be saved."""
    import tempfile

    import tomli_w

    with tempfile.TemporaryDirectory() as folder:
        clean = {k: v for k, v in data.items() if v is not None}
        try:
            text = tomli_w.dumps(clean)
        except (TypeError, ValueError):
            return  # not expressible in TOML (e.g. None inside a list)
        (Path(folder) / SETTINGS_FILE).write_text(text, encoding="utf-8")
        s = load_settings(folder)
        assert problems(s) == []
        save_settings(folder, s)
        back = load_settings(folder)
        assert back == s and back.allow_plain_http == s.allow_plain_http
