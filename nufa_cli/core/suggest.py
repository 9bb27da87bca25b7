""""did you mean ...?" for a misspelt name: one measure of closeness and one wording, wherever
nufa meets a name it does not know (a key, a sakstype, a member id, a diagnostic code)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str], otherwise: str, *,
                 ignore_case: bool = False) -> str:
    """"did you mean 'x'?" for the choice closest to word, else `otherwise`. With ignore_case,
    a choice that differs from word only in case comes first."""
    choices = list(choices)
    if ignore_case:
        folded = {choice.casefold(): choice for choice in choices}
        if word.casefold() in folded:
            return f"did you mean '{folded[word.casefold()]}'?"
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean '{close[0]}'?" if close else otherwise
