"""The issue's 'done means', run locally: a new secretariat's repository from `nufa init`,
committed; a pull request changes one time and one forslag til vedtak; the steps the CI
workflow runs (check with annotations, diff against the base) show exactly that; after the
merge, build and site publish the documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import Nufa, git, git_repo

from nufa_cli.edit.init import init

DATO = "2025-03-12"
AGENDA = f"meetings/{DATO}/agenda.yaml"
NOTE = f"meetings/{DATO}/toppnotater/2-25-eksempelsak.md"
pytestmark = pytest.mark.e2e


def workflow_runs(root: Path) -> str:
    jobs = yaml.safe_load((root / ".github/workflows/nufa.yml").read_text(encoding="utf-8"))["jobs"]
    return "\n".join(str(step.get("run", "")) for job in jobs.values() for step in job["steps"])


def test_a_pull_request_changing_a_time_and_a_forslag_shows_exactly_that(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nufa: Nufa) -> None:
    import datetime as dt

    root = tmp_path / "sekretariat"
    init(root, dt.date.fromisoformat(DATO))
    git_repo(root, message="nufa init")
    base = git(root, "rev-parse", "HEAD")
    runs = workflow_runs(root)
    assert "nufa check --format github" in runs and "nufa diff" in runs

    # the pull request: Eventuelt moves to 11:50, the example sak's forslag til vedtak changes
    git(root, "switch", "-q", "-c", "endre-tid")
    agenda = root / AGENDA
    text = agenda.read_text(encoding="utf-8")
    assert text.count('tid: "11:45"') == 1
    agenda.write_text(text.replace('tid: "11:45"', 'tid: "11:50"'), encoding="utf-8")
    note = root / NOTE
    front = note.read_text(encoding="utf-8")
    old = yaml.safe_load(front.split("---")[1])["forslag_til_vedtak"].strip()
    new = old.replace("drøftet saken", "drøftet saken grundig")
    assert new != old
    note.write_text(front.replace("drøftet saken", "drøftet saken grundig", 1), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Flytt eventuelt, skjerp forslaget")

    code, out, err = nufa("check", "--format", "github", cwd=root)
    assert code == 0 and "::error" not in out

    code, out, _ = nufa("diff", base, "--format", "json", cwd=root)
    assert code == 0
    changes = json.loads(out)
    assert sorted(c["kind"] for c in changes) == ["forslag-til-vedtak", "retimed"]
    retimed = next(c for c in changes if c["kind"] == "retimed")
    assert "11:45" in str(retimed["before"]) and "11:50" in str(retimed["after"])

    code, markdown, _ = nufa("diff", base, cwd=root)
    assert code == 0 and "grundig" in markdown

    # the merge, then what the push job runs
    git(root, "switch", "-q", "main")
    git(root, "merge", "-q", "--ff-only", "endre-tid")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741737600")
    code, _, err = nufa("build", "--offentlig", cwd=root)
    assert code == 0, err
    code, _, err = nufa("site", cwd=root)
    assert code == 0, err
    index = (root / "build/site/index.html").read_text(encoding="utf-8")
    assert 'lang="nb"' in index and "innkalling.pdf" in index
