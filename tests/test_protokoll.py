"""The protokoll of three bodies, built: what nufa derives is in the PDF and the DOCX.

tests/fixtures/ holds each body's repository, transcribed from a real public protokoll:
universitetsstyret (UiO's board, 4/2020 and 5/2020), formannskapet (Frogn kommune, 4 June
2014), skate (the national council Skate, 23 March 2022, and a later meeting approving
its referat) and verdal (Verdal's formannskap, three meetings of 2016 with their real
votes, absences, varamedlemmer, an inhabilitet and an approval). Every referat there is
`status: endelig`, so nothing carries the draft mark.
The lines no one types are asserted in the extracted text of both formats: who was there
at each sak, each vote's sentence with the names against, the approval line, the member
list split by presence; and the saksutskrift of a sak says what the referat says of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import built_fixtures
from textof import docx_text, pdf_text

from nufa_cli.build.orchestrator import build

pytestmark = pytest.mark.render  # builds the bodies' protokoller

BODIES = ("universitetsstyret", "formannskapet", "skate", "verdal")
KINDS = {"referat", "saksutskrift"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each body's referater and saksutskrifter, the members' set and the public one."""
    return built_fixtures(tmp_path_factory, BODIES, only=KINDS, offentlig=True)


def both(root: Path, meeting: str, stem: str) -> dict[str, str]:
    folder = root / "build" / meeting
    # a soft hyphen is typst's line break inside a word: the word reads whole
    return {"PDF": pdf_text(folder / f"{stem}.pdf").replace("\u00ad ", ""),
            "DOCX": docx_text(folder / f"{stem}.docx")}


def assert_in_both(root: Path, meeting: str, stem: str, *wanted: str) -> None:
    for fmt, text in both(root, meeting, stem).items():
        for phrase in wanted:
            assert phrase in text, f"{fmt} {meeting}/{stem}: {phrase!r}\n{text}"


def assert_in_neither(root: Path, meeting: str, stem: str, *unwanted: str) -> None:
    for fmt, text in both(root, meeting, stem).items():
        for phrase in unwanted:
            assert phrase not in text, f"{fmt} {meeting}/{stem}: {phrase!r}"


def test_kommune_formannskap(built: dict[str, Path]) -> None:
    root, meeting = built["formannskapet"], "2014-06-04"
    assert_in_both(
        root, meeting, "referat", "Møteprotokoll fra møte i Formannskapet", "Versjon 1.0",
        "Møteleder Thore Vestby",
        # the member list, split: present (one who left), forfall, the varamedlem who met
        "Bente Bjerknes (KrF) (fratrådte før sak PS 46/14)", "Rita Hirsum Lystad (Ap)",
        "Knut Erik Robertsen (Ap)", "Rådmann Harald K. Hermansen",
        # the introduction, before the saker
        "Sakslisten: Ordfører foreslo at sak nr. 42 ble behandlet først.",
        # who was there at each sak
        "PS 40/14 Selvskyldnergaranti Dyrløkketoppen barnehage og familiebarnehage "
        "Til stede i saken: 9 av 10. Ole Scheie var inhabil (fvl. § 6 første ledd bokstav e) "
        "og fratrådte.",
        "PS 46/14 Fastsetting av planprogram – Kommunedelplan for Nordre Frogn Til stede i "
        "saken: 9 av 10. Ikke til stede i saken: Bente Bjerknes.",
        # the votes, the names against with their party
        "Votering: Rådmannens innstilling: Vedtatt med 8 mot 2 stemmer. Mot stemte: Thore "
        "Vestby (H) og Knut Erik Robertsen (Ap).",
        "Votering: Enstemmig vedtatt.",
        "Protokolltilførsel: Kjell Monsen (SV) ba om at meldingen følges opp",
        # a sak treated in closed session, and who signs
        "OS 12/14 Orientering om pågående tvister for rettsapparatet Behandlet i lukket møte.",
        "Underskrivere Thore Vestby Sigbjørn Odden Bente Bjerknes")
    for fmt, text in both(root, meeting, "referat").items():
        assert text.count("Til stede i saken: 10 av 10.") == 8, fmt  # PS 37–39 and 41–45
        assert "UTKAST" not in text, fmt  # endelig: no draft mark
        assert text.index("Forfall Rita Hirsum Lystad") < text.index("PS 37/14 Referatsaker"), fmt
    # the saksutskrift says what the referat says of the sak, under its own header
    assert_in_both(root, meeting, "saksutskrift-ps-45-14",
                   "Saksutskrift PS 45/14 Valg av avgiftsmodell for utbyggingsavtaler",
                   "Behandlet i Møte i Formannskapet", "Saksnummer PS 45/14",
                   "Til stede i saken: 10 av 10.",
                   "Rådmannens innstilling: Vedtatt med 8 mot 2 stemmer.",
                   "Mot stemte: Thore Vestby (H) og Knut Erik Robertsen (Ap).",
                   "Vedtak Avgiftsmodellen i rådmannens innstilling legges til grunn")
    # public: every sak keeps its vote and vedtak; a closed session's minutes are not there
    public = f"{meeting}/offentlig"
    assert_in_both(root, public, "referat", "Behandlet i lukket møte.",
                   "Vedtaket er ført i egen protokoll", "Rådmannens innstilling: Vedtatt med 8")
    assert_in_neither(root, public, "referat", "Rådmannen orienterte om pågående tvister.")
    assert_in_both(root, meeting, "referat", "Rådmannen orienterte om pågående tvister.")


def test_university_board(built: dict[str, Path]) -> None:
    root = built["universitetsstyret"]
    assert_in_both(root, "2020-05-13", "referat", "Protokoll fra møte i Universitetsstyret",
                   "Møteleder Svein Stølen",
                   "Fra rektoratet Gro Bjørnerud Mo Åse Gornitzka Per Morten Sandset",
                   "V-sak 1 Godkjenning av dagsorden og habilitet Behandlet i lukket møte.",
                   "Til stede i saken: 11 av 11. Votering: Enstemmig vedtatt.",
                   # an Orienteringssak needs no vedtak (vedtak: valgfritt)
                   "O-sak 1 Årsplan 2021-2023 Universitetsdirektør Arne Benjaminsen orienterte.")
    assert_in_both(root, "2020-06-03", "referat",
                   "Sakene ble behandlet i følgende rekkefølge: V-sak 1 og V-sak 2.",
                   "Fra administrasjonen Arne Benjaminsen")
    assert_in_both(root, "2020-06-03", "saksutskrift-v-sak-2",
                   "Saksutskrift V-sak 2 Høringsuttalelse til ny universitets- og høyskolelov",
                   "Behandlet i Møte 5/2020 i Universitetsstyret", "Arkivsak 2020/2649",
                   "Votering: Enstemmig vedtatt.",
                   "Vedtak Styret gir rektor fullmakt til å ferdigstille høringsuttalelsen")
    for meeting in ("2020-05-13", "2020-06-03"):
        for text in both(root, meeting, "referat").values():
            assert "UTKAST" not in text


def test_national_council(built: dict[str, Path]) -> None:
    root = built["skate"]
    assert_in_both(root, "2022-03-23", "referat", "Referat fra møte i Skate",
                   "Møteleder Steffen Sutorius",
                   "Forfall Mariann Hornnes, Direktoratet for e-helse (eHelse)",
                   "Norunn Saure, Direktoratet for e-helse (eHelse), på vegne av Mariann Hornnes",
                   "Torstein Hoem, SKE (sak 1/22) Knut Bjørgaas, Digdir",
                   "Katarina de Brisis, Kommunal- og distriktsdepartementet (KDD)",
                   "Møtet ble holdt på Økern Portal og digitalt via Microsoft Teams.",
                   "Konklusjon: Skate støtter den videre retningen",
                   # approved by the later meeting's sak with this referat as vedlegg
                   "Godkjent i møte 2/22, sak 5/22.")
    assert_in_both(root, "2022-03-23", "saksutskrift-1-22", "Saksutskrift 1/22 Kun én gang",
                   "Behandlet i Møte 1/22 i Skate", "Godkjent i møte 2/22, sak 5/22.")
    assert_in_both(root, "2022-06-15", "referat", "Til stede i saken: 14 av 14.",
                   "Votering: Enstemmig vedtatt.", "Referatet godkjennes elektronisk.")
    # the later meeting's own referat is not approved by any meeting yet
    assert_in_neither(root, "2022-06-15", "referat", "Godkjent i møte")


def test_kommune_formannskap_with_its_real_numbers(built: dict[str, Path]) -> None:
    """Verdal, 2016: every count below is one the published protokoller give, and one nufa
    derived and checked (a member who left, a vara in a member's place, an inhabil member,
    votes counted 8 to 1 and 7 to 2 of the nine present, the approval by the next meeting)."""
    root = built["verdal"]
    april, march, february = "2016-04-14", "2016-03-17", "2016-02-18"
    assert_in_both(
        root, april, "referat", "Møteprotokoll fra møte i Formannskapet",
        "Marit Voll (SP) (fratrådte før sak PS 42/16)",
        "Ikke til stede Pål Sverre Fikse (SP) Stedfortreder Anne Kolstad (SV), stiller for "
        "Pål Sverre Fikse",
        "Fra administrasjonen møter Jostein Grimstad, rådmann Line Therese Ertsås, "
        "formannskapssekretær",
        "PS 37/16 Godkjenning av møteprokoll 17.03.2016 Ordfører fremmet følgende forslag til "
        "vedtak: «Protokoll fra møte 17. mars 2016 godkjennes.» Til stede i saken: 9 av 9. "
        "Votering: Enstemmig vedtatt. Vedtak: Protokoll fra møte 17. mars 2016 godkjennes.",
        "2. kulepunkt første avsnitt: Det skal være 17 års aldersgrense",
        # the alternative votes, in the protokoll's own words
        "Til stede i saken: 9 av 9. Votering: Rådmannens innstilling kulepunkt 1: Enstemmig "
        "vedtatt. Kulepunkt 2: Rådmannens forslag til innstilling ble vedtatt med 8 stemmer. "
        "1 stemme ble avgitt for forslaget fra KRF.",
        "Tidspunkt for uteskjenking: Rådmannens forslag til innstilling ble vedtatt med 7 "
        "stemmer. 2 stemmer ble avgitt for forslaget fra KRF. Rådmannens forslag til "
        "innstilling siste seks avsnitt: Enstemmig vedtatt.",
        # the formannskap's decision in PS 41/16 goes on to the kommunestyre; PS 37/16's is its own
        "Innstilling: Verdal kommunes vilkår knyttet til alkoholbevillinger",
        "Vedtak: Protokoll fra møte 17. mars 2016 godkjennes.",
        "PS 42/16 Orientering Til stede i saken: 8 av 9. Ikke til stede i saken: Marit Voll.")
    # approved by PS 37/16 of the next meeting, which has this referat as its vedlegg
    assert_in_both(root, march, "referat", "PS 36/16 Orientering Godkjent i møte 14. april "
                   "2016, sak PS 37/16.", "Anne Kolstad (SV), stiller for Pål Sverre Fikse")
    assert_in_both(root, february, "referat",
                   "Ikke til stede Marit Voll (SP) Pål Sverre Fikse (SP) Stedfortreder Arvid "
                   "Wold, stiller for Marit Voll Anne Kolstad (SV), stiller for Pål Sverre Fikse",
                   "PS 18/16 Stiklestad Golfklubb - Søknad om ny skjenkebevilling pga endringer "
                   "i driften Til stede i saken: 8 av 9. Brita Kleven Thorsvik var inhabil og "
                   "fratrådte. PS 19/16")
    assert_in_both(root, april, "saksutskrift-ps-41-16",
                   "Saksutskrift PS 41/16 Vilkår for salgs- og skjenkebevillinger",
                   "Kulepunkt 2: Rådmannens forslag til innstilling ble vedtatt med 8 stemmer. "
                   "1 stemme ble avgitt for forslaget fra KRF.",
                   "Innstilling Verdal kommunes vilkår knyttet til alkoholbevillinger")
    assert_in_neither(root, april, "saksutskrift-ps-41-16", "Vedtak", "8 mot 1")
    assert_in_both(root, f"{april}/offentlig", "referat", "Innstilling: Verdal kommunes vilkår",
                   "1 stemme ble avgitt for forslaget fra KRF.")
    # April's referat is approved by no meeting of the repository, nor February's (by the
    # meeting of 3 March, which is not here)
    for meeting in (april, march, february):
        for fmt, text in both(root, meeting, "referat").items():
            assert "UTKAST" not in text, fmt
            assert "Godkjent i møte" not in text or meeting == march, fmt


def test_a_protokoll_is_made_per_sak(built: dict[str, Path]) -> None:
    """One saksutskrift per sak of a meeting with a referat, and none of a meeting without."""
    names = {body: sorted(p.name for p in (root / "build").rglob("saksutskrift-*.pdf")
                          if "offentlig" not in p.parts)
             for body, root in built.items()}
    assert names["skate"] == ["saksutskrift-1-22.pdf", "saksutskrift-2-22.pdf",
                              "saksutskrift-3-22.pdf", "saksutskrift-4-22.pdf",
                              "saksutskrift-5-22.pdf"]
    assert len(names["formannskapet"]) == 20  # OS 10–14/14, PS 37–51/14
    saker = {"2020-05-13": ("v-sak-1", "v-sak-2", "v-sak-3", "o-sak-1", "o-sak-2", "v-sak-4"),
             "2020-06-03": ("v-sak-1", "v-sak-2", "v-sak-3")}  # numbers restart each meeting
    for meeting, numbers in saker.items():
        folder = built["universitetsstyret"] / "build" / meeting
        assert sorted(p.name for p in folder.glob("saksutskrift-*.pdf")) == sorted(
            f"saksutskrift-{n}.pdf" for n in numbers)


def header_of(pdf: Path) -> str:
    """The PDF's text up to the saksliste's table: the header block, as extracted."""
    text = pdf_text(pdf)
    return text[:text.index("Saksnr.")]


def test_header_labels_are_never_broken_inside_a_word(built: dict[str, Path], make_repo) -> None:  # type: ignore[no-untyped-def]
    """The label column of the header block is as wide as its longest word: typst breaks a
    label between words and never hyphenates one ("Fra administrasjo- nen møter" was)."""
    from helpers import REFERAT1, valid_repo

    files = valid_repo()
    text = files[REFERAT1]
    assert isinstance(text, str)
    text = text.replace("stedfortredere:\n", "stedfortredere:\n"
                        "  - {navn: Kari Nordmann, virksomhet: Helse Vest RHF}\n", 1)
    files[REFERAT1] = text.replace("sekretariat:", (
        "møteleder: hans-lowe-larsen\n"
        "deltakere:\n"
        "  Øvrig deltakelse, herunder sakseiere: [{navn: Tor Eid, virksomhet: HOD}]\n"
        "  Sekretariatsfunksjonen: [Ola Nordmann]\n"
        "  Kommunikasjonsavdelingen i Direktoratet for e-helse: [Per Hansen]\n"
        "sekretariat:"), 1)
    root = make_repo(files)
    build(root, only={"referat"}, formats=("pdf",))
    headers = [header_of(root / "build" / "2024-01-24" / "referat.pdf"),
               header_of(built["verdal"] / "build" / "2016-04-14" / "referat.pdf")]
    for header in headers:
        assert "\u00ad" not in header and "- " not in header, header
    assert all(label in headers[0] for label in (
        "Møteleder Hans Löwe Larsen", "Møtende varamedlemmer Kari Nordmann",
        "Øvrig deltakelse, herunder sakseiere Tor Eid, HOD", "Sekretariatsfunksjonen Ola Nordmann",
        "Kommunikasjonsavdelingen i Direktoratet for e-helse Per Hansen")), headers[0]
    assert "Fra administrasjonen møter Jostein Grimstad" in headers[1]


# -- the derived sentences, in the rendered Markdown (no conversion) ---------------------------


def referat_text(make_repo, extra: str, **more: str) -> str:  # type: ignore[no-untyped-def]
    """The valid repository's referat of 1/24 with `extra` in its front matter, rendered, as
    plain words (the grid tables' rules and bars taken out)."""
    import re

    from helpers import REFERAT1, valid_repo

    from nufa_cli.check.validate import check
    from nufa_cli.core.errors import has_errors
    from nufa_cli.model.public import public_view
    from nufa_cli.render.documents import meeting_documents
    from nufa_cli.render.renderer import Renderer

    files = valid_repo()
    text = files[REFERAT1]
    assert isinstance(text, str)
    files[REFERAT1] = text.replace("sekretariat:", extra + "sekretariat:", 1)
    for path, content in more.items():
        files[path.replace("__", "/")] = content
    repo, diagnostics = check(make_repo(files))
    assert not has_errors(diagnostics), [d.text() for d in diagnostics]
    view = public_view(repo) if "public" in more.get("view", "") else repo
    doc = next(d for d in meeting_documents(view, view.meetings[0], Renderer(view))
               if d.kind == "referat")
    return " ".join(re.sub(r"\+[-=+]+\+|\|", " ", doc.markdown).split())


@pytest.mark.unit
def test_a_vote_that_fell_names_those_for_it(make_repo) -> None:  # type: ignore[no-untyped-def]
    text = referat_text(make_repo, "voteringer:\n  - {sak: 2/24, for: [jim-j-yang], mot: 3, "
                                   "avholdende: [hans-lowe-larsen]}\n")
    assert ("**Votering:** Falt med 1 mot 3 stemmer.\\ For stemte: Jim J. Yang.\\ "
            "Avholdende: Hans Löwe Larsen.") in text


@pytest.mark.unit
def test_a_tie_is_decided_by_the_chair_only_where_the_chair_is_listed(make_repo) -> None:  # type: ignore[no-untyped-def]
    listed = referat_text(make_repo, "møteleder: hans-lowe-larsen\nvoteringer:\n"
                                     "  - {sak: 2/24, for: [hans-lowe-larsen, jim-j-yang], mot: 2}\n")
    assert "Vedtatt med 2 mot 2 stemmer, med møteleders dobbeltstemme." in listed
    counted = referat_text(make_repo, "møteleder: hans-lowe-larsen\nvoteringer:\n"
                                      "  - {sak: 2/24, for: 2, mot: 2}\n")
    assert "Stemmelikhet: 2 mot 2 stemmer." in counted


@pytest.mark.unit
def test_a_vote_without_a_quorum_says_so(make_repo) -> None:  # type: ignore[no-untyped-def]
    text = referat_text(make_repo, "voteringer:\n  - {sak: 2/24, for: 1, mot: 1}\n")
    assert "Vedtatt med 1 mot 1 stemme." not in text  # a tie: no chair
    assert "Ikke vedtaksført: 2 av 5 medlemmer stemte." in text


@pytest.mark.unit
def test_the_protokoll_in_nynorsk(make_repo) -> None:  # type: ignore[no-untyped-def]
    from helpers import NUFA_YAML

    text = referat_text(make_repo, "møteleder: hans-lowe-larsen\ninhabil:\n  - {medlem: ola-josendal, "
                                   "saker: [2/24]}\nvoteringer:\n  - {sak: 2/24, enstemmig: true}\n",
                        **{"nufa.yaml": NUFA_YAML + "språk: nn\n"})
    assert "Møteleiar Hans Löwe Larsen" in text
    assert "Til stades i saka: 4 av 5.\\ Ola Jøsendal var inhabil og fråtredde." in text
    assert "**Røysting:** Samrøystes vedteke." in text


@pytest.mark.unit
def test_the_public_referat_keeps_the_vote_and_not_the_grunnlag_of_a_skjermet_sak(make_repo) -> None:  # type: ignore[no-untyped-def]
    from helpers import AGENDA1, AGENDA1_YAML

    agenda = AGENDA1_YAML.replace("tittel: Orientering fra Helsedirektoratet\n",
                                  "tittel: Orientering fra Helsedirektoratet\n        "
                                  "skjermet: offl. § 13\n")
    front = ("inhabil:\n  - {medlem: ola-josendal, saker: [2/24], grunnlag: fvl. § 6 annet ledd}\n"
             "voteringer:\n  - {sak: 2/24, for: 3, mot: [sissel-skarsgard]}\n")
    members = referat_text(make_repo, front, **{AGENDA1.replace("/", "__"): agenda})
    public = referat_text(make_repo, front, view="public", **{AGENDA1.replace("/", "__"): agenda})
    assert "Ola Jøsendal var inhabil (fvl. § 6 annet ledd) og fratrådte." in members
    assert "Ola Jøsendal var inhabil og fratrådte." in public
    assert "fvl. § 6 annet ledd" not in public and "Mariann Hornnes" not in public
    for text in (members, public):
        assert "Vedtatt med 3 mot 1 stemme.\\ Mot stemte: Sissel Skarsgård." in text


# -- leaving during a sak, an alternativ votering and an innstilling, built -------------------

LEFT_DURING = """\
  - {medlem: ola-josendal, under_sak: 2/24}
"""
BETWEEN = """\
møteleder: hans-lowe-larsen
voteringer:
  - sak: 2/24
    alternativer:
      - {forslag: forslaget til vedtak, for: [hans-lowe-larsen, jim-j-yang, yvonne-garshol]}
      - {forslag: forslaget fra Sissel Skarsgård, for: [sissel-skarsgard]}
"""


def test_a_member_who_left_during_a_sak_and_an_innstilling_in_both_formats(make_repo) -> None:  # type: ignore[no-untyped-def]
    """Ola Jøsendal leaves during 2/24: there at its start, not at its vote (four voted, and
    check counts four), gone from 3/24 on day 2; 2/24's decision is an innstilling."""
    from helpers import REFERAT1, valid_repo

    files = valid_repo()
    text = files[REFERAT1]
    assert isinstance(text, str)
    text = text.replace("  - jon-gupta\n", "  - jon-gupta\n" + LEFT_DURING, 1)
    text = text.replace("sekretariat:", BETWEEN + "sekretariat:", 1)
    files[REFERAT1] = text.replace("### Vedtak\n\nNUFA tar saken til orientering.",
                                   "### Innstilling\n\nNUFA tar saken til orientering.", 1)
    root = make_repo(files)
    build(root, only=KINDS)
    meeting = "2024-01-24"
    assert_in_both(
        root, meeting, "referat", "(forlot møtet under sak 2/24)",
        "Til stede i saken: 5 av 5. Ola Jøsendal forlot møtet under saken. Til stede ved "
        "voteringen: 4 av 5.",
        "Votering: Forslaget til vedtak ble vedtatt med 3 stemmer. 1 stemme ble avgitt for "
        "forslaget fra Sissel Skarsgård. For forslaget fra Sissel Skarsgård stemte: Sissel "
        "Skarsgård.",
        "Innstilling: NUFA tar saken til orientering.",
        "Vedtak: NUFA godkjenner innkalling og dagsorden.")
    assert_in_both(root, meeting, "saksutskrift-2-24", "Ola Jøsendal forlot møtet under saken.",
                   "Innstilling NUFA tar saken til orientering.")
    assert_in_neither(root, meeting, "saksutskrift-2-24", "Vedtak NUFA")


@pytest.mark.unit
def test_an_alternativ_votering_tied_is_decided_by_the_chair_where_listed(make_repo) -> None:  # type: ignore[no-untyped-def]
    listed = referat_text(make_repo, "møteleder: hans-lowe-larsen\nvoteringer:\n  - sak: 2/24\n"
                          "    alternativer:\n      - {forslag: a, for: [jim-j-yang]}\n"
                          "      - {forslag: b, for: [hans-lowe-larsen]}\n")
    assert ("B ble vedtatt med 1 stemme, med møteleders dobbeltstemme.\\ 1 stemme ble avgitt "
            "for a.\\ For a stemte: Jim J. Yang.") in listed
    counted = referat_text(make_repo, "voteringer:\n  - sak: 2/24\n    forslag: Punkt 2\n"
                           "    alternativer: [{forslag: a, for: 2}, {forslag: b, for: 2}]\n")
    assert ("Punkt 2: Stemmelikhet mellom forslagene.\\ 2 stemmer ble avgitt for a.\\ "
            "2 stemmer ble avgitt for b.") in counted


@pytest.mark.unit
def test_an_alternativ_votering_leaving_and_an_innstilling_in_nynorsk(make_repo) -> None:  # type: ignore[no-untyped-def]
    from helpers import NUFA_YAML, REFERAT1, REFERAT1_MD

    votes = ("voteringer:\n  - sak: 2/24\n    alternativer:\n"
             "      - {forslag: forslaget til vedtak, for: 3}\n"
             "      - {forslag: forslaget frå Jim J. Yang, for: 1}\n")
    referat = (REFERAT1_MD.replace("  - jon-gupta\n", "  - jon-gupta\n" + LEFT_DURING, 1)
               .replace("sekretariat:", votes + "sekretariat:", 1)
               .replace("### Vedtak\n\nNUFA tar saken", "### Innstilling\n\nNUFA tar saken", 1))
    text = referat_text(make_repo, "", **{"nufa.yaml": NUFA_YAML + "språk: nn\n",
                                          REFERAT1.replace("/", "__"): referat})
    assert ("Ola Jøsendal forlét møtet under saka.\\ Til stades ved røystinga: 4 av 5.") in text
    assert ("Forslaget til vedtak vart vedteke med 3 røyster.\\ Det vart gjeve 1 røyst for "
            "forslaget frå Jim J. Yang.") in text
    assert "**Innstilling:** NUFA tar saken til orientering." in text  # status endelig: no error
