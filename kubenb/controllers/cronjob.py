"""The CronJob controller (`pkg/controller/cronjob`, v2) and its cron parser (`robfig/cron/v3`).

Schedules are parsed as `cron.ParseStandard` does: five fields (minute, hour, day of month, month,
day of week) with `*`, `?`, lists, ranges, steps, month and day names, the descriptors `@yearly`
`@annually` `@monthly` `@weekly` `@daily` `@midnight` `@hourly` `@every <duration>`, and a
`TZ=`/`CRON_TZ=` prefix. Day of month and day of week are ORed when both are restricted,
ANDed when one is `*`. `Next` walks the calendar exactly like `SpecSchedule.Next`, including its
daylight-saving behaviour (a 02:30 that does not exist is skipped; an hour that happens twice
runs twice). `spec.timeZone` becomes a `TZ=` prefix; without it the schedule is in the
controller manager's zone, UTC.

The controller wakes at each scheduled time (+100 ms) on the simulated clock, creates a Job
named `<cronjob>-<scheduled time in minutes since the epoch>` from `jobTemplate`, and keeps
`status.active`, `lastScheduleTime` and `lastSuccessfulTime`. `concurrencyPolicy`: `Allow` runs
Jobs side by side, `Forbid` skips a run while one is active, `Replace` deletes the active Jobs
first. A run later than `startingDeadlineSeconds` is missed. Finished Jobs beyond
`successfulJobsHistoryLimit`/`failedJobsHistoryLimit` are deleted, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Optional, Union

from kubenb.api.base import deep_copy, evolve
from kubenb.controllers.base import Controller, owner_reference
from kubenb.controllers.job import finished_condition, is_job_finished, is_job_succeeded
from kubenb.sim.clock import format_rfc1123z, format_rfc3339, parse_rfc3339
from kubenb.sim.duration import parse_duration_ns
from kubenb.store import WatchEvent
from kubenb.store.errors import StatusError

NEXT_SCHEDULE_DELTA = 0.1             # nextScheduleDelta: requeue 100ms after the scheduled time
SCHEDULED_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"
SCHEDULED_ANNOTATION_MINOR = 32       # CronJobsScheduledAnnotation beta
CONDITION_TEXT_MINOR = 31             # "Saw completed job: %s, condition: %v" (was "status: %v")

# ---------------------------------------------------------------- time zones (time.LoadLocation)


class CronError(ValueError):
    """A schedule robfig/cron rejects, with its error text."""


def load_location(name: str) -> tzinfo:
    """`time.LoadLocation`: "" and "UTC" are UTC, "Local" is the controller manager's zone (UTC)."""
    if name in ("", "UTC", "Local"):
        return UTC
    from zoneinfo import ZoneInfo

    try:
        if name.startswith("/") or ".." in name or "\\" in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ValueError, OSError, LookupError):
        raise CronError(f"unknown time zone {name}") from None


# ---------------------------------------------------------------- Go time arithmetic on unix seconds


def _wall(t: int, loc: tzinfo) -> datetime:
    return datetime.fromtimestamp(t, UTC).astimezone(loc)


def _offset(t: int, loc: tzinfo) -> int:
    off = _wall(t, loc).utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def go_date(year: int, month: int, day: int, hour: int, minute: int, second: int, loc: tzinfo) -> int:
    """`time.Date`: normalise overflowing fields, then resolve the wall time in `loc` as Go does
    (a wall time in a spring-forward gap lands on the offset *after* the transition)."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    wall = int((datetime(year, month, 1, tzinfo=UTC) + timedelta(days=day - 1, hours=hour, minutes=minute,
                                                                  seconds=second)).timestamp())
    offset = _offset(wall, loc)
    if offset:
        utc = wall - offset
        offset2 = _offset(utc, loc)
        if offset2 != offset:
            offset = offset2
    return wall - offset


def go_weekday(dt: datetime) -> int:
    return (dt.weekday() + 1) % 7  # Go: Sunday = 0


# ---------------------------------------------------------------- schedules (spec.go, constantdelay.go)

STAR_BIT = 1 << 63


@dataclass(frozen=True)
class Bounds:
    min: int
    max: int
    names: Optional[dict[str, int]] = None


SECONDS = Bounds(0, 59)
MINUTES = Bounds(0, 59)
HOURS = Bounds(0, 23)
DOM = Bounds(1, 31)
MONTHS = Bounds(1, 12, {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
                        "sep": 9, "oct": 10, "nov": 11, "dec": 12})
DOW = Bounds(0, 6, {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6})


@dataclass(frozen=True)
class SpecSchedule:
    """`SpecSchedule`: one bit set per allowed value (`starBit` marks a `*` field)."""

    second: int
    minute: int
    hour: int
    dom: int
    month: int
    dow: int
    location: Optional[tzinfo] = None  # None is Go's time.Local: the zone of the time given to `next`

    def next(self, t: float, local: tzinfo = UTC) -> Optional[int]:
        """`Next`: the first activation strictly after `t` (unix seconds), None if none within 5 years.

        `local` is the zone of `t` (what a Local schedule computes in); the controller manager's is UTC.
        """
        loc = self.location if self.location is not None else local
        t = int(t // 1) + 1
        added = False
        year_limit = _wall(t, loc).year + 5
        while True:  # WRAP
            w = _wall(t, loc)
            if w.year > year_limit:
                return None
            wrapped = False
            while not (1 << w.month) & self.month:
                if not added:
                    added = True
                    t = go_date(w.year, w.month, 1, 0, 0, 0, loc)
                    w = _wall(t, loc)
                t = go_date(w.year, w.month + 1, w.day, w.hour, w.minute, w.second, loc)
                w = _wall(t, loc)
                if w.month == 1:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not self._day_matches(w):
                if not added:
                    added = True
                    t = go_date(w.year, w.month, w.day, 0, 0, 0, loc)
                    w = _wall(t, loc)
                t = go_date(w.year, w.month, w.day + 1, w.hour, w.minute, w.second, loc)
                w = _wall(t, loc)
                # midnight may not exist (DST): move back to it, or on to the next day's
                if w.hour != 0:
                    t += (24 - w.hour) * 3600 if w.hour > 12 else -w.hour * 3600
                    w = _wall(t, loc)
                if w.day == 1:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not (1 << w.hour) & self.hour:
                if not added:
                    added = True
                    t = go_date(w.year, w.month, w.day, w.hour, 0, 0, loc)
                t += 3600
                w = _wall(t, loc)
                if w.hour == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not (1 << w.minute) & self.minute:
                if not added:
                    added = True
                    t -= t % 60
                t += 60
                w = _wall(t, loc)
                if w.minute == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not (1 << w.second) & self.second:
                if not added:
                    added = True
                t += 1
                w = _wall(t, loc)
                if w.second == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            return t

    def _day_matches(self, w: datetime) -> bool:
        dom_match = bool((1 << w.day) & self.dom)
        dow_match = bool((1 << go_weekday(w)) & self.dow)
        if self.dom & STAR_BIT or self.dow & STAR_BIT:
            return dom_match and dow_match
        return dom_match or dow_match


@dataclass(frozen=True)
class ConstantDelaySchedule:
    """`@every <duration>`: whole seconds, at least one."""

    delay: int

    def next(self, t: float, local: tzinfo = UTC) -> Optional[int]:
        return int(t // 1) + self.delay


Schedule = Union[SpecSchedule, ConstantDelaySchedule]


# ---------------------------------------------------------------- parser (parser.go)

SECOND, SECOND_OPTIONAL, MINUTE, HOUR, DOM_FIELD, MONTH_FIELD, DOW_FIELD, DOW_OPTIONAL, DESCRIPTOR = (
    1 << i for i in range(9))
_PLACES = (SECOND, MINUTE, HOUR, DOM_FIELD, MONTH_FIELD, DOW_FIELD)
_DEFAULTS = ("0", "0", "0", "*", "*", "*")
STANDARD = MINUTE | HOUR | DOM_FIELD | MONTH_FIELD | DOW_FIELD | DESCRIPTOR
WITH_SECONDS = SECOND | MINUTE | HOUR | DOM_FIELD | MONTH_FIELD | DOW_OPTIONAL | DESCRIPTOR


def get_bits(lo: int, hi: int, step: int) -> int:
    if step == 1:
        return ~((-1) << (hi + 1)) & ((-1) << lo) & ((1 << 64) - 1)
    bits = 0
    for i in range(lo, hi + 1, step):
        bits |= 1 << i
    return bits


def all_bits(r: Bounds) -> int:
    return get_bits(r.min, r.max, 1) | STAR_BIT


def _go_atoi(expr: str) -> int:
    """strconv.Atoi with its error text."""
    text = expr[1:] if expr[:1] in "+-" else expr
    if not text or not text.isdigit() or not text.isascii():
        raise CronError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    return int(expr)


def _must_parse_int(expr: str) -> int:
    num = _go_atoi(expr)
    if num < 0:
        raise CronError(f"negative number ({num}) not allowed: {expr}")
    return num


def _int_or_name(expr: str, names: Optional[dict[str, int]]) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _must_parse_int(expr)


def get_range(expr: str, r: Bounds) -> int:
    """`getRange`: `number | number "-" number [ "/" number ]`, `*` and `?`."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    extra = 0
    if low_and_high[0] in ("*", "?"):
        start, end, extra = r.min, r.max, STAR_BIT
    else:
        start = _int_or_name(low_and_high[0], r.names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], r.names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _must_parse_int(range_and_step[1])
        if single:
            end = r.max  # "N/step" means "N-max/step"
        if step > 1:
            extra = 0
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < r.min:
        raise CronError(f"beginning of range ({start}) below minimum ({r.min}): {expr}")
    if end > r.max:
        raise CronError(f"end of range ({end}) above maximum ({r.max}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    return get_bits(start, end, step) | extra


def get_field(field: str, r: Bounds) -> int:
    bits = 0
    for expr in (e for e in field.split(",") if e):
        bits |= get_range(expr, r)
    return bits


def _go_fields(fields: list[str]) -> str:
    return "[" + " ".join(fields) + "]"


def normalize_fields(fields: list[str], options: int) -> list[str]:
    optionals = 0
    if options & SECOND_OPTIONAL:
        options |= SECOND
        optionals += 1
    if options & DOW_OPTIONAL:
        options |= DOW_FIELD
        optionals += 1
    if optionals > 1:
        raise CronError("multiple optionals may not be configured")
    most = sum(1 for place in _PLACES if options & place)
    least = most - optionals
    if not least <= len(fields) <= most:
        if least == most:
            raise CronError(f"expected exactly {least} fields, found {len(fields)}: {_go_fields(fields)}")
        raise CronError(f"expected {least} to {most} fields, found {len(fields)}: {_go_fields(fields)}")
    if least < most and len(fields) == least:
        if options & DOW_OPTIONAL:
            fields = [*fields, _DEFAULTS[5]]
        elif options & SECOND_OPTIONAL:
            fields = [_DEFAULTS[0], *fields]
    expanded = list(_DEFAULTS)
    n = 0
    for i, place in enumerate(_PLACES):
        if options & place:
            expanded[i] = fields[n]
            n += 1
    return expanded


def parse(spec: str, options: int = STANDARD) -> Schedule:
    """`Parser.Parse` (`options=STANDARD` is `cron.ParseStandard`); raises :class:`CronError`."""
    if not spec:
        raise CronError("empty spec string")
    loc: Optional[tzinfo] = None
    if spec.startswith("TZ=") or spec.startswith("CRON_TZ="):
        i = spec.find(" ")
        eq = spec.find("=")
        name = spec[eq + 1:i] if i >= 0 else spec[eq + 1:]
        try:
            loc = load_location(name)
        except CronError as e:
            raise CronError(f"provided bad location {name}: {e}") from None
        spec = spec[i:].strip() if i >= 0 else ""
    if spec.startswith("@"):
        if not options & DESCRIPTOR:
            raise CronError(f"parser does not accept descriptors: {spec}")
        return parse_descriptor(spec, loc)
    fields = normalize_fields(spec.split(), options)
    return SpecSchedule(second=get_field(fields[0], SECONDS), minute=get_field(fields[1], MINUTES),
                        hour=get_field(fields[2], HOURS), dom=get_field(fields[3], DOM),
                        month=get_field(fields[4], MONTHS), dow=get_field(fields[5], DOW), location=loc)


def parse_standard(spec: str) -> Schedule:
    return parse(spec, STANDARD)


def parse_descriptor(descriptor: str, loc: Optional[tzinfo] = None) -> Schedule:
    one = 1
    if descriptor in ("@yearly", "@annually"):
        return SpecSchedule(one << SECONDS.min, one << MINUTES.min, one << HOURS.min, one << DOM.min,
                            one << MONTHS.min, all_bits(DOW), loc)
    if descriptor == "@monthly":
        return SpecSchedule(one << SECONDS.min, one << MINUTES.min, one << HOURS.min, one << DOM.min,
                            all_bits(MONTHS), all_bits(DOW), loc)
    if descriptor == "@weekly":
        return SpecSchedule(one << SECONDS.min, one << MINUTES.min, one << HOURS.min, all_bits(DOM),
                            all_bits(MONTHS), one << DOW.min, loc)
    if descriptor in ("@daily", "@midnight"):
        return SpecSchedule(one << SECONDS.min, one << MINUTES.min, one << HOURS.min, all_bits(DOM),
                            all_bits(MONTHS), all_bits(DOW), loc)
    if descriptor == "@hourly":
        return SpecSchedule(one << SECONDS.min, one << MINUTES.min, all_bits(HOURS), all_bits(DOM),
                            all_bits(MONTHS), all_bits(DOW), loc)
    every = "@every "
    if descriptor.startswith(every):
        try:
            ns = parse_duration_ns(descriptor[len(every):])
        except ValueError as e:
            raise CronError(f"failed to parse duration {descriptor}: {e}") from None
        seconds = max(ns, 1_000_000_000) // 1_000_000_000
        return ConstantDelaySchedule(seconds)
    raise CronError(f"unrecognized descriptor: {descriptor}")


# ---------------------------------------------------------------- schedule times (utils.go)


def most_recent_schedule_time(cj: Any, now: float, schedule: Schedule,
                              include_starting_deadline: bool) -> tuple[float, Optional[int], str]:
    """`mostRecentScheduleTime`: (earliest time, most recent unmet time or None, none|few|many missed).

    Raises :class:`CronError` for a schedule that never fires twice a second apart (`0 0 31 2 *`).
    """
    earliest = parse_rfc3339(cj.metadata.creation_timestamp) if cj.metadata.creation_timestamp else now
    if cj.status.last_schedule_time:
        earliest = parse_rfc3339(cj.status.last_schedule_time)
    if include_starting_deadline and cj.spec.starting_deadline_seconds is not None:
        deadline = now - cj.spec.starting_deadline_seconds
        if deadline > earliest:
            earliest = deadline
    t1 = schedule.next(earliest)
    t2 = schedule.next(t1) if t1 is not None else None
    if t1 is not None and now < t1:
        return earliest, None, "none"
    if t1 is not None and t2 is not None and now < t2:
        return earliest, t1, "none"
    # a schedule that never fires (Next gives Go's zero time) makes the difference < 1s
    between = int(round(t2 - t1)) if t1 is not None and t2 is not None else 0
    if between < 1:
        raise CronError("time difference between two schedules is less than 1 second")
    elapsed = int(now - t1)
    missed = elapsed // between + 1
    most_recent: Optional[int] = None
    t: Optional[int] = schedule.next(t1 + (missed - 2) * between)
    while t is not None and t <= now:
        most_recent = t
        t = schedule.next(t)
    kind = "many" if missed > 100 else "few" if missed > 0 else "none"
    return earliest, most_recent, kind


def next_schedule_time_delay(cj: Any, now: float, schedule: Schedule) -> Optional[float]:
    """`nextScheduleTimeDuration`: seconds until the next run after the last one, + 100 ms."""
    try:
        earliest, most_recent, missed = most_recent_schedule_time(cj, now, schedule, False)
        base: float = most_recent if most_recent is not None else (earliest if missed == "none" else now)
    except CronError:
        base = now
    nxt = schedule.next(base)
    if nxt is None:
        return None
    return nxt + NEXT_SCHEDULE_DELTA - now


def job_name(cj: Any, scheduled: float) -> str:
    """`getJobName`: `<cronjob>-<minutes since the epoch>`."""
    return f"{cj.metadata.name}-{int(scheduled) // 60}"


def format_schedule(cj: Any) -> str:
    """`formatSchedule`: the schedule with `TZ=<timeZone>` in front when a valid zone is set."""
    if "TZ" in cj.spec.schedule:
        return cj.spec.schedule
    if cj.spec.time_zone is not None:
        try:
            load_location(cj.spec.time_zone)
        except CronError:
            return cj.spec.schedule
        return f"TZ={cj.spec.time_zone} {cj.spec.schedule}"
    return cj.spec.schedule


# ---------------------------------------------------------------- the controller


class CronJobController(Controller):
    component = "cronjob-controller"

    def __init__(self, cluster) -> None:
        super().__init__(cluster)
        self.minor = cluster.version.minor
        self.store.watch(self._on_cronjob, "CronJob")
        self.store.watch(self._on_job, "Job")

    def _on_cronjob(self, ev: WatchEvent) -> None:
        cj, old = ev.object, ev.old_object
        key = (cj.metadata.namespace or "", cj.metadata.name or "")
        if ev.type == "MODIFIED" and old is not None and \
                (old.spec.schedule != cj.spec.schedule or old.spec.time_zone != cj.spec.time_zone):
            try:
                schedule = parse_standard(format_schedule(cj))
            except CronError:
                self.events.warning(cj, "UnParseableCronJobSchedule",
                                    f"unparseable schedule for cronjob: {cj.spec.schedule}")
                return
            delay = next_schedule_time_delay(cj, self.clock.now, schedule)
            if delay is not None:
                self.queue.add_after(key, delay)
            return
        self.queue.add(key)

    def _on_job(self, ev: WatchEvent) -> None:
        refs = [ev.object.metadata.controller_ref()]
        if ev.old_object is not None:
            refs.append(ev.old_object.metadata.controller_ref())
        ns = ev.object.metadata.namespace or ""
        for ref in refs:
            if ref is None or ref.kind != "CronJob":
                continue
            cj = self.store.try_get("CronJob", ns, ref.name)
            if cj is not None and cj.metadata.uid == ref.uid:
                self.queue.add((ns, ref.name))

    def sync(self, namespace: str, name: str) -> Optional[float]:
        cj = self.store.try_get("CronJob", namespace, name)
        if cj is None:
            return None
        jobs = [j for j in self.store.list("Job", namespace)
                if (ref := j.metadata.controller_ref()) is not None and ref.name == name]
        copy = evolve(cj, deep=("status",))
        changed = self._cleanup_finished_jobs(copy, jobs)
        requeue, changed_by_sync = self._sync_cronjob(copy, jobs)
        if changed or changed_by_sync:
            try:
                self.store.update(evolve(cj, deep=(), status=copy.status), subresource="status")
            except StatusError:
                return 1.0
        if requeue is not None:
            self.queue.add_after((namespace, name), requeue)
        return None

    # ---------------------------------------------------------------- syncCronJob

    def _sync_cronjob(self, cj: Any, jobs: list[Any]) -> tuple[Optional[float], bool]:
        now = self.clock.now
        update = False
        children = {j.metadata.uid for j in jobs}
        active = cj.status.active or []
        for j in jobs:
            found = any(ref.uid == j.metadata.uid for ref in active)
            if not found and not is_job_finished(j):
                self.events.warning(cj, "UnexpectedJob",
                                    f"Saw a job that the controller did not create or forgot: {j.metadata.name}")
            elif is_job_finished(j):
                if found:
                    cond = finished_condition(j)
                    self._remove_active(cj, j.metadata.uid)
                    word = "condition" if self.minor >= CONDITION_TEXT_MINOR else "status"
                    self.events.normal(cj, "SawCompletedJob", f"Saw completed job: {j.metadata.name}, {word}: {cond}")
                    update = True
                if is_job_succeeded(j) and j.status.completion_time:
                    last = cj.status.last_successful_time
                    if last is None or parse_rfc3339(j.status.completion_time) > parse_rfc3339(last):
                        cj.status.last_successful_time = j.status.completion_time
                        update = True
        for ref in list(cj.status.active or ()):
            if ref.uid in children:
                continue
            if self.store.try_get("Job", ref.namespace or "", ref.name or "") is None:
                self.events.normal(cj, "MissingJob", f"Active job went missing: {ref.name}")
                self._remove_active(cj, ref.uid)
                update = True

        if cj.metadata.deletion_timestamp is not None:
            return None, update
        if cj.spec.time_zone is not None:
            try:
                load_location(cj.spec.time_zone)
            except CronError as e:
                self.events.warning(cj, "UnknownTimeZone", f'invalid timeZone: "{cj.spec.time_zone}": {e}')
                return None, update
        if cj.spec.suspend:
            return None, update
        if "TZ" in cj.spec.schedule:
            self.events.warning(cj, "UnsupportedSchedule",
                                f'CRON_TZ or TZ used in schedule "{cj.spec.schedule}" is not officially supported, '
                                "see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details")
        try:
            schedule = parse_standard(format_schedule(cj))
        except CronError as e:
            self.events.warning(cj, "UnparseableSchedule", f'unparseable schedule: "{cj.spec.schedule}" : {e}')
            return None, update
        try:
            _, scheduled, missed = most_recent_schedule_time(cj, now, schedule, True)
        except CronError as e:
            self.events.warning(cj, "InvalidSchedule", f"invalid schedule: {cj.spec.schedule} : {e}")
            return None, update
        if scheduled is not None and missed == "many":
            self.events.warning(cj, "TooManyMissedTimes", "too many missed start times. Set or decrease "
                                ".spec.startingDeadlineSeconds or check clock skew")
        if scheduled is None or scheduled > now:
            return next_schedule_time_delay(cj, now, schedule), update

        deadline = cj.spec.starting_deadline_seconds
        if deadline is not None and scheduled + deadline < now:
            self.events.warning(cj, "MissSchedule",
                                f"Missed scheduled time to start a job: {format_rfc1123z(scheduled)}")
            return next_schedule_time_delay(cj, now, schedule), update
        name = job_name(cj, scheduled)
        if any(ref.name == name and ref.namespace == cj.metadata.namespace for ref in cj.status.active or ()) or \
                (cj.status.last_schedule_time and parse_rfc3339(cj.status.last_schedule_time) == scheduled):
            return next_schedule_time_delay(cj, now, schedule), update
        if cj.spec.concurrency_policy == "Forbid" and cj.status.active:
            self.events.normal(cj, "JobAlreadyActive",
                               "Not starting job because prior execution is running and concurrency policy is Forbid")
            return next_schedule_time_delay(cj, now, schedule), update
        if cj.spec.concurrency_policy == "Replace":
            for ref in list(cj.status.active or ()):
                job = self.store.try_get("Job", ref.namespace or "", ref.name or "")
                if job is None:
                    self.events.warning(cj, "FailedGet", f'Get job: jobs.batch "{ref.name}" not found')
                    return None, update
                if not self._delete_job(cj, job):
                    return None, update
                update = True

        job = self._job_from_template(cj, scheduled)
        try:
            created = self.store.create(job)
        except StatusError as e:
            if e.reason != "AlreadyExists":
                self.events.warning(cj, "FailedCreate", f"Error creating job: {e}")
                return None, update
            created = self.store.get("Job", job.metadata.namespace or "", job.metadata.name or "")
            ref = created.metadata.controller_ref()
            if ref is None or ref.uid != cj.metadata.uid:
                return None, update
            if any(r.uid == created.metadata.uid for r in cj.status.active or ()):
                return None, update
        else:
            self.events.normal(cj, "SuccessfulCreate", f"Created job {created.metadata.name}")
        from kubenb.api.core import ObjectReference

        cj.status.active = [*(cj.status.active or ()), ObjectReference(
            kind="Job", namespace=created.metadata.namespace, name=created.metadata.name, uid=created.metadata.uid,
            api_version="batch/v1", resource_version=created.metadata.resource_version)]
        cj.status.last_schedule_time = format_rfc3339(scheduled)
        return next_schedule_time_delay(cj, now, schedule), True

    def _job_from_template(self, cj: Any, scheduled: int) -> Any:
        """`getJobFromTemplate2`: template labels and annotations, the deterministic name, a controller ref."""
        from kubenb.api.batch import Job
        from kubenb.api.meta import ObjectMeta

        template = cj.spec.job_template
        annotations = dict(template.metadata.annotations or {})
        if self.minor >= SCHEDULED_ANNOTATION_MINOR:
            loc = load_location(cj.spec.time_zone or "")
            annotations[SCHEDULED_ANNOTATION] = _rfc3339_in(scheduled, loc)
        return Job(api_version="batch/v1", kind="Job", metadata=ObjectMeta(
            name=job_name(cj, scheduled), namespace=cj.metadata.namespace,
            labels=dict(template.metadata.labels or {}) or None, annotations=annotations or None,
            owner_references=[owner_reference(cj)]), spec=deep_copy(template.spec))

    def _remove_active(self, cj: Any, uid: Optional[str]) -> None:
        cj.status.active = [r for r in cj.status.active or () if r.uid != uid] or None

    def _delete_job(self, cj: Any, job: Any) -> bool:
        """`deleteJob`: background deletion, out of the active list, `SuccessfulDelete` `Deleted job <name>`."""
        try:
            self.store.delete("Job", job.metadata.namespace or "", job.metadata.name or "", propagation="Background")
        except StatusError as e:
            self.events.warning(cj, "FailedDelete", f"Deleted job: {e}")
            return False
        self._remove_active(cj, job.metadata.uid)
        self.events.normal(cj, "SuccessfulDelete", f"Deleted job {job.metadata.name}")
        return True

    # ---------------------------------------------------------------- cleanupFinishedJobs

    def _cleanup_finished_jobs(self, cj: Any, jobs: list[Any]) -> bool:
        if cj.spec.failed_jobs_history_limit is None and cj.spec.successful_jobs_history_limit is None:
            return False
        succeeded = [j for j in jobs if finished_condition(j) == "Complete"]
        failed = [j for j in jobs if finished_condition(j) == "Failed"]
        update = False
        for limit, finished in ((cj.spec.successful_jobs_history_limit, succeeded),
                                (cj.spec.failed_jobs_history_limit, failed)):
            if limit is None or len(finished) <= limit:
                continue
            for job in sorted(finished, key=_by_start_time)[:len(finished) - limit]:
                if self._delete_job(cj, job):
                    update = True
        return update


def _by_start_time(job: Any) -> tuple:
    """`byJobStartTime`: started jobs by start time (then name), jobs never started last."""
    start = job.status.start_time
    return (start is None, parse_rfc3339(start) if start else 0.0, job.metadata.name or "")


def _rfc3339_in(t: int, loc: tzinfo) -> str:
    """Go's `time.RFC3339` of `t` in `loc` (`Z` for UTC, else `+hh:mm`)."""
    w = _wall(t, loc)
    off = w.utcoffset()
    if not off:
        return w.strftime("%Y-%m-%dT%H:%M:%SZ")
    return w.isoformat(timespec="seconds")
