"""Commands that change sources, through positioned edits: new, renumber, referat, init."""
