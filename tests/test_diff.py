"""`nufa diff` and `nufa build --changed-since`: what changed between two git revisions.

Each test builds a small git repository in tmp_path from the valid fixture, commits an
exact edit, and asserts the complete list of changes: nothing more may be reported.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import (
    AGENDA1,
    AGENDA2,
    M2,
    REFERAT1,
    TOPPNOTAT,
    Nufa,
    commit,
    git,
    git_repo,
    replace_once,
    tree_hashes,
    valid_repo,
    write_repo,
)

from nufa_cli.build import targets
from nufa_cli.build.changed import changed_meetings
from nufa_cli.diff.compare import diff
from nufa_cli.diff.format import NO_CHANGES, to_json, to_markdown, word_diff
from nufa_cli.git.snapshot import NotAGitRepository, UnknownRevision

pytestmark = pytest.mark.e2e  # git repositories
M3 = "meetings/2024-06-12"
AGENDA3_YAML = """\
sted: Oslo
dager:
  - dato: 2024-06-12
    start: "10:00"
    slutt: "15:00"
    program:
      - sak: 9/24
        tid: "10:00"
        tittel: Godkjenning av innkalling og dagsorden
        type: Godkjenning
"""


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The valid fixture, committed on main."""
    return git_repo(tmp_path / "repo", valid_repo())


def changes(root: Path, base: str | None = "HEAD~1", head: str | None = "HEAD") -> list[tuple]:
    return [(c.kind, c.meeting, c.sak, c.before, c.after) for c in diff(root, base, head).changes]


FORSLAG = "NUFA godkjenner innkalling, dagsorden og referatet fra januar."
NEW_FORSLAG = "NUFA godkjenner innkallingen, dagsorden og referatet fra møtet i januar."


def test_one_time_and_one_forslag_give_exactly_two_changes(repo: Path) -> None:
    edit(repo, AGENDA2, 'tid: "14:25"', 'tid: "14:20"')
    edit(repo, AGENDA2, FORSLAG, NEW_FORSLAG)
    commit(repo)

    assert changes(repo) == [
        ("forslag-til-vedtak", "2024-04-24", "4/24", FORSLAG, NEW_FORSLAG),
        ("retimed", "2024-04-24", "8/24", "14:25", "14:20"),
    ]
    assert diff(repo, "HEAD~1", "HEAD").notes == []  # vedlegg/plan.pdf is there at both
    assert to_markdown(diff(repo, "HEAD~1", "HEAD")).endswith(
        "## Møte 2/24 (24. – 25. april 2024)\n\n"
        "- Sak 4/24 *Godkjenning av innkalling, dagsorden og referat*: forslag til vedtak: "
        "NUFA godkjenner ~~innkalling,~~ **innkallingen,** dagsorden og referatet fra "
        "**møtet i** januar.\n"
        "- Sak 8/24 *Eventuelt*: tid 14:25 → 14:20\n")


def test_default_compares_the_branch_point_with_the_working_tree(nufa: Nufa, repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, AGENDA2, 'tid: "14:25"', 'tid: "14:20"')
    commit(repo)
    edit(repo, AGENDA2, FORSLAG, NEW_FORSLAG)  # uncommitted: the working tree counts

    assert changes(repo, None, None) == [
        ("forslag-til-vedtak", "2024-04-24", "4/24", FORSLAG, NEW_FORSLAG),
        ("retimed", "2024-04-24", "8/24", "14:25", "14:20"),
    ]
    result = nufa.process("diff", cwd=repo)
    assert result.code == 0, result.err
    assert result.out.startswith("Changes in the meeting sources from merge-base of HEAD "
                                    f"and main ({git(repo, 'rev-parse', '--short=7', 'main')}) "
                                    "to the working tree:\n")


def test_removed_sak_and_the_renumbering_after_it(repo: Path) -> None:
    """Sak 4/24 goes; 5/24 to 8/24 move up one number, the toppnotat renamed with its number."""
    edit(repo, AGENDA2, """\
      - sak: 4/24
        tid: "11:00"
        varighet: 10
        tittel: Godkjenning av innkalling, dagsorden og referat
        type: Godkjenning
        forslag_til_vedtak: NUFA godkjenner innkalling, dagsorden og referatet fra januar.
        vedlegg:
          - referat: 2024-01-24
      - sak: 5/24
        varighet: 45
        toppnotat: toppnotater/5-24-tannhelse.md
""", """\
      - sak: 4/24
        varighet: 45
        toppnotat: toppnotater/4-24-tannhelse.md
""")
    for old, new in (("sak: 6/24", "sak: 5/24"), ("sak: 7/24", "sak: 6/24"),
                     ("sak: 8/24", "sak: 7/24")):
        edit(repo, AGENDA2, old, new)
    edit(repo, TOPPNOTAT, "sak: 5/24", "sak: 4/24")
    git(repo, "mv", TOPPNOTAT, f"{M2}/toppnotater/4-24-tannhelse.md")
    commit(repo)

    m2 = "2024-04-24"
    assert changes(repo) == [
        ("renumbered", m2, "4/24", "5/24", "4/24"),
        ("retimed", m2, "4/24", "11:10", "11:00"),  # now the first row: it starts with the day
        ("toppnotat", m2, "4/24", "toppnotater/5-24-tannhelse.md",
         "toppnotater/4-24-tannhelse.md"),
        ("renumbered", m2, "5/24", "6/24", "5/24"),
        ("renumbered", m2, "6/24", "7/24", "6/24"),
        ("renumbered", m2, "7/24", "8/24", "7/24"),
        ("sak-removed", m2, "4/24", "Godkjenning, dag 1 kl. 11:00", None),
    ]


def test_added_sak(repo: Path) -> None:
    edit(repo, AGENDA2, """\
      - sak: 8/24
        tid: "14:25\"""", """\
      - sak: 8/24
        tid: "14:00"
        tittel: Nasjonal e-helsestrategi
        type: Drøfting
      - sak: 9/24
        tid: "14:25\"""")
    commit(repo)

    assert changes(repo) == [
        ("sak-added", "2024-04-24", "8/24", None, "Drøfting, dag 2 kl. 14:00"),
        ("renumbered", "2024-04-24", "9/24", "8/24", "9/24"),
    ]


def test_sak_moved_to_another_day(repo: Path) -> None:
    edit(repo, AGENDA1, """\
      - sak: 2/24
        tid: "10:15"
        tittel: Orientering fra Helsedirektoratet
        type: Orientering
""", "")
    edit(repo, AGENDA1, """\
      - sak: 3/24
        tid: "09:00\"""", """\
      - sak: 2/24
        tid: "09:00"
        tittel: Orientering fra Helsedirektoratet
        type: Orientering
      - sak: 3/24
        tid: "11:00\"""")
    commit(repo)

    m1 = "2024-01-24"
    assert changes(repo) == [
        ("moved", m1, "2/24", "Møte 1/24, dag 1", "Møte 1/24, dag 2"),
        ("retimed", m1, "2/24", "10:15", "09:00"),
        ("retimed", m1, "3/24", "09:00", "11:00"),
    ]


def test_sak_moved_to_another_meeting(repo: Path) -> None:
    edit(repo, AGENDA1, """\
      - sak: 2/24
        tid: "10:15"
        tittel: Orientering fra Helsedirektoratet
        type: Orientering
""", "")
    edit(repo, AGENDA1, "sak: 3/24", "sak: 2/24")
    edit(repo, AGENDA2, "      - sak: 8/24\n", """\
      - sak: 8/24
        tid: "14:00"
        tittel: Orientering fra Helsedirektoratet
        type: Orientering
      - sak: 9/24
""")
    commit(repo)

    assert changes(repo) == [
        ("renumbered", "2024-01-24", "2/24", "3/24", "2/24"),
        # the referat still has the vedtak of the old 2/24 under "## 2/24"
        ("vedtak", "2024-01-24", "2/24", "NUFA tar eventuelt til orientering.",
         "NUFA tar saken til orientering."),
        ("referat-text", "2024-01-24", "2/24", "Ingen saker under eventuelt.",
         "Mariann Hornnes, Helsedirektoratet, orienterte NUFA om aktuelle saker.\n\n"
         "- Noen høydepunkter fra 2023"),
        ("moved", "2024-04-24", "8/24", "Møte 1/24, dag 1", "Møte 2/24, dag 2"),
        ("renumbered", "2024-04-24", "8/24", "2/24", "8/24"),
        ("retimed", "2024-04-24", "8/24", "10:15", "14:00"),
        ("vedtak", "2024-04-24", "8/24", "NUFA tar saken til orientering.", None),
        ("renumbered", "2024-04-24", "9/24", "8/24", "9/24"),
    ]


def test_sources_in_a_subfolder_of_the_git_repository(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo" / "docs", valid_repo())
    git_repo(root.parent)
    edit(root, AGENDA2, 'tid: "14:25"', 'tid: "14:20"')

    assert changes(root, "HEAD", None) == [("retimed", "2024-04-24", "8/24", "14:25", "14:20")]
    assert changed_meetings(root, "HEAD") == {"2024-04-24"}


def test_member_joined(repo: Path) -> None:
    (repo / "medlemmer.yaml").write_text(
        (repo / "medlemmer.yaml").read_text(encoding="utf-8")
        + "  - navn: Kari Nordmann\n    virksomhet: Norsk Helsenett SF\n    fra: 2024-02-01\n",
        encoding="utf-8")
    commit(repo)

    joined = "Kari Nordmann, Norsk Helsenett SF (fra 1. februar 2024)"
    assert changes(repo) == [
        ("member-joined", None, None, None, joined),  # the registry
        ("member-joined", "2024-04-24", None, None, joined),  # the member list of Møte 2/24
    ]
    markdown = to_markdown(diff(repo, "HEAD~1", "HEAD"))
    assert "## Utvalget (nufa.yaml, medlemmer.yaml)\n\n- Member joined: Kari Nordmann" in markdown
    assert "- Member joined the meeting's medlemmer: Kari Nordmann" in markdown


def test_attendance_changed(repo: Path) -> None:
    edit(repo, REFERAT1, "  - jon-gupta\n  - {medlem: sissel-skarsgard, dager: [2]}\n",
         "  - sissel-skarsgard\n")
    commit(repo)

    assert changes(repo) == [
        ("attendance", "2024-01-24", None, "ikke til stede", "til stede"),
        ("attendance", "2024-01-24", None, "ikke til stede dag 2", "ikke til stede"),
    ]
    assert [c.title for c in diff(repo, "HEAD~1", "HEAD").changes] == [
        "Jon Gupta", "Sissel Skarsgård"]


def test_protokoll_changes_in_the_secretariats_words(repo: Path) -> None:
    """Who left, who was inhabil, the votes and the møteleder: each a change of its own."""
    edit(repo, REFERAT1, "  - jon-gupta\n",
         "  - jon-gupta\n  - {medlem: ola-josendal, fra_sak: 3/24, forfall: true}\n")
    edit(repo, REFERAT1, "sekretariat:", "møteleder: hans-lowe-larsen\ninhabil:\n"
         "  - {medlem: jim-j-yang, saker: [2/24], grunnlag: fvl. § 6}\nvoteringer:\n"
         "  - {sak: 2/24, for: 3, mot: [sissel-skarsgard]}\n  - {sak: 1/24, enstemmig: true}\n"
         "sekretariat:")
    commit(repo)
    edit(repo, REFERAT1, "for: 3, mot: [sissel-skarsgard]", "for: 2, mot: [sissel-skarsgard, "
         "hans-lowe-larsen]")
    edit(repo, REFERAT1, "møteleder: hans-lowe-larsen", "møteleder: sissel-skarsgard")
    commit(repo)

    assert changes(repo, "HEAD~2", "HEAD~1") == [
        ("votering", "2024-01-24", "1/24", None, "Enstemmig vedtatt."),
        ("inhabil", "2024-01-24", "2/24", None, "Jim J. Yang (fvl. § 6)"),
        ("votering", "2024-01-24", "2/24", None,
         "Vedtatt med 3 mot 1 stemme. Mot stemte: Sissel Skarsgård."),
        ("attendance", "2024-01-24", None, "til stede", "fratrådte før sak 3/24"),
        ("møteleder", "2024-01-24", None, None, "Hans Löwe Larsen"),
    ]
    # a new chair who voted against: the tie is decided by the chair's double vote
    markdown = to_markdown(diff(repo, "HEAD~1", "HEAD"))
    assert ("- Sak 2/24 *Orientering fra Helsedirektoratet*: votering Vedtatt med 3 mot 1 stemme. "
            "Mot stemte: Sissel Skarsgård. → Falt med 2 mot 2 stemmer, med møteleders "
            "dobbeltstemme. Mot stemte: Sissel Skarsgård og Hans Löwe Larsen.\n"
            "- Møteleder: Hans Löwe Larsen → Sissel Skarsgård\n") in markdown


def test_vedtak_and_vedlegg(repo: Path) -> None:
    edit(repo, REFERAT1, "NUFA tar saken til orientering.", "NUFA tar saken til etterretning.")
    edit(repo, AGENDA2,
         "          - fil: vedlegg/plan.pdf\n            tittel: Plan for Helse i nord\n", "")
    commit(repo)

    assert changes(repo) == [
        ("vedtak", "2024-01-24", "2/24", "NUFA tar saken til orientering.",
         "NUFA tar saken til etterretning."),
        ("vedlegg-removed", "2024-04-24", "6/24", "Plan for Helse i nord (vedlegg/plan.pdf)", None),
    ]


def test_json_output_parses_and_matches(nufa: Nufa, repo: Path) -> None:
    edit(repo, AGENDA2, 'tid: "14:25"', 'tid: "14:20"')
    edit(repo, AGENDA2, FORSLAG, NEW_FORSLAG)
    commit(repo)

    result = nufa.process("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo)
    assert result.code == 0, result.err
    parsed = json.loads(result.out)
    assert parsed == json.loads(to_json(diff(repo, "HEAD~1", "HEAD")))
    assert parsed[1] == {"meeting": "2024-04-24", "sak": "8/24", "kind": "retimed",
                         "title": "Eventuelt", "before": "14:25", "after": "14:20"}
    assert [c["kind"] for c in parsed] == ["forslag-til-vedtak", "retimed"]


def test_no_changes_says_what_it_compared(nufa: Nufa, repo: Path) -> None:
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    result = nufa.process("diff", "HEAD", cwd=repo)
    assert (result.code, result.out) == (0, NO_CHANGES.format(
        base=f"HEAD ({short})", head="the working tree") + "\n")
    # on main itself the default base is main, named so (not "merge-base of HEAD and main")
    result = nufa.process("diff", cwd=repo)
    assert (result.code, result.out) == (
        0, f"No changes to the meeting sources between main ({short}) and the working tree.\n")


def test_a_longer_or_shorter_row_is_named_before_the_times_it_moves(repo: Path) -> None:
    """4/24 shortened and the Pause lengthened: each varighet is reported as the cause,
    ahead of the later saker whose derived times it moved."""
    edit(repo, AGENDA2, "        varighet: 10\n", "        varighet: 5\n")
    edit(repo, AGENDA2, "        varighet: 15\n", "        varighet: 20\n")
    commit(repo)
    m2 = "2024-04-24"
    assert changes(repo) == [
        ("row-varighet", m2, None, "15 min", "20 min"),
        ("varighet", m2, "4/24", "10 min", "5 min"),
        ("retimed", m2, "5/24", "11:10", "11:05"),
        ("retimed", m2, "6/24", "12:10", "12:15"),
    ]
    assert to_markdown(diff(repo, "HEAD~1", "HEAD")).endswith(
        "- Programme row **Pause**: varighet 15 min → 20 min\n"
        "- Sak 4/24 *Godkjenning av innkalling, dagsorden og referat*: varighet 10 min → 5 min\n"
        "- Sak 5/24 *Digitalisering av Den offentlige tannhelsetjenesten*: tid 11:10 → 11:05\n"
        "- Sak 6/24 *Helse i nord*: tid 12:10 → 12:15\n")


def test_work_tree_index_and_head_are_untouched(repo: Path) -> None:
    edit(repo, AGENDA2, 'tid: "14:25"', 'tid: "14:20"')
    commit(repo)
    edit(repo, AGENDA2, FORSLAG, NEW_FORSLAG)  # modified, not staged
    (repo / M2 / "vedlegg" / "ny.pdf").write_bytes(b"%PDF-1.4\n")  # untracked
    edit(repo, REFERAT1, "Ingen saker under eventuelt.", "Ingen saker.")
    git(repo, "add", REFERAT1)  # staged
    head, branch, status = (git(repo, "rev-parse", "HEAD"), git(repo, "symbolic-ref", "HEAD"),
                            git(repo, "status", "--porcelain"))
    before = tree_hashes(repo)  # every file, .git (index, HEAD, refs, objects) included

    between_commits = changes(repo)
    assert between_commits == [("retimed", "2024-04-24", "8/24", "14:25", "14:20")]
    against_work_tree = changes(repo, "HEAD", None)
    assert [c[0] for c in against_work_tree] == ["referat-text", "forslag-til-vedtak"]
    assert changed_meetings(repo, "HEAD~1") == {"2024-01-24", "2024-04-24"}

    assert tree_hashes(repo) == before
    assert (git(repo, "rev-parse", "HEAD"), git(repo, "symbolic-ref", "HEAD"),
            git(repo, "status", "--porcelain")) == (head, branch, status)


def test_invalid_sources_at_a_revision_still_diff_what_loads(repo: Path) -> None:
    edit(repo, AGENDA1, "sted: Helsedirektoratet, Oslo", "sted: Helsedirektoratet: Oslo")
    edit(repo, AGENDA2, 'tid: "14:25"', 'tid: "14:20"')
    commit(repo)

    result = diff(repo, "HEAD~1", "HEAD")
    assert [(c.kind, c.sak) for c in result.changes] == [("retimed", "8/24")]
    short = git(repo, "rev-parse", "--short=7", "HEAD")
    assert result.notes == [  # the second error: Møte 2/24 attaches the unread referat
        f"The sources at HEAD ({short}) have 2 error(s); what could not be read there is left "
        "out of this comparison (`nufa check` lists them).",
        f"meetings/2024-01-24/agenda.yaml could not be read at HEAD ({short}); the meeting is "
        "not compared.",
    ]
    markdown = to_markdown(result)
    assert "> **Note:** The sources at HEAD" in markdown
    assert "## Møte 2/24 (24. – 25. april 2024)\n\n- Sak 8/24 *Eventuelt*: tid" in markdown


def test_unknown_revision_exits_2(nufa: Nufa, repo: Path) -> None:
    with pytest.raises(UnknownRevision):
        diff(repo, "no-such-branch")
    result = nufa.process("diff", "no-such-branch", cwd=repo)
    assert result.code == 2
    assert result.err == ("error: unknown revision 'no-such-branch': no commit of that name "
                             "in this repository (try a branch, a tag or a commit hash; "
                             "'git log --oneline' lists them)\n")
    assert nufa.process("diff", "--", "--output=/tmp/x", cwd=repo).code == 2


def test_outside_a_git_repository_exits_2(nufa: Nufa, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_repo(tmp_path / "plain", valid_repo())
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # git looks no further up
    with pytest.raises(NotAGitRepository):
        diff(root)
    result = nufa.process("diff", cwd=root)
    assert result.code == 2
    assert "is not inside a git repository" in result.err


@pytest.mark.unit
def test_word_diff_shortens_long_unchanged_runs() -> None:
    before = "a b c d e f g h i j k l m n o p q r s t"
    after = "a b c d e f g h i j X l m n o p q r s t"
    assert word_diff(before, after) == "… e f g h i j ~~k~~ **X** l m n o p q …"
    assert word_diff("Sak *ny*", "Sak *gammel*") == r"Sak ~~\*ny\*~~ **\*gammel\***"


# -- nufa build --changed-since --------------------------------------------------------------


@pytest.fixture
def three(repo: Path) -> Path:
    """Three meetings: Møte 2/24 attaches the referat of 1/24; Møte 3/24 depends on nothing."""
    write_repo(repo, {f"{M3}/agenda.yaml": AGENDA3_YAML})
    commit(repo, "third meeting")
    return repo


def test_changed_meeting_and_its_dependant(three: Path) -> None:
    edit(three, REFERAT1, "Ingen saker under eventuelt.", "Ingen saker.")
    assert changed_meetings(three, "HEAD") == {"2024-01-24", "2024-04-24"}
    commit(three)
    assert changed_meetings(three, "HEAD~1") == {"2024-01-24", "2024-04-24"}
    assert changed_meetings(three, "HEAD") == set()


def test_changed_meeting_without_dependants(three: Path) -> None:
    edit(three, AGENDA2, 'tid: "14:25"', 'tid: "14:20"')
    assert changed_meetings(three, "HEAD") == {"2024-04-24"}


def test_a_dependant_follows_what_the_kinds_asked_for_show(three: Path) -> None:
    """Each target declares the other meetings its files show (build/targets.py): the
    saksliste of 2/24 names the referat of 1/24 as a vedlegg, the calendar shows no other
    meeting, and without --only every kind counts."""
    edit(three, REFERAT1, "Ingen saker under eventuelt.", "Ingen saker.")
    assert changed_meetings(three, "HEAD", {"saksliste"}) == {"2024-01-24", "2024-04-24"}
    assert changed_meetings(three, "HEAD", {"kalender", "referat"}) == {"2024-01-24"}
    assert changed_meetings(three, "HEAD") == changed_meetings(three, "HEAD", targets.kinds())


def test_tidligere_behandlinger_makes_a_dependant(three: Path) -> None:
    edit(three, AGENDA2, "        vedlegg:\n          - referat: 2024-01-24\n", "")
    commit(three)
    edit(three, AGENDA1, "tittel: Orientering fra Helsedirektoratet",
         "tittel: Orientering fra direktoratet")
    assert changed_meetings(three, "HEAD") == {"2024-01-24", "2024-04-24"}  # via sak 2/24


def test_untracked_file_settings_and_new_meetings(three: Path) -> None:
    (three / M3 / "vedlegg").mkdir()
    (three / M3 / "vedlegg" / "notat.pdf").write_bytes(b"%PDF-1.4\n")
    assert changed_meetings(three, "HEAD") == {"2024-06-12"}
    (three / M3 / "vedlegg" / "notat.pdf").unlink()

    edit(three, "nufa.yaml", "kortnavn: NUFA", "kortnavn: NUFA ")
    assert changed_meetings(three, "HEAD") == {"2024-01-24", "2024-04-24", "2024-06-12"}
    git(three, "checkout", "-q", "--", "nufa.yaml")

    write_repo(three, {"meetings/2024-05-15/agenda.yaml": AGENDA3_YAML.replace(
        "2024-06-12", "2024-05-15")})  # Møte 3/24 becomes 4/24
    assert changed_meetings(three, "HEAD") == {"2024-05-15", "2024-06-12"}


def test_a_file_touched_but_not_edited_is_no_change(three: Path) -> None:
    for name in ('"sitat".pdf', "linje\nskift.pdf", "retur\r", "back\\slash.pdf"):  # git quotes
        (three / M3 / name).write_bytes(b"%PDF-1.4\n")
    commit(three, "odd names")
    edit(three, AGENDA2, 'tid: "14:25"', 'tid: "14:20"')
    commit(three)
    later = (three / ".git/index").stat().st_mtime_ns + 5_000_000_000
    for path in three.rglob("*"):  # a copy, a checkout: git's index no longer knows the files
        if ".git" not in path.parts and path.is_file():
            os.utime(path, ns=(later, later))
    git_data = tree_hashes(three / ".git")
    assert changed_meetings(three, "HEAD~1") == {"2024-04-24"}
    assert changed_meetings(three, "HEAD") == set()

    edit(three, AGENDA2, 'tid: "14:20"', 'tid: "14:25"')  # back to what HEAD~1 has
    assert changed_meetings(three, "HEAD~1") == set()
    assert changed_meetings(three, "HEAD") == {"2024-04-24"}
    assert tree_hashes(three / ".git") == git_data  # asking wrote nothing under .git


def test_changed_since_unknown_revision(nufa: Nufa, three: Path) -> None:
    with pytest.raises(UnknownRevision):
        changed_meetings(three, "v9.9")
    result = nufa.process("build", "--changed-since", "v9.9", cwd=three)
    assert result.code == 2
    assert "unknown revision 'v9.9'" in result.err
    result = nufa.process("build", "--changed-since", "HEAD", cwd=three)
    assert (result.code, result.out) == (
        0, "No meeting changed since HEAD; nothing to build.\n")


def test_the_date_of_an_earlier_treatment(repo: Path) -> None:
    edit(repo, TOPPNOTAT, "sak: 3/23, tittel: Revidert mandat",
         "sak: 3/23, dato: 2023-03-15, tittel: Revidert mandat")
    commit(repo)
    (kind, folder, sak, before, after), = changes(repo)
    assert (kind, folder, sak) == ("tidligere-behandlinger", "2024-04-24", "5/24")
    assert "3/23 Revidert" in before and "3/23 (15.03.2023) Revidert" in after
