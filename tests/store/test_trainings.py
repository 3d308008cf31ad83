"""Trainings with participants and certificates (人人持证): what the quarter counts (the
quarterly report's figures and the assessment), only the team's own, participants from the
team's households, 参训人次 at least the participants, update, delete and undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import dbfile
from workteam_desktop.domain.problems import DomainError
from workteam_desktop.reports.base import Quarter
from workteam_desktop.store import Store
from workteam_desktop.store import report_queries as rq
from workteam_desktop.store.assessment import team_indicators
from workteam_desktop.store.team import list_teams
from workteam_desktop.store.trainings import (
    ParticipantInput,
    TrainingInput,
    delete_training,
    list_trainings,
    member_choices,
    restore_training,
    save_training,
    training_counts,
    training_detail,
)

TODAY = dt.date.today()
QUARTER = Quarter.containing(TODAY)


def members_of(store: Store, team_id: str, n: int) -> list[dict]:
    """``n`` members of the team's households who have ID numbers."""
    return [m for m in member_choices(store, team_id, "", limit=200)
            if m["id_number_masked"]][:n]


def village_code(store: Store, team_id: str) -> str:
    with store.read() as cur:
        return cur.execute("SELECT a.code FROM team_area ta JOIN area a ON a.id = ta.area_id "
                           "WHERE ta.team_id = ? AND ta.deleted = 0", (team_id,)).fetchone()[0]


@pytest.fixture
def demo(demo_copy) -> Path:
    return demo_copy()


def test_participants_and_certificates_counted_in_the_quarter_for_their_team_only(demo: Path) -> None:
    with Store.open(demo) as store:
        ours, other = list_teams(store)[:2]
        scope = rq.resolve_scope(store, village_code(store, ours.id))
        before = rq.quarter_figures(store, scope, QUARTER.start, QUARTER.end)
        indicators = {t.team_id: t.trainings for t in team_indicators(store, QUARTER.code)}
        a, b, c = members_of(store, ours.id, 3)
        save_training(store, TrainingInput(
            ours.id, TODAY, "电焊工技能培训", trainer="县人社局", hours=16, attendees=25,
            participants=[ParticipantInput(a["id"], "电焊工证"), ParticipantInput(b["id"], ""),
                          ParticipantInput(c["id"], "焊工（初级）")]))
        # Another team's training with a certificate is not ours.
        [x] = members_of(store, other.id, 1)
        save_training(store, TrainingInput(other.id, TODAY, "家政服务培训", attendees=9,
                                           participants=[ParticipantInput(x["id"], "育婴员证")]))
        after = rq.quarter_figures(store, scope, QUARTER.start, QUARTER.end)
        assert after.trainings == before.trainings + 1
        assert after.training_attendees == before.training_attendees + 25
        assert after.training_participants == before.training_participants + 3
        assert after.training_certificates == before.training_certificates + 2
        counts = training_counts(store, ours.id, QUARTER.start, QUARTER.end)
        assert (counts.participants, counts.people, counts.certificates) == (
            after.training_participants, after.training_participants, 2)
        # The assessment's training count goes on counting each team's own trainings.
        now = {t.team_id: t.trainings for t in team_indicators(store, QUARTER.code)}
        assert now[ours.id] == indicators[ours.id] + 1
        assert now[other.id] == indicators[other.id] + 1
        # Next quarter counts none of them.
        nxt = Quarter(QUARTER.year + QUARTER.number // 4, QUARTER.number % 4 + 1)
        later = rq.quarter_figures(store, scope, nxt.start, nxt.end)
        assert later.training_certificates == 0


def test_participants_come_from_the_teams_households(demo: Path) -> None:
    with Store.open(demo) as store:
        ours, other = list_teams(store)[:2]
        [outsider] = members_of(store, other.id, 1)
        with pytest.raises(DomainError) as outside:
            save_training(store, TrainingInput(ours.id, TODAY, "电焊",
                                               participants=[ParticipantInput(outsider["id"])]))
        assert outside.value.problem.code == "member.outside_team"
        assert outsider["name"] in outside.value.message()
        with pytest.raises(DomainError) as unknown:
            save_training(store, TrainingInput(ours.id, TODAY, "电焊",
                                               participants=[ParticipantInput("没有这个人")]))
        assert unknown.value.problem.code == "member.not_found"
        a, b = members_of(store, ours.id, 2)
        with pytest.raises(DomainError) as few:
            save_training(store, TrainingInput(ours.id, TODAY, "电焊", attendees=1,
                                               participants=[ParticipantInput(a["id"]),
                                                             ParticipantInput(b["id"])]))
        assert few.value.problem.code == "training.attendees_below"
        assert few.value.field_name == "attendees"
        with pytest.raises(DomainError) as untitled:
            save_training(store, TrainingInput(ours.id, TODAY, "  "))
        assert untitled.value.field_name == "title"
        assert training_counts(store, ours.id, TODAY, TODAY).trainings == 0  # nothing written


def test_a_participant_by_name_id_number_or_its_tail(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from test_team import set_up_home

    home = set_up_home(tmp_path / "home", heads=8)  # 王建国 twice
    capsys.readouterr()
    with Store.open(home) as store:
        [team] = list_teams(store)
        with pytest.raises(DomainError) as twice:
            save_training(store, TrainingInput(team.id, TODAY, "电焊",
                                               participants=[ParticipantInput("王建国")]))
        assert twice.value.problem.code == "member.ambiguous"
        message = twice.value.message()
        assert message.count("王建国（1402**********") == 2  # the candidates, masked
        with store.read() as cur:
            first, second = [r[0] for r in cur.execute(
                "SELECT id_number FROM member WHERE name = '王建国' ORDER BY id_number")]
        training_id = save_training(store, TrainingInput(team.id, TODAY, "电焊", participants=[
            ParticipantInput(first, "电焊工证"), ParticipantInput(second[-4:]),
            ParticipantInput("李秀英")]))
        detail = training_detail(store, training_id)
        assert detail["attendees"] == 3  # not given: the participants listed
        assert sorted(p["certificate"] for p in detail["participants"]) == ["", "", "电焊工证"]
        assert all("*" in p["id_number_masked"] for p in detail["participants"])


def test_edit_delete_and_undo_keep_one_row_per_member(demo: Path) -> None:
    with Store.open(demo) as store:
        team = list_teams(store)[0]
        a, b, c = members_of(store, team.id, 3)
        training_id = save_training(store, TrainingInput(
            team.id, TODAY, "农业实用技术培训",
            participants=[ParticipantInput(a["id"], "x"), ParticipantInput(b["id"])]))
        save_training(store, TrainingInput(
            team.id, TODAY, "农业实用技术培训", attendees=10,
            participants=[ParticipantInput(b["id"], "农机驾驶证"), ParticipantInput(c["id"])]),
            training_id)
        save_training(store, TrainingInput(
            team.id, TODAY, "农业实用技术培训", attendees=10,
            participants=[ParticipantInput(a["id"]), ParticipantInput(b["id"], "农机驾驶证")]),
            training_id)  # a comes back: the old row revives, not a second one
        detail = training_detail(store, training_id)
        assert {p["member_id"]: p["certificate"] for p in detail["participants"]} == {
            a["id"]: "", b["id"]: "农机驾驶证"}
        db = dbfile.connect(demo / "workteam.sqlite3")
        try:
            rows = db.execute("SELECT member_id, count(*) FROM training_participant "
                              "WHERE training_id = ? GROUP BY member_id", (training_id,)).fetchall()
        finally:
            db.close()
        assert all(n == 1 for _m, n in rows)
        deleted = delete_training(store, training_id)
        assert training_id not in {r["id"] for r in list_trainings(store, team.id)}
        assert training_counts(store, team.id, TODAY, TODAY).certificates == 0
        restore_training(store, deleted)
        [row] = [r for r in list_trainings(store, team.id) if r["id"] == training_id]
        assert (row["participants"], row["certificates"], row["attendees"]) == (2, 1, 10)
