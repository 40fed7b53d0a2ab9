"""Time as OpenEdge prints it: ctime() dates in messages, ``[yyyy/mm/dd@hh:mm:ss.mmm+zzzz]`` in .lg lines.

Stamps are integer microseconds since the epoch so that two changes in the same second still differ
(OpenEdge compares its own finer stamps; printed dates keep ctime's one-second resolution).
"""

from __future__ import annotations

import os
import time
from datetime import datetime


def now_us() -> int:
    """Current time in microseconds; OEDR_CLOCK_OFFSET (seconds) shifts it, for point-in-time tests."""
    offset = float(os.environ.get("OEDR_CLOCK_OFFSET", "0") or 0)
    return time.time_ns() // 1000 + int(offset * 1_000_000)


def ctime(stamp_us: int) -> str:
    """OpenEdge's message date format, e.g. ``Tue Feb  3 10:20:44 2009``."""
    return time.ctime(stamp_us / 1_000_000)


def lg_stamp(stamp_us: int) -> str:
    """The .lg line prefix date, e.g. ``2016/05/12@14:03:52.486+0400``."""
    dt = datetime.fromtimestamp(stamp_us / 1_000_000).astimezone()
    return dt.strftime("%Y/%m/%d@%H:%M:%S.") + f"{dt.microsecond // 1000:03d}" + dt.strftime("%z")


def parse_endtime(text: str) -> int | None:
    """Parse roll forward's ``yyyy:mm:dd:hh:mm:ss`` (local time) into microseconds, or None if malformed.

    ASCII digits only (strptime also reads full-width ones); a date the platform clock cannot hold (year 1
    east of Greenwich is before year 1 in UTC) is malformed too."""
    if not text.isascii():
        return None
    try:
        return int(datetime.strptime(text, "%Y:%m:%d:%H:%M:%S").timestamp()) * 1_000_000
    except (ValueError, OverflowError, OSError):
        return None
