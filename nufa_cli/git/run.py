"""The one way nufa runs git: read-only, the same output whatever the user's setup, bounded.

nufa only ever asks git questions, so no nufa command may change anything under .git:
`git status` would otherwise refresh (rewrite) .git/index as a side effect, and an
editor or a concurrent `git commit` holding index.lock would see nufa take it.
GIT_OPTIONAL_LOCKS=0 turns that refresh off. The `git diff` porcelain refreshes the
index regardless of it, so nothing here runs it (snapshot.changed_paths compares
through plumbing instead).

User configuration that would change what nufa parses is overridden for each command:
`log.showSignature` puts gpg's report before `--format` output, and `core.fsmonitor`
starts a daemon that creates its socket in .git. Anything else (ignore files,
safe.directory, attributes) is the user's and stays as git normally reads it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from nufa_cli.core.errors import NufaError

TIMEOUT = 120  # seconds; a question nufa asks takes well under one on any real repository
_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",  # a read must not refresh (write) the user's index
    "GIT_TERMINAL_PROMPT": "0",  # never wait for a password nobody is there to type
    "GIT_PAGER": "cat",
    "LC_ALL": "C",  # git's messages, which errors quote, in one language
}
_CONFIG = ("-c", "log.showSignature=false", "-c", "core.fsmonitor=false")


class GitError(NufaError):
    exit_code = 2


def run(root: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """`git args` in root, data on its stdin; GitError when git is missing or too slow.

    A failing command is returned, not raised: to some callers failure is an answer
    ("not a repository", "no such revision")."""
    try:
        return subprocess.run(["git", "--no-pager", *_CONFIG, "-C", str(root), *args],
                              input=data, stdin=subprocess.DEVNULL if data is None else None,
                              capture_output=True, env={**os.environ, **_ENV}, timeout=TIMEOUT,
                              check=False)
    except OSError as exc:
        raise GitError("git is not installed or not on PATH; comparing revisions needs it") \
            from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} took longer than two minutes; giving up") from exc


def output(root: Path, *args: str) -> str | None:
    """git's stdout as text, stripped, when the command succeeds; else None."""
    done = run(root, *args)
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else None


def checked(root: Path, *args: str, data: bytes | None = None) -> bytes:
    """git's stdout; GitError naming the command and quoting git when it fails."""
    done = run(root, *args, data=data)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise GitError(f"git {args[0]} failed: {message}")
    return done.stdout
