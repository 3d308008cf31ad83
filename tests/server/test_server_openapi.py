"""The server answers as its OpenAPI document says: schemathesis, every check, against a real
server on both databases, logged in as an administrator so the authenticated routes run
their real work too (docs/server.md, "Errors and limits")."""

from __future__ import annotations

import httpx
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from serverlib import RunningServer

PASSWORD = "openapi-pass-1"
TEAM = "店湾镇工作队"
MEMBER = "wang"

# Statuses a request may get. Schema-valid data: success, or a refusal by a rule of the
# county's data that no schema can state (400 unknown_village, team_exists 409, …), never
# 422. Schema-violating data: refused (413: a batch over 20,000 changes, batch_too_large).
ACCEPTED = ["2xx", "400", "401", "403", "404", "409", "429"]
REFUSED = ["400", "401", "403", "404", "405", "409", "413", "422", "429"]


def schemathesis_config(token: str, max_examples: int) -> SchemathesisConfig:
    """Every check and every phase, a fixed seed and a bounded number of examples."""
    return SchemathesisConfig.from_dict({
        "seed": 20261206,
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"max-examples": max_examples, "database": "none"},
        "phases": {"enabled": True},
        "checks": {
            "enabled": True,
            "positive_data_acceptance": {"expected-statuses": ACCEPTED},
            "negative_data_rejection": {"expected-statuses": REFUSED},
        },
        # The account edits go to a member account: an edit of the administrator's own
        # password would end the login the run uses (as the protocol says it must).
        "operations": [
            {"include-path": "/api/v1/admin/accounts/{name}", "parameters": {"name": MEMBER}},
            {"include-path": "/api/v1/admin/teams/{name}", "parameters": {"name": TEAM}},
            # Bytes that do not hash to their name are refused (422 hash_mismatch): the one
            # rule here no schema can state.
            {"include-path": "/api/v1/attachments/{sha256}", "include-method": "PUT",
             "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}}},
        ],
    })


def failures_of(run: events.EngineEvent, found: list[str]) -> None:
    """Add the failed checks and errors an engine event reports to ``found``."""
    if isinstance(run, events.ScenarioFinished | events.FuzzScenarioFinished):
        for case_id, checks in run.recorder.checks.items():
            for check in checks:
                if check.status == Status.FAILURE and check.failure_info is not None:
                    node = run.recorder.cases.get(case_id)
                    where = f"{node.value.method} {node.value.formatted_path}" if node else run.recorder.label
                    failure = check.failure_info.failure
                    answer = run.recorder.interactions.get(case_id)
                    got = (f"[{answer.response.status_code}] {answer.response.content[:300]!r}"
                           if answer is not None and answer.response is not None else "")
                    found.append(f"{where}: {check.name}: {failure.title}\n{failure.message}\n"
                                 f"{got}\n{check.failure_info.code_sample}")
    elif isinstance(run, events.NonFatalError):
        found.append(f"{run.label}: error: {run.value!r}")
    elif isinstance(run, events.FatalError):
        found.append(f"fatal: {run.exception!r}")
    elif isinstance(run, events.EngineFinished):
        found += [f"run: {f.title}\n{f.message}" for f in run.failures]


def test_every_answer_matches_the_openapi_document(server: RunningServer) -> None:
    server.add_user("root", "admin", "", PASSWORD)
    # Real data for the routes to work on: a county, a team on a village, a member account.
    done = server.cli("init", "--county", "140226")
    assert done.returncode == 0, done.stderr
    token = server.login("root", PASSWORD)["access_token"]
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as c:
        assert c.post("/api/v1/admin/teams", json={"name": TEAM, "unit": "左云县财政局",
                                                   "villages": ["140226102207"]}).status_code == 201
        assert c.post("/api/v1/admin/accounts", json={"name": MEMBER, "role": "member",
                                                      "password": PASSWORD, "team": TEAM}).status_code == 201

    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json",
                                           config=schemathesis_config(token, max_examples=15))
    found: list[str] = []
    finished = False
    for event in from_schema(schema).execute():
        failures_of(event, found)
        finished = finished or isinstance(event, events.EngineFinished)
    assert finished
    assert not found, f"{len(found)} mismatches:\n\n" + "\n\n".join(found[:20])
    # The run was logged in throughout: the token still works.
    assert httpx.get(f"{server.url}/api/v1/me",
                     headers={"Authorization": f"Bearer {token}"}).status_code == 200
