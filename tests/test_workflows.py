"""The GitHub Actions workflows nufa ships: its own CI and release, and the one `nufa init`
writes. Every action is pinned by full commit SHA with its tag in a comment, one SHA per
action across all of them; actionlint, where installed, finds nothing to complain about."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import PROJECT

from nufa_cli.edit.init import files

OWN = sorted((PROJECT / ".github" / "workflows").glob("*.yml"))
INIT = "templates/init/dot-github/workflows/nufa.yml"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
PINNED = re.compile(r"(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})")
TAG_COMMENT = re.compile(r"^\s+#\s*v\d+(\.\d+)*\s*$")


def workflow_texts() -> dict[str, str]:
    texts = {p.relative_to(PROJECT).as_posix(): p.read_text(encoding="utf-8") for p in OWN}
    texts[INIT] = (PROJECT / INIT).read_text(encoding="utf-8")
    return texts


def uses_lines(text: str) -> list[tuple[str, str]]:
    return [(m["ref"], m["rest"]) for line in text.splitlines() if (m := USES.match(line))]


def triggers(flow: dict) -> dict:
    return flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true


def test_the_project_has_a_ci_and_a_release_workflow() -> None:
    assert [p.name for p in OWN] == ["ci.yml", "release.yml"]


@pytest.mark.parametrize("name", sorted(workflow_texts()))
def test_every_action_is_pinned_by_sha_with_its_version_in_a_comment(name: str) -> None:
    used = uses_lines(workflow_texts()[name])
    assert used, f"{name} uses no action"
    for ref, rest in used:
        assert PINNED.fullmatch(ref), f"{name}: {ref} is not pinned by a 40-hex commit SHA"
        assert TAG_COMMENT.match(rest), f"{name}: {ref} has no '# vN' comment naming its tag"


def test_one_action_has_one_sha_and_tag_everywhere() -> None:
    seen: dict[str, set[str]] = {}
    for text in workflow_texts().values():
        for ref, rest in uses_lines(text):
            action, _, sha = ref.partition("@")
            seen.setdefault(action, set()).add(f"{sha}{rest.strip()}")
    assert {a: pins for a, pins in seen.items() if len(pins) > 1} == {}


def test_every_job_has_a_timeout() -> None:
    for name, text in workflow_texts().items():
        for job_name, job in yaml.safe_load(text)["jobs"].items():
            assert 0 < job.get("timeout-minutes", 0) <= 60, f"{name}: job {job_name}"


def test_ci_runs_the_ci_entry_point_on_pull_requests_and_pushes() -> None:
    flow = yaml.safe_load((PROJECT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    on = triggers(flow)
    assert "pull_request" in on and "push" in on
    runs = [step.get("run", "") for job in flow["jobs"].values() for step in job["steps"]]
    assert "bash .ci/run" in runs
    assert flow["permissions"] == {"contents": "read"}


def test_release_tests_builds_and_publishes_tags_by_trusted_publishing() -> None:
    flow = yaml.safe_load((PROJECT / ".github/workflows/release.yml").read_text(encoding="utf-8"))
    assert triggers(flow) == {"push": {"tags": ["v*"]}}
    jobs = flow["jobs"]
    assert jobs["build"]["needs"] == "test" and jobs["publish"]["needs"] == "build"
    assert [s.get("run") for s in jobs["test"]["steps"]][-1] == "bash .ci/run"
    assert "python -m build" in [s.get("run") for s in jobs["build"]["steps"]]
    publish = jobs["publish"]
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    assert str(publish["steps"][-1]["uses"]).startswith("pypa/gh-action-pypi-publish@")
    assert "password" not in str(publish["steps"][-1].get("with", {}))
    tag_check = next(s for s in jobs["build"]["steps"] if s.get("name") == "The tag is the version")
    assert "__version__" in tag_check["run"] and "$TAG" in tag_check["run"]


ACTIONLINT = shutil.which("actionlint")


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint is not installed (on PATH); install "
                    "it to validate the workflows, e.g. go install "
                    "github.com/rhysd/actionlint/cmd/actionlint@latest")
def test_actionlint_accepts_every_workflow(tmp_path: Path) -> None:
    written = []
    for name, text in workflow_texts().items():
        path = tmp_path / ".github" / "workflows" / Path(name).name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    # the workflow as nufa init writes it (templated), too
    generated = tmp_path / ".github" / "workflows" / "init-generated.yml"
    generated.write_bytes(files(dt.date(2025, 3, 12))[".github/workflows/nufa.yml"])
    written.append(generated)
    result = subprocess.run([str(ACTIONLINT), "-no-color", *map(str, written)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, "")
