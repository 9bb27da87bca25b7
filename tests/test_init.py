"""`nufa init`: a new repository that checks clean, refuses to overwrite, and ships a sound CI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from helpers import PROJECT, Nufa, tree_hashes

from nufa_cli import REPOSITORY, __version__
from nufa_cli.check.validate import check
from nufa_cli.core.errors import Severity
from nufa_cli.edit.init import (
    BadNufaSource,
    TargetNotEmpty,
    example_date,
    files,
    hook_source,
    init,
    requirement_lines,
)
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
        "medlemmer.yaml", "nufa.yaml", "requirements.txt", f"{MEETING}/agenda.yaml",
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
    assert repo == {"repo": REPOSITORY, "rev": f"v{__version__}", "hooks": [{"id": "nufa-check"}]}
    (hook,) = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "nufa-check", "nufa check", "python", False)


def test_the_repository_url_is_written_once_for_pyproject_and_init() -> None:
    import tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["urls"]["Repository"] == REPOSITORY


@pytest.mark.parametrize(("source", "hook"), [
    ("git+https://github.com/org/nufa@v1.2.3", ("https://github.com/org/nufa", "v1.2.3")),
    ("git+https://github.com/org/nufa", ("https://github.com/org/nufa", f"v{__version__}")),
    ("git+ssh://git@example.org/org/nufa.git@main#egg=nufa",
     ("ssh://git@example.org/org/nufa.git", "main")),
    ("https://pkgs.example.org/simple", (REPOSITORY, f"v{__version__}")),
])
def test_the_hook_follows_a_git_nufa_source(source: str, hook: tuple[str, str]) -> None:
    assert hook_source(source) == hook
    config = yaml.safe_load(files(DATO, source)[".pre-commit-config.yaml"])
    assert (config["repos"][0]["repo"], config["repos"][0]["rev"]) == hook


def test_readme_is_norwegian_and_names_the_commands(fresh: Path) -> None:
    readme = (fresh / "README.md").read_text(encoding="utf-8")
    for text in ("nufa check", "nufa build", "nufa site", "build/site/index.html",
                 "requirements.txt", f"meetings/{DATO.isoformat()}/", "Hensikt med saken",
                 "## Et nytt møte", "nufa build --offentlig", "build/<møte>/offentlig/"):
        assert text in readme


def test_readme_walks_through_the_commands_in_the_order_of_the_work(fresh: Path) -> None:
    readme = (fresh / "README.md").read_text(encoding="utf-8")
    steps = ["    nufa new meeting ", "    nufa new sak ", "    nufa check", "    nufa build ",
             "    nufa referat ", "    nufa diff"]
    positions = [readme.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "nufa serve" not in readme  # not a command (yet)


def test_readme_says_why_the_repository_must_be_private(fresh: Path) -> None:
    readme = (fresh / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Hvorfor repositoriet må være privat"):]
    for text in ("skjermet:", "privat", "klartekst", "git-historikken"):
        assert text in section


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
    clashing = len(files(DATO)) - 2  # README.md stays (the guide goes to NUFA.md), .gitignore merges
    assert err.startswith(f"error: {clashing} file(s) already exist in {fresh}; "
                          "nothing was written:\n  .github/workflows/nufa.yml\n")
    assert "  README.md\n" not in err and "  .gitignore\n" not in err
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
    assert "NUFA_SPEC" not in (fresh / WORKFLOW).read_text(encoding="utf-8")  # nothing to set up


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
    assert "nufa build --offentlig" in text
    uploads = {str(s.get("uses", "")).split("@")[0]: s.get("with", {}) for s in publish["steps"]}
    # only the public set, never all of build/ (the members' documents may show what is skjermet)
    assert uploads["actions/upload-artifact"]["path"].split() == ["build/*/offentlig/",
                                                                   "build/site/"]
    assert uploads["actions/upload-pages-artifact"]["path"] == "build/site"
    assert deploy["needs"] == "publish"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [str(s["uses"]).split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert "default_branch" in publish["if"]


def test_ci_installs_exactly_the_version_that_wrote_it_and_caches_pip(fresh: Path) -> None:
    requirements = [line for line in (fresh / "requirements.txt").read_text().splitlines()
                    if line and not line.startswith("#")]
    assert requirements == [f"nufa=={__version__}"]
    for job in ("check", "publish"):
        steps = workflow(fresh)["jobs"][job]["steps"]
        install = next(s for s in steps if s.get("name") == "Install nufa")
        assert install["run"] == "python -m pip install -r requirements.txt"
        setup = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@"))
        assert setup["with"]["cache"] == "pip"
        assert (fresh / setup["with"]["cache-dependency-path"]).is_file()
        assert 0 < workflow(fresh)["jobs"][job]["timeout-minutes"] <= 30


@pytest.mark.parametrize(("source", "lines"), [
    (None, [f"nufa=={__version__}"]),
    ("git+https://github.com/org/nufa@v1.2.3", ["nufa @ git+https://github.com/org/nufa@v1.2.3"]),
    ("https://pkgs.example.org/simple", ["--index-url https://pkgs.example.org/simple",
                                         f"nufa=={__version__}"]),
    ("nufa @ https://files.example.org/nufa-1.0.0-py3-none-any.whl",
     ["nufa @ https://files.example.org/nufa-1.0.0-py3-none-any.whl"]),
])
def test_nufa_source_forms(source: str | None, lines: list[str]) -> None:
    assert requirement_lines(source) == lines
    written = files(DATO, source)["requirements.txt"].decode().splitlines()
    assert [line for line in written if not line.startswith("#")] == lines


@pytest.mark.parametrize("source", ["", "pip", "--extra-index-url x", "nufa\nevil", "ftp://x"])
def test_a_bad_nufa_source_is_a_usage_error_and_writes_nothing(
        source: str, tmp_path: Path, nufa: Nufa) -> None:
    with pytest.raises(BadNufaSource):
        requirement_lines(source)
    code, out, err = nufa("init", str(tmp_path / "ny"), "--nufa-source", source)
    assert (code, out) == (2, "")
    assert err.startswith("error: --nufa-source ")
    assert not (tmp_path / "ny").exists()


# -- nufa init . in a new GitHub repository ---------------------------------------------------------

GITHUB_GITIGNORE = "# Byte-compiled\n__pycache__/\n.venv\n/build/\n*.egg-info/"  # no final newline


@pytest.fixture
def github_repo(tmp_path: Path) -> Path:
    root = tmp_path / "sekretariat"
    root.mkdir()
    (root / "README.md").write_text("# sekretariat\nMøtedokumentene våre\n", encoding="utf-8")
    (root / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    (root / ".gitignore").write_text(GITHUB_GITIGNORE, encoding="utf-8")
    return root


def test_init_in_a_new_github_repository_keeps_its_files(github_repo: Path, nufa: Nufa) -> None:
    readme, licence = (github_repo / n for n in ("README.md", "LICENSE"))
    before = {p: p.read_bytes() for p in (readme, licence)}
    code, out, err = nufa("init", ".", "--dato", DATO.isoformat(), cwd=github_repo)
    assert (code, err) == (0, "")
    assert {p: p.read_bytes() for p in (readme, licence)} == before
    assert "wrote NUFA.md\n" in out and "kept README.md\n" in out
    assert "'Det som skjer på GitHub' in NUFA.md" in out
    guide = (github_repo / "NUFA.md").read_text(encoding="utf-8")
    assert guide == files(DATO)["README.md"].decode("utf-8")
    # GitHub's Python .gitignore ignores .venv and /build/ already: nothing to add
    assert "kept .gitignore\n" in out
    assert (github_repo / ".gitignore").read_text(encoding="utf-8") == GITHUB_GITIGNORE
    assert check(github_repo)[1] == []


def test_a_gitignore_lacking_nufas_lines_gets_them_once(github_repo: Path) -> None:
    (github_repo / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    result = init(github_repo, DATO)
    assert result.extended == [".gitignore"]
    text = (github_repo / ".gitignore").read_text(encoding="utf-8")
    assert text == ("node_modules/\n\n# Det nufa bygger (dokumenter og nettsted) hører ikke "
                    "hjemme i git: CI bygger dem.\nbuild/\n.venv/\n")
    assert check(github_repo)[1] == []


def test_a_second_init_refuses_only_the_files_nufa_wrote(github_repo: Path) -> None:
    init(github_repo, DATO)
    before = tree_hashes(github_repo)
    with pytest.raises(TargetNotEmpty) as refused:
        init(github_repo, DATO)
    assert "README.md" not in refused.value.existing and "LICENSE" not in refused.value.existing
    assert ".gitignore" not in refused.value.existing
    assert "NUFA.md" in refused.value.existing and "nufa.yaml" in refused.value.existing
    assert tree_hashes(github_repo) == before


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
