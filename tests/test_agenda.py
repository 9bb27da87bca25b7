"""Other committees' agendas and members (FORMAT.md part 2): a day's own sted, no slutt,
tema headings, innleder, arkivsak, lukket, title-only vedlegg, the innkalling's cover text
and signature, members with rolle and parti, toppnotat.seksjoner; each printed where a real
document prints it, checked in the built PDF and DOCX too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import FileContent, line_of, stem
from textof import docx_text, pdf_text

from nufa_cli.build.orchestrator import build
from nufa_cli.check.validate import check
from nufa_cli.core.errors import Severity
from nufa_cli.render.calendar import meeting_ics
from nufa_cli.render.documents import meeting_documents
from nufa_cli.render.renderer import Renderer

MakeRepo = Callable[[dict[str, FileContent]], Path]
MEETING = "meetings/2015-12-02"
AGENDA = f"{MEETING}/agenda.yaml"

NUFA_YAML = """\
utvalg: {navn: Nasjonalt råd for e-helse, kortnavn: Rådet}
sekretariat: Direktoratet
sakstyper: [Godkjenning, Orientering, Drøfting]
toppnotat: {seksjoner: [Sammendrag]}
"""
MEMBERS = """\
medlemmer:
  - {navn: Sigbjørn Odden, rolle: leder, parti: Sp}
  - {navn: Thore Vestby, rolle: nestleder, virksomhet: Frogn kommune, parti: H}
  - {navn: Anne Marie Engel, virksomhet: NTNU}
"""
AGENDA_YAML = """\
sted: Rådhuset, møterom 1
møte: 4/15
innkalling:
  tekst: |
    Eventuelt forfall meldes til sekretariatet. Varamedlemmer møter etter nærmere innkalling.
  underskrift: [{navn: Sigbjørn Odden, tittel: leder}]
dager:
  - dato: 2015-12-02
    start: "10:00"
    program:
      - tema: Forskning og innovasjon
      - sak: 73/15
        varighet: 45
        tittel: Orienteringer og diskusjon rundt erfaringer fra evaluering av Samhandlingsreformen
        type: Orientering
        innleder: Pieter Jelle Toussaint, NTNU
        arkivsak: 2015/1234
        vedlegg:
          - tittel: Abstract InnIT (ettersendes)
      - tema: Personalsaker
      - sak: 74/15
        tittel: Tilsetting av sekretariatsleder
        type: Drøfting
        lukket: kl. § 11-5 annet ledd bokstav a
        toppnotat: toppnotater/74-15-tilsetting.md
      - sak: 75/15
        tittel: Eventuelt
        type: Orientering
        lukket: true
  - dato: 2015-12-03
    start: "09:00"
    sted: Frogn rådhus
    program:
      - sak: 76/15
        tid: "09:00"
        tittel: Befaring
        type: Orientering
        innslag:
          - {tid: "09:30", tittel: Omvisning, innleder: Thore Vestby}
"""
NOTE = """\
---
sak: 74/15
tittel: Tilsetting av sekretariatsleder
type: Drøfting
arkivsak: 2015/999
---

## Sammendrag

Innstillingen legges fram i møtet.
"""


def repo() -> dict[str, FileContent]:
    return {"nufa.yaml": NUFA_YAML, "medlemmer.yaml": MEMBERS, AGENDA: AGENDA_YAML,
            f"{MEETING}/toppnotater/74-15-tilsetting.md": NOTE}


def rendered(root: Path) -> dict[str, str]:
    repo_, diagnostics = check(root)
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    meeting = repo_.meetings[0]
    return {stem(meeting, d): d.markdown for d in meeting_documents(repo_, meeting, Renderer(repo_))}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_agenda_checks_clean_and_keeps_the_time_chain_over_tema_rows(make_repo: MakeRepo) -> None:
    root = make_repo(repo())
    repo_, diagnostics = check(root)
    assert diagnostics == []
    day = repo_.meetings[0].days[0]
    # the tema takes no time: 73/15 starts at the day's start, 74/15 when 73/15 ends
    assert [(r.tema, r.tittel[:12], r.tid and r.tid.isoformat("minutes")) for r in day.rows] == [
        (True, "Forskning og", None), (False, "Orienteringe", "10:00"),
        (True, "Personalsake", None), (False, "Tilsetting a", "10:45"), (False, "Eventuelt", None)]
    assert day.slutt is None


def test_the_innkalling_prints_cover_signature_members_tema_and_innleder(make_repo: MakeRepo) -> None:
    docs = rendered(make_repo(repo()))
    innkalling = flat(docs["innkalling"])
    for text in ("Eventuelt forfall meldes til sekretariatet.", "Sigbjørn Odden\\ leder",
                 "Sigbjørn Odden, leder (Sp)", "Thore Vestby, nestleder, Frogn kommune (H)",
                 "Anne Marie Engel, NTNU", "**Forskning og innovasjon**", "*Innleder: Pieter Jelle",
                 "*Innleder: Thore Vestby*", "2\\. desember: Rådhuset, møterom 1 og 3. desember: "
                 "Frogn rådhus", "2\\. desember kl. 10.00 og 3. desember kl. 09.00"):
        assert text in innkalling, text
    assert "Slutt dag" not in innkalling  # no slutt given


def test_the_saksliste_prints_arkivsak_lukket_and_title_only_vedlegg(make_repo: MakeRepo) -> None:
    saksliste = flat(rendered(make_repo(repo()))["saksliste"])
    for text in ("Arkivsak: 2015/1234", "**Lukket møte, kl. § 11-5 annet ledd bokstav a**",
                 "**Lukket møte**", "Vedlegg 1: Abstract InnIT", "(ettersendes)",
                 "**Personalsaker**"):
        assert text in saksliste, text


def test_the_toppnotat_header_has_arkivsak_and_lukket(make_repo: MakeRepo) -> None:
    note = flat(rendered(make_repo(repo()))["toppnotat-74-15"])
    assert "| Møteoffentlighet | Lukket møte, kl. § 11-5 annet ledd bokstav a |" in note
    assert "Arkivsak" in note and "2015/999" in note and "Møte 4/15" in note


@pytest.mark.render
def test_built_documents_show_it_in_pdf_and_docx(make_repo: MakeRepo,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1449000000")
    root = make_repo(repo())
    build(root, only={"innkalling", "saksliste", "toppnotat", "sakspapirer"})
    out = root / "build" / "2015-12-02"
    for name in ("innkalling", "saksliste"):
        for text in (pdf_text(out / f"{name}.pdf"), docx_text(out / f"{name}.docx")):
            assert "Lukket møte, kl. § 11-5 annet ledd bokstav a" in text
            assert "Innleder: Pieter Jelle Toussaint, NTNU" in text
            assert "Forskning og innovasjon" in text and "Arkivsak: 2015/1234" in text
    packet = pdf_text(out / "sakspapirer.pdf")
    assert "Vedlegg 1: Abstract InnIT (ettersendes)" in packet
    assert "Vedlegget er ikke med i sakspapirene." in packet


def test_calendar_without_slutt_ends_with_the_programme_and_uses_the_days_place(
        make_repo: MakeRepo) -> None:
    repo_, _ = check(make_repo(repo()))
    ics = meeting_ics(repo_, repo_.meetings[0], 1449000000).decode()
    first, second = ics.split("BEGIN:VEVENT")[1:]
    assert "DTEND;TZID=Europe/Oslo:20151202T104500" in first  # the end of 73/15
    assert "LOCATION:Rådhuset\\, møterom 1" in first and "LOCATION:Frogn rådhus" in second
    assert "DTEND;TZID=Europe/Oslo:20151203T093000" in second  # the last part's time


def test_seksjoner_replace_nufas_two(make_repo: MakeRepo) -> None:
    files = repo()
    files[f"{MEETING}/toppnotater/74-15-tilsetting.md"] = NOTE.replace("## Sammendrag", "## Innstilling")
    _, diagnostics = check(make_repo(files))
    [d] = diagnostics
    assert (d.code, d.message) == ("section-missing", "the toppnotat has no section 'Sammendrag'")
    files["nufa.yaml"] = NUFA_YAML.replace("[Sammendrag]", "[]")
    _, diagnostics = check(make_repo(files))
    assert diagnostics == []


def test_a_tema_row_with_a_sak_is_located(make_repo: MakeRepo) -> None:
    files = repo()
    text = AGENDA_YAML.replace("      - tema: Personalsaker\n",
                               "      - tema: Personalsaker\n        sak: 77/15\n        tid: \"11:00\"\n")
    files[AGENDA] = text
    _, diagnostics = check(make_repo(files))
    by_code = {d.code: d for d in diagnostics}
    tema = by_code["tema-with-sak"]
    assert (tema.path, tema.line, tema.col) == (AGENDA, line_of(text, "sak: 77/15"), 14)
    assert tema.hint == "put the sak on a row of its own below the tema"
    row = by_code["tema-row"]
    assert (row.line, row.message) == (line_of(text, 'tid: "11:00"'),
                                       "'tid' on the tema row 'Personalsaker': a tema is a "
                                       "heading and takes no time")


def test_a_vedlegg_needs_a_target_or_a_title(make_repo: MakeRepo) -> None:
    files = repo()
    text = AGENDA_YAML.replace("          - tittel: Abstract InnIT (ettersendes)\n",
                               "          - skjermet: offl. § 14\n")
    files[AGENDA] = text
    _, diagnostics = check(make_repo(files))
    [d] = diagnostics
    assert d.code == "invalid-value" and "exactly one of 'referat', 'fil' or 'url'" in d.message
