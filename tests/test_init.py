"""`nufa init`: a new repository that checks clean, refuses to overwrite, and ships a sound CI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from helpers import Nufa, tree_hashes

from nufa_cli.check.validate import check
from nufa_cli.core.errors import Severity
from nufa_cli.edit.init import TargetNotEmpty, example_date, files, init
from nufa_cli.publish.site import generate
from nufa_cli.sources.jsonschema import json_schemas

DATO = dt.date(2025, 3, 12)
MEETING = "meetings/2025-03-12"
WORKFLOW = ".github/workflows/nufa.yml"


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    init(tmp_path / "repo", DATO)
    return tmp_path / "repo"


def workflow(root: Path) -> dict:
    return yaml.safe_load((root / WORKFLOW).read_text(encoding="utf-8"))


def steps_text(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job["steps"])


# -- what is written -------------------------------------------------------------------------------


def test_writes_every_file_of_a_new_repository(fresh: Path) -> None:
    written = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    assert written == sorted([
        ".github/workflows/nufa.yml", ".gitignore", ".pre-commit-config.yaml", "README.md",
        "medlemmer.yaml", "nufa.yaml", f"{MEETING}/agenda.yaml",
        f"{MEETING}/toppnotater/2-25-eksempelsak.md",
        *(f"schemas/{name}" for name in json_schemas()),
    ])


def test_new_repository_checks_with_no_errors_and_no_warnings(fresh: Path) -> None:
    repo, diagnostics = check(fresh)
    assert diagnostics == []
    (meeting,) = repo.meetings
    assert meeting.number == "1/25"
    assert [str(s.nr) for s in meeting.saker] == ["1/25", "2/25", "3/25"]
    assert meeting.saker[0].tittel.startswith("Godkjenning")
    assert meeting.saker[-1].tittel == "Eventuelt"
    note = meeting.saker[1].toppnotat
    assert note is not None
    assert [line for line in note.body.splitlines() if line.startswith("## ")] == [
        "## Hensikt med saken", "## Bakgrunn", "## Videre saksprosess"]
    assert len(meeting.members) >= 3


def test_nufa_check_command_passes_in_the_new_repository(
        fresh: Path, nufa: Nufa) -> None:
    assert nufa("check", cwd=fresh) == (0, "All sources are valid.\n", "")


def test_schemas_are_nufa_schemas_and_yaml_files_point_to_them(fresh: Path) -> None:
    for name, text in json_schemas().items():
        assert (fresh / "schemas" / name).read_text(encoding="utf-8") == text
    for rel, schema in [("nufa.yaml", "schemas/nufa.schema.json"),
                        ("medlemmer.yaml", "schemas/medlemmer.schema.json"),
                        (f"{MEETING}/agenda.yaml", "../../schemas/agenda.schema.json")]:
        first = (fresh / rel).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={schema}"
        assert (fresh / rel).parent.joinpath(schema).resolve().is_file()
        json.loads((fresh / rel).parent.joinpath(schema).read_text(encoding="utf-8"))


def test_gitignore_and_pre_commit_hook(fresh: Path) -> None:
    ignored = [line for line in (fresh / ".gitignore").read_text().splitlines()
               if line and not line.startswith("#")]
    assert ignored == ["build/", ".venv/"]
    config = yaml.safe_load((fresh / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    (hook,) = repo["hooks"]
    assert repo["repo"] == "local"
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "nufa check", "system", False)


def test_readme_is_norwegian_and_names_the_commands(fresh: Path) -> None:
    readme = (fresh / "README.md").read_text(encoding="utf-8")
    for text in ("nufa check", "nufa build", "nufa site", "build/site/index.html", "NUFA_SPEC",
                 f"meetings/{DATO.isoformat()}/", "Hensikt med saken", "## Et nytt møte"):
        assert text in readme


def test_output_is_a_function_of_the_date() -> None:
    assert files(DATO) == files(DATO)
    assert files(dt.date(2026, 9, 2)).keys() != files(DATO).keys()


def test_default_date_is_a_wednesday_four_to_five_weeks_ahead() -> None:
    for offset in range(7):
        today = dt.date(2025, 12, 1) + dt.timedelta(days=offset)
        day = example_date(today)
        assert day.weekday() == 2
        assert 28 <= (day - today).days < 35


# -- refusing to overwrite -------------------------------------------------------------------------


def test_refuses_a_folder_with_nufa_yaml_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / "nufa.yaml").write_text("utvalg: {kortnavn: EGET}\n", encoding="utf-8")
    (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = tree_hashes(tmp_path)
    with pytest.raises(TargetNotEmpty) as refused:
        init(target, DATO)
    assert refused.value.existing == ["nufa.yaml"]
    assert tree_hashes(tmp_path) == before


def test_lists_every_existing_file_and_exits_1(
        fresh: Path, nufa: Nufa) -> None:
    (fresh / "README.md").write_text("changed\n", encoding="utf-8")
    before = tree_hashes(fresh)
    code, out, err = nufa("init", str(fresh), "--dato", DATO.isoformat())
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {len(files(DATO))} file(s) already exist in {fresh}; "
                          "nothing was written:\n  .github/workflows/nufa.yml\n")
    assert f"  {MEETING}/agenda.yaml\n" in err
    assert tree_hashes(fresh) == before


def test_a_file_where_a_folder_must_go_is_refused(tmp_path: Path) -> None:
    (tmp_path / "schemas").write_text("not a folder\n", encoding="utf-8")
    before = tree_hashes(tmp_path)
    with pytest.raises(TargetNotEmpty) as refused:
        init(tmp_path, DATO)
    assert refused.value.existing == ["schemas"]
    assert tree_hashes(tmp_path) == before


def test_an_unrelated_folder_is_fine_and_missing_folders_are_created(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "old.txt").write_text("kept\n", encoding="utf-8")
    result = init(tmp_path / "a" / "b", DATO)
    assert (tmp_path / "a" / "b" / "nufa.yaml").is_file()
    assert "nufa.yaml" in result.written
    init(tmp_path, DATO)
    assert (tmp_path / "docs" / "old.txt").read_text(encoding="utf-8") == "kept\n"


def test_command_prints_what_it_wrote_and_the_next_steps(
        tmp_path: Path, nufa: Nufa) -> None:
    code, out, err = nufa("init", "ny", "--dato", DATO.isoformat(), cwd=tmp_path)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[: len(files(DATO))] == [f"wrote {name}" for name in files(DATO)]
    assert "  cd ny" in lines
    assert any(line.startswith("  git init") for line in lines)
    assert (tmp_path / "ny" / "nufa.yaml").is_file()


# -- the CI workflow -------------------------------------------------------------------------------


def test_workflow_triggers_and_default_permissions(fresh: Path) -> None:
    flow = workflow(fresh)
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    assert flow["permissions"] == {"contents": "read"}
    assert "NUFA_SPEC" in flow["env"]


def test_pull_request_job_checks_with_annotations_and_comments_the_diff(fresh: Path) -> None:
    job = workflow(fresh)["jobs"]["check"]
    assert "pull_request" in job["if"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    text = steps_text(job)
    assert "nufa check --format github" in text
    assert 'nufa diff "$BASE_SHA"' in text
    assert "$GITHUB_STEP_SUMMARY" in text
    assert "gh pr comment" in text
    diff_step = next(s for s in job["steps"] if "nufa diff" in str(s.get("run", "")))
    assert diff_step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith(
        "actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_push_job_builds_publishes_and_deploys_pages(fresh: Path) -> None:
    jobs = workflow(fresh)["jobs"]
    publish, deploy = jobs["publish"], jobs["deploy"]
    text = steps_text(publish)
    assert "nufa build" in text and "nufa site" in text
    uploads = {str(s.get("uses", "")).split("@")[0]: s.get("with", {}) for s in publish["steps"]}
    assert uploads["actions/upload-artifact"]["path"].strip() == "build/"
    assert uploads["actions/upload-pages-artifact"]["path"] == "build/site"
    assert deploy["needs"] == "publish"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [str(s["uses"]).split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert "default_branch" in publish["if"]


def test_install_step_refuses_an_unset_nufa_spec(fresh: Path) -> None:
    for job in ("check", "publish"):
        install = next(s for s in workflow(fresh)["jobs"][job]["steps"]
                       if s.get("name") == "Install nufa")
        assert 'pip install "$NUFA_SPEC"' in install["run"]
        assert '[ -z "$NUFA_SPEC" ]' in install["run"]


# -- building the new repository -------------------------------------------------------------------


@pytest.mark.render
def test_new_repository_builds(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nufa_cli.build.orchestrator import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    result = build(fresh)
    assert not [d for d in result.diagnostics if d.severity is Severity.ERROR]
    built = sorted(p.relative_to(fresh / "build").as_posix()
                   for p in (fresh / "build").rglob("*") if p.suffix in (".docx", ".pdf", ".ics"))
    assert built
    assert all(name.startswith("2025-03-12/") for name in built)
    assert {Path(name).suffix for name in built} == {".docx", ".pdf", ".ics"}
    repo, _ = check(fresh)
    site = generate(repo, fresh / "build", fresh / "build" / "site")
    assert site.unbuilt == [] and site.withheld == []
    assert sorted(f for f in site.files if f != "style.css") == built
