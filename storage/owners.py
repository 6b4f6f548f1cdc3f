"""Who holds a claim, and whether that process is gone.

An alert being sent and a run under way carry their process's owner tag,
``host:pid:start`` (the start time, in clock ticks since boot, tells a pid
reused by another process apart). A process that finds a tag of its own host
whose process is gone (killed, crashed) takes the claim back at once, instead
of waiting for a lease to expire; a claim from another host waits for its
lease, since its process cannot be seen from here.
"""

from __future__ import annotations

import os
import socket

__all__ = ["current_owner", "gone"]


def _start(pid: int) -> str | None:
    """The process's start time (Linux ``/proc``), or None when there is none."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    if fields[0] == b"Z":  # exited, not yet reaped
        return None
    return fields[19].decode()


def current_owner() -> str:
    """This process's owner tag."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start(pid) or ''}"


def gone(owner: str | None) -> bool:
    """Whether ``owner`` is a process of this host that no longer runs."""
    if not owner:
        return False
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid, start = int(parts[1]), parts[2]
    now = _start(pid)
    if now is None:
        if os.path.isdir("/proc"):
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return bool(start) and now != start
