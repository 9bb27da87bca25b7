"""The committee from nufa.yaml: its names, sakstyper and numbering, its templates folder and
its language catalogue (the built-in texts, its own catalogue file, its tekster)."""

from __future__ import annotations

from pathlib import Path

from nufa_cli.core import lang
from nufa_cli.core.errors import Severity
from nufa_cli.core.root import CONFIG
from nufa_cli.core.suggest import did_you_mean
from nufa_cli.model.objects import Committee, Source
from nufa_cli.model.reading import Reader
from nufa_cli.model.saknr import SakFormat, format_of
from nufa_cli.sources import schema


class CommitteeReader(Reader):
    """Reads nufa.yaml and what it names; the loader of the whole repository builds on it."""

    def committee(self) -> Committee:
        config, source = schema.NufaConfig(), None
        path = self.root / CONFIG
        if path.exists():
            loaded, source = self.read_yaml(path, schema.NufaConfig, ("tekster", schema.Tekster))
            self.settings.append(source)
            config = loaded or config
        maler = self.maler(source, config.maler) if source and config.maler else None
        logo_alt = config.logo_alt or f"Logo for {config.utvalg.navn}"
        texts = self.catalogue(source, config, maler)
        seksjoner = config.toppnotat.seksjoner
        if seksjoner is None:
            seksjoner = [texts("hensikt_med_saken"), texts("bakgrunn")]
        numbering = self.numbering_of(source, config)
        return Committee(config.utvalg.navn, config.utvalg.kortnavn, config.sekretariat,
                         tuple(t.navn for t in config.sakstyper), maler, config.font, logo_alt,
                         texts, tuple(seksjoner), numbering,
                         frozenset(t.navn for t in config.sakstyper if t.vedtak == "valgfritt"),
                         config.bunntekst)

    def numbering_of(self, source: Source | None, config: schema.NufaConfig) -> SakFormat:
        """nummerering and the sakstyper's series; a problem with them is reported here once
        (and no sak number is then reported for not matching the format)."""
        wanted = config.nummerering
        numbering = format_of(wanted.format, wanted.per,
                              [(t.navn, t.serie) for t in config.sakstyper])
        if source is None:
            return numbering
        problems = numbering.problems()
        for problem in problems[:1]:
            self.report(source, ("nummerering", "format"), "numbering-format", problem,
                        "e.g. format: \"{n}/{yy}\", \"{serie}-sak {n}\" or \"{n}/{yyyy}\"")
        return numbering

    def catalogue(self, source: Source | None, config: schema.NufaConfig,
                  maler: Path | None) -> lang.Catalogue:
        """The language's built-in texts, over them the committee's own catalogue file
        (<maler>/lang/<språk>.yaml), over that nufa.yaml's `tekster`."""
        language = config.språk
        known = lang.builtin_languages()
        texts: dict[str, str] = dict(lang.builtin_texts(language)) if language in known else {}
        own = lang.folder_file(maler, language) if maler else None
        own_source = None
        if own is not None and own.is_file():
            loaded, own_source = self.read_yaml(own, schema.Katalog)
            self.settings.append(own_source)  # its texts are printed
            if loaded is not None:
                texts.update(loaded.model_dump(exclude_none=True))
        if not texts:
            if source is not None:
                self.report(source, ("språk",), "unknown-language",
                            f"no texts for the language '{language}'",
                            did_you_mean(language, known, f"nufa has {', '.join(known)}; another "
                                         f"language needs its catalogue in <maler>/{lang.FOLDER}/"
                                         f"{language}.yaml"))
            return lang.builtin()
        missing = [k for k in lang.names() if k not in texts]
        if missing and own_source is not None:
            self.report(own_source, (), "catalogue-incomplete",
                        f"the catalogue lacks {len(missing)} text(s): {', '.join(missing[:8])}"
                        + (", …" if len(missing) > 8 else ""),
                        f"give every key of templates/{lang.FOLDER}/{lang.DEFAULT}.yaml; the "
                        "missing ones are printed in bokmål")
        reference = lang.builtin_texts(lang.DEFAULT)
        texts = {**reference, **texts}
        overrides: dict[str, str] = config.tekster  # validated as Tekster (committee())
        if source is not None:
            for key, value in overrides.items():
                unknown = lang.fields_of(value) - lang.fields_of(reference[key]) - set(reference)
                if unknown:
                    self.report(source, ("tekster", key), "text-field",
                                f"tekster.{key}: {{{sorted(unknown)[0]}}} is neither a field of "
                                f"this text nor the name of a text, and is printed as written",
                                "its fields: " + (", ".join(f"{{{f}}}" for f in
                                                  sorted(lang.fields_of(reference[key])))
                                                  or "none"), Severity.WARNING)
        return lang.make(language, {**texts, **overrides})

    def maler(self, source: Source, value: str) -> Path | None:
        """The committee's own templates folder: an existing folder inside the repository."""
        folder = self.root / value
        try:
            if not (Path(value).is_absolute() or ".." in Path(value).parts) and \
                    self.linked(folder):
                return None
            outside = Path(value).is_absolute() or ".." in Path(value).parts or \
                not folder.resolve().is_relative_to(self.root)
            itself = folder.resolve() == self.root  # its fingerprint would cover build/ too
            missing = not folder.is_dir()
        except (OSError, ValueError):  # a NUL byte or an over-long name: no folder can have it
            outside, itself, missing = False, False, True
        if outside or itself:
            where = "lies outside the repository" if outside else "is the repository itself"
            self.report(source, ("maler",), "maler-path", f"maler folder '{value}' {where}",
                        "give a folder inside the repository, e.g. 'maler: maler/'")
        elif missing:
            self.report(source, ("maler",), "maler-missing",
                        f"maler folder '{value}' does not exist",
                        "create the folder, or remove 'maler:' from nufa.yaml to use the "
                        "built-in templates")
        return None if outside or itself or missing else folder
