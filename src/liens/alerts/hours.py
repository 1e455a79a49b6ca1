"""Business hours: the opening hours a response target counts in (`conversation.business_hours`).

The setting reads like a shop door: `mon-fri 09:00-18:00 Europe/Paris`, several groups separated by
`;` (`lun-ven 09:00-12:30 14:00-18:00; sam 10:00-13:00 Europe/Paris`), English or French day names,
an optional IANA time zone last (default UTC). Empty: round the clock. Timestamps of the store are
naive UTC; they are converted to the zone before counting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError

SETTING = "conversation.business_hours"
_DAYS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6,
}


@dataclass(frozen=True)
class BusinessHours:
    """Opening intervals per weekday (0 = Monday), in minutes after midnight, in `zone`."""

    by_day: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    zone: str = "UTC"
    always: bool = True

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Open seconds from `start` to `end` (naive UTC or aware datetimes)."""
        if end <= start:
            return 0.0
        if self.always:
            return (end - start).total_seconds()
        tz = ZoneInfo(self.zone)
        local_start, local_end = _aware(start).astimezone(tz), _aware(end).astimezone(tz)
        total = 0.0
        day = local_start.date()
        while day <= local_end.date():
            for lo, hi in self.by_day.get(day.weekday(), ()):
                open_at = datetime.combine(day, time(lo // 60, lo % 60), tz)
                close_at = datetime.combine(day, time(0), tz) + timedelta(minutes=hi)
                a, b = max(open_at, local_start), min(close_at, local_end)
                if b > a:
                    total += (b - a).total_seconds()
            day += timedelta(days=1)
        return total

    def hours_between(self, start: datetime, end: datetime) -> float:
        return self.seconds_between(start, end) / 3600.0

    def describe(self) -> str:
        return "24/7 UTC" if self.always else f"{self.zone}"


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _minutes(text: str, spec: str) -> int:
    try:
        hours, minutes = text.split(":")
        value = int(hours) * 60 + int(minutes)
    except ValueError:
        raise ConfigError(f"{SETTING}: '{text}' in '{spec}' is not a time (HH:MM)") from None
    if not 0 <= value <= 24 * 60 or not 0 <= int(minutes) < 60:
        raise ConfigError(f"{SETTING}: '{text}' in '{spec}' is not a time of day")
    return value


def _days(token: str, spec: str) -> list[int]:
    days: list[int] = []
    for part in token.lower().split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(e[:3] not in _DAYS for e in ends):
            raise ConfigError(f"{SETTING}: '{part}' in '{spec}' is not a day or a range of days (e.g. mon-fri, lun-ven)")
        first, last = _DAYS[ends[0][:3]], _DAYS[ends[-1][:3]]
        day = first
        while True:
            days.append(day)
            if day == last:
                break
            day = (day + 1) % 7
    return days


def parse_business_hours(spec: str) -> BusinessHours:
    """The opening hours of a `conversation.business_hours` text; ConfigError naming what is wrong."""
    spec = (spec or "").strip()
    if not spec:
        return BusinessHours()
    zone = "UTC"
    by_day: dict[int, list[tuple[int, int]]] = {}
    for group in filter(None, (g.strip() for g in spec.split(";"))):
        tokens = group.split()
        if tokens and ("/" in tokens[-1] or tokens[-1].upper() == "UTC"):
            zone = tokens.pop()
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(f"{SETTING}: unknown time zone '{zone}' (e.g. Europe/Paris)") from None
        if len(tokens) < 2:
            raise ConfigError(f"{SETTING}: '{group}' needs days then hours, e.g. 'mon-fri 09:00-18:00'")
        for day in _days(tokens[0], spec):
            for interval in tokens[1:]:
                if "-" not in interval:
                    raise ConfigError(f"{SETTING}: '{interval}' in '{spec}' is not an interval (HH:MM-HH:MM)")
                lo, hi = (_minutes(x, spec) for x in interval.split("-", 1))
                if hi <= lo:
                    raise ConfigError(f"{SETTING}: '{interval}' in '{spec}' closes before it opens")
                by_day.setdefault(day, []).append((lo, hi))
    return BusinessHours({d: tuple(sorted(v)) for d, v in by_day.items()}, zone, always=False)
