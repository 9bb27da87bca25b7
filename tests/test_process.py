"""core/process.py: a function run in a forked child gives its frames in order as they are
sent, one result once it returned, nothing of a frame it did not finish, and leaves no
process behind; a container's CPU quota counts as fewer cores."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nufa_cli.core import process

pytestmark = pytest.mark.unit
forking = pytest.mark.skipif(not process.may_fork(), reason="no fork, or one core, here")

Send = Callable[[bytes], None]


def _started(work: Callable[[Send], None]) -> process.Forked:
    child = process.Forked.start(work)
    assert child is not None
    return child


def _gone(pid: int) -> bool:
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    return True


@forking
def test_frames_come_in_order_as_they_are_sent_and_the_child_is_reaped() -> None:
    def work(send: Send) -> None:
        send(b"one")
        time.sleep(0.2)  # the parent takes the first while the child is still at work
        send(b"")
        send(b"x" * (3 << 20))  # more than the pipe holds: the child waits for the reader

    child = _started(work)
    first = child.receive(wait=True)
    assert first == [b"one"] and not child.done
    frames = []
    while (more := child.receive(wait=True)) is not None:
        frames += more
    assert frames == [b"", b"x" * (3 << 20)]
    assert child.done
    child.end()
    assert _gone(child.pid)


@forking
def test_nothing_yet_is_an_empty_list_and_the_end_is_none() -> None:
    child = _started(lambda send: time.sleep(0.3))
    assert child.receive(wait=False) == []
    assert child.result() is None  # it sent no frame
    assert child.done
    child.end()
    assert _gone(child.pid)


@forking
def test_one_result_once_work_returned() -> None:
    child = _started(lambda send: send(b"the diagnostics"))
    assert child.result() == b"the diagnostics"
    child.end()


@forking
def test_a_child_that_fails_gives_what_it_sent_but_no_result() -> None:
    def work(send: Send) -> None:
        send(b"part")
        raise RuntimeError("a bug in the child")

    child = _started(work)
    assert child.receive(wait=True) == [b"part"]
    assert child.receive(wait=True) is None
    assert not child.done
    child.end()
    assert _gone(child.pid)
    assert _started(work).result() is None  # sent one frame, but did not return


@forking
def test_a_child_killed_mid_frame_leaves_nothing_of_that_frame() -> None:
    def work(send: Send) -> None:
        send(b"whole")
        send(b"y" * (64 << 20))  # the parent kills it while this is still being written

    child = _started(work)
    assert child.receive(wait=True) == [b"whole"]
    os.kill(child.pid, signal.SIGKILL)
    while (more := child.receive(wait=True)) is not None:
        assert more == []  # never a cut frame
    assert not child.done
    child.end()
    assert _gone(child.pid)


@forking
def test_ending_a_child_at_work_kills_and_reaps_it() -> None:
    child = _started(lambda send: time.sleep(60))
    started = time.monotonic()
    child.end()
    assert time.monotonic() - started < 5
    assert _gone(child.pid)
    child.end()  # once is enough: again, nothing


@pytest.mark.parametrize(("v2", "v1", "expected"), [
    ("max 100000\n", None, None),
    ("150000 100000\n", None, 1),
    ("250000 100000\n", None, 2),
    ("50000 100000\n", None, 1),  # half a core: one
    (None, ("-1\n", "100000\n"), None),
    (None, ("200000\n", "100000\n"), 2),
    (None, None, None),  # no cgroup files: no quota
    ("garbage\n", None, None),
])
def test_a_cpu_quota_counts_as_its_whole_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               v2: str | None, v1: tuple[str, str] | None,
                                               expected: int | None) -> None:
    v2_file, v1_files = tmp_path / "cpu.max", (tmp_path / "quota", tmp_path / "period")
    if v2 is not None:
        v2_file.write_text(v2, encoding="ascii")
    if v1 is not None:
        for path, text in zip(v1_files, v1, strict=True):
            path.write_text(text, encoding="ascii")
    monkeypatch.setattr(process, "QUOTA_V2", v2_file)
    monkeypatch.setattr(process, "QUOTA_V1", v1_files)
    assert process._quota() == expected
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert process.cores() == (expected or 4)
