"""Write the instructor guide, docs/instructor_guide.md, from the course itself.

    .venv/bin/python tools/build_guide.py           # (re)write the guide (make guide)
    .venv/bin/python tools/build_guide.py --check   # exit 1 when the guide is stale

Where each part comes from:

* per lesson, from ``notebooks/NN_*.ipynb``: the title, objectives ("You will learn"),
  prerequisites and minutes of teaching and exercises (the first cell), and the key
  points (the "## Key points" section of the last cells);
* measured run times and peak memory from ``benchmarks/notebooks.json`` (``make bench``);
* hand-written parts from ``docs/guide_notes.toml``: common mistakes, where to pause, the
  planned minutes of lessons not written yet, and the workshop schedules;
* the rest (how to teach, the offline checklist) from the text in this file.

A maintainer tool, run from a clone of the repository; it is not part of the installed
``course_lib`` and imports nothing from it.

It handles whatever lessons exist: a lesson without a notebook yet appears with its
planned minutes, marked as planned. tests/test_instructor_guide.py fails when the guide
differs from what this script writes.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # tools/ sits at the top of the repository
GUIDE = Path("docs/instructor_guide.md")
NOTES = Path("docs/guide_notes.toml")
BENCHMARKS = Path("benchmarks/notebooks.json")
COMMAND = ".venv/bin/python tools/build_guide.py"


@dataclass
class Lesson:
    """What the guide says about one lesson."""

    number: str
    title: str
    notebook: str | None = None  # relative path, None while the lesson is not written
    objectives: list[str] = field(default_factory=list)
    prerequisites: str = ""
    teaching: int | None = None
    exercises: int | None = None
    key_points: list[str] = field(default_factory=list)
    planned: tuple[int, int] | None = None
    mistakes: list[str] = field(default_factory=list)
    pauses: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def minutes(self) -> tuple[int, int] | None:
        """(teaching, exercises): from the notebook when it says, else the plan."""
        if self.teaching is not None and self.exercises is not None:
            return self.teaching, self.exercises
        return self.planned

    @property
    def measured_minutes(self) -> bool:
        return self.teaching is not None and self.exercises is not None


# --------------------------------------------------------------------------------------
# Reading notebooks
# --------------------------------------------------------------------------------------


def _markdown_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text("utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "markdown"]


def _bullets(text: str) -> list[str]:
    """The '- ' items at the start of ``text``, continuation lines joined, until a blank line."""
    items: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            if items:
                break
            continue
        if line.startswith(("- ", "* ")):
            items.append(line[2:].strip())
        elif items and line.startswith(" "):
            items[-1] += " " + line.strip()
        else:
            break
    return items


def _after(label: str, text: str) -> str:
    """The paragraph after ``**Label:**`` (or ``**Label**``), joined into one line."""
    match = re.search(rf"\*\*{label}:?\*\*:?[ \t]*(.*?)(?:\n\s*\n|\Z)", text, re.S)
    return " ".join(match.group(1).split()) if match else ""


def read_lesson(path: Path, root: Path) -> Lesson:
    """The title, objectives, prerequisites, minutes and key points of one lesson notebook."""
    number = path.name[:2]
    cells = _markdown_cells(path)
    relative = path.relative_to(root).as_posix()
    lesson = Lesson(number=number, title=path.stem[3:].replace("_", " "), notebook=relative)
    first = next((c for c in cells if re.match(rf"#\s*{number}\b", c.lstrip())), None)
    if first is None:
        lesson.problems.append(f"no first cell starting with '# {number} · Title'")
        first = ""
    else:
        heading = first.lstrip().splitlines()[0]
        lesson.title = re.sub(rf"^#\s*{number}\s*[·:.-]?\s*", "", heading).strip()
    learn = re.search(r"\*\*You will learn\*\*:?\s*\n(.*)", first, re.S)
    lesson.objectives = _bullets(learn.group(1)) if learn else []
    if not lesson.objectives:
        lesson.problems.append("no objectives ('**You will learn**' and a list) in the first cell")
    lesson.prerequisites = _after("Prerequisites", first)
    time = _after("Time", first)
    numbers = re.findall(r"(\d+)\s*min", time)
    exercise = re.search(r"(\d+)\s*min\w*\s+(?:of\s+)?(?:exercises|practice)", time)
    if numbers and exercise:
        lesson.teaching, lesson.exercises = int(numbers[0]), int(exercise.group(1))
    else:
        lesson.problems.append("no '**Time:** N minutes of teaching, M minutes of exercises' in the first cell")
    for cell in reversed(cells):
        match = re.search(r"^##\s*Key points\s*$(.*?)(?=^##\s|\Z)", cell, re.S | re.M)
        if match:
            lesson.key_points = _bullets(match.group(1))
            break
    if not lesson.key_points:
        lesson.problems.append("no '## Key points' list in the last cells")
    return lesson


def read_notes(root: Path) -> dict:
    with open(root / NOTES, "rb") as f:
        return tomllib.load(f)


def read_benchmarks(root: Path) -> tuple[dict, dict[str, dict]]:
    """(machine, results by notebook path) from ``make bench``; empty when not run yet."""
    path = root / BENCHMARKS
    if not path.exists():
        return {}, {}
    data = json.loads(path.read_text("utf-8"))
    return data.get("machine", {}), {r["notebook"]: r for r in data.get("results", [])}


def lessons(root: Path, notes: dict) -> list[Lesson]:
    """Every lesson: those with a notebook, read from it, and the planned ones from the notes."""
    found = {p.name[:2]: read_lesson(p, root) for p in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
    result = []
    for number in sorted(set(found) | set(notes.get("lessons", {}))):
        note = notes.get("lessons", {}).get(number, {})
        lesson = found.get(number) or Lesson(number=number, title=note.get("title", f"lesson {number}"))
        if "planned" in note:
            lesson.planned = (int(note["planned"][0]), int(note["planned"][1]))
        lesson.mistakes = list(note.get("mistakes", []))
        lesson.pauses = list(note.get("pauses", []))
        result.append(lesson)
    return result


# --------------------------------------------------------------------------------------
# Writing the guide
# --------------------------------------------------------------------------------------

INTRO = """\
# Instructor guide

<!-- Generated by tools/build_guide.py from the lesson notebooks, benchmarks/notebooks.json
and docs/guide_notes.toml. Do not edit by hand: edit those, then run
`{command}`. -->

This guide is for whoever teaches the course in a room (or a video call), in the spirit of
[The Carpentries' instructor notes](https://carpentries.github.io/instructor-training/):
objectives and key points per lesson, realistic timings, the mistakes learners make, and
where to stop and check that everyone is still with you. The objectives, times and key
points are read from the lessons themselves, and the run times are measured by
`make bench`, so they stay true when a lesson changes.

## How to teach it

- **Live-code, do not present.** Type the cells (or run them one by one and explain each
  before running it); learners follow in their own copy. Slow down at every matrix shape.
- **Sticky notes.** Every learner has a green and a red one: green on the laptop lid when
  a step worked, red when stuck. Helpers walk to the red ones.
- **Predict, then run.** Before a cell whose result is the point (a nearest neighbour, an
  analogy, a map), ask for predictions; then run it.
- **Exercises** are in `exercises/NN_*.ipynb`: blanks `____`, and `q1.check()` answers
  back. Learners work in pairs; `q1.hint()` before `q1.solution()`. The exercise minutes
  below are for that.
- **Explorers** (sliders and buttons from `course_lib.show.explorers`, first in lesson 01) are
  for pair work: one drives, the other predicts. They need a running kernel; on GitHub a table of the
  stored settings shows instead.
- **Restart the kernel between lessons** (*Kernel → Restart Kernel*): every lesson
  stands alone, and memory from one does not add to the next.
"""

BEFORE = """\
## Before the workshop

**Two weeks before: every learner checks their laptop.** Send the README's quickstart
(`git clone ...`, then `make lab`, or the conda route without make) and ask each learner
to run, from the course folder,

```bash
python -m course_lib.environment      # .venv/bin/python -m course_lib.environment after make lab
```

It prints one line per package, the datasets that ship inside packages, and the compute
device, and ends with "All set" (exit status 0) or lists what is missing (non-zero). Ask
for a screenshot of the last lines; chase the missing ones before the day, not during it.
Lesson 00 runs the same check, so a late learner finds out in the first ten minutes.

**Plan B for a laptop that cannot be fixed:** Binder (no install, 2 GB of memory, no GPU,
a session that ends when idle) or Colab (a Google account; its setup cell installs the
course helpers). Both need the internet, so they are no help in an offline room.

**Timings.** Run `make bench` on a laptop like the learners' and regenerate this guide
(`{command}`); the measured run times below are what learners wait for when
they run a lesson top to bottom (live teaching takes longer: see the minutes).
"""

OFFLINE = """\
## Offline workshop checklist

Every dataset the lessons use and the sentence encoder ship inside the pinned packages,
so once `make lab` has run, the lessons need no network. What a bad-wifi room still needs:

1. **Packages installed beforehand.** The one download that matters is `make lab`'s
   (about 2 minutes on a good connection; PyTorch is the large part). Make it part of the
   pre-workshop check above. For a room where some learners arrive without it, bring the
   wheels on a USB stick: on a laptop with the learners' operating system and Python 3.11,
   `pip download -r requirements.txt -d wheels`, and learners then run
   `pip install --no-index --find-links wheels -r requirements.txt`.
2. **The optional larger datasets, on one laptop** (the instructor's): the citation graphs
   Cora and CiteSeer, listed with their size and licence by `python -m course_lib.data list`.
   ```bash
   COURSE_DATA_DIR=~/course-data python -m course_lib.data fetch all
   ```
   Each file is checked against its pinned sha256 before it is kept.
3. **Serve them to the room from that laptop.** A filled cache folder *is* a mirror: every
   file sits at `<dataset>/<file name>` (for example `cora/ind.cora.x`), which is where
   learners' laptops look for it under the mirror's address.
   ```bash
   python -m http.server 8000 --directory ~/course-data
   ```
   Find the laptop's address on the room's network (`hostname -I` on Linux,
   `ipconfig getifaddr en0` on macOS, `ipconfig` on Windows) and check from another
   machine that `http://<address>:8000/cora/` lists the files. Allow the port through
   the laptop's firewall.
4. **Learners point the course at the mirror** and fetch once, before the lesson that
   needs the data:
   ```bash
   export COURSE_DATA_MIRROR=http://<address>:8000      # Windows: set COURSE_DATA_MIRROR=...
   python -m course_lib.data fetch all
   ```
   Or in a notebook, before loading: `import os; os.environ["COURSE_DATA_MIRROR"] = "http://<address>:8000"`.
   Downloads from the mirror are verified against the same pinned sha256, so a wrong or
   truncated file is refused with a message that says where to put the file by hand.
   `COURSE_DATA_DIR` chooses where each laptop caches the files.
5. **On the day, before the first lesson:** everyone runs
   `python -m course_lib.environment` once more (green sticky note when it says "All set").
"""


def _minutes_text(lesson: Lesson) -> str:
    if lesson.minutes is None:
        return "not planned yet"
    teaching, exercises = lesson.minutes
    text = f"{teaching} min teaching + {exercises} min exercises = {teaching + exercises} min"
    return text if lesson.measured_minutes else text + " (planned; the lesson is not written yet)"


def _run_time(results: dict[str, dict], path: str) -> str:
    result = results.get(path)
    if result is None:
        return "not measured yet (`make bench`)"
    if result.get("status", "ok") != "ok":
        return f"failed when measured ({result['status']})"
    return f"{result['seconds']:.0f} s, peak memory {result['peak_mb']:,} MB"


def lesson_section(lesson: Lesson, results: dict[str, dict]) -> list[str]:
    lines = [f"### {lesson.number} · {lesson.title}", ""]
    if lesson.notebook is None:
        lines += [f"*Being written.* Planned time: {_minutes_text(lesson)}.", ""]
        if lesson.mistakes:
            lines += ["**Mistakes to expect** (anticipated from the syllabus)", ""]
            lines += [f"- {m}" for m in lesson.mistakes] + [""]
        if lesson.pauses:
            lines += ["**Where to pause** (planned)", ""] + [f"- {p}" for p in lesson.pauses] + [""]
        return lines
    name = Path(lesson.notebook).name
    practice = f"solutions/{name}"
    lines += [
        f"[lesson](../{lesson.notebook}) · [practice](../exercises/{name}) · [worked practice](../{practice})",
        "",
        f"- **Time:** {_minutes_text(lesson)}",
        f"- **Run time, top to bottom:** lesson {_run_time(results, lesson.notebook)}; "
        f"worked practice {_run_time(results, practice)}",
    ]
    if lesson.prerequisites:
        lines.append(f"- **Prerequisites:** {lesson.prerequisites}")
    lines.append("")
    if lesson.problems:
        lines += [f"> **Lesson conventions not met:** {'; '.join(lesson.problems)} (see CONTRIBUTING.md).", ""]
    if lesson.objectives:
        lines += ["**Objectives**", ""] + [f"- {o}" for o in lesson.objectives] + [""]
    if lesson.key_points:
        lines += ["**Key points**", ""] + [f"- {k}" for k in lesson.key_points] + [""]
    missing = ["- *(none noted yet: add them to docs/guide_notes.toml)*"]
    lines += ["**Common mistakes**", ""] + ([f"- {m}" for m in lesson.mistakes] or missing)
    lines += ["", "**Where to pause**", ""] + ([f"- {p}" for p in lesson.pauses] or missing)
    lines.append("")
    return lines


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_clock(text: str, name: str) -> int:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match:
        raise ValueError(f"{name} must be a time such as '09:00', got {text!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def schedule_section(title: str, plan: dict, by_number: dict[str, Lesson], schedule: dict) -> list[str]:
    start = _parse_clock(schedule.get("start", "09:00"), "schedule.start")
    latest = _parse_clock(schedule.get("latest_end", "17:30"), "schedule.latest_end")
    slots = schedule.get("slots", {})
    lines = [f"### {title}", "", plan.get("about", ""), ""]
    for d, day in enumerate(plan["days"], 1):
        if len(plan["days"]) > 1:
            lines += [f"**Day {d}**", ""]
        lines += ["| time | session | minutes |", "|---|---|---:|"]
        clock = start
        for item in day:
            if item in slots:
                label, minutes = slots[item][0], int(slots[item][1])
            elif item in by_number:
                lesson = by_number[item]
                if lesson.minutes is None:
                    raise ValueError(f"lesson {item} is in a schedule but has no minutes (add planned = [t, e])")
                teaching, exercises = lesson.minutes
                minutes = teaching + exercises
                mark = "" if lesson.measured_minutes else " *(planned)*"
                label = f"{item} · {lesson.title}: teaching {teaching}, exercises {exercises}{mark}"
            else:
                raise ValueError(f"schedule item {item!r} is neither a lesson nor a slot of [schedule.slots]")
            lines.append(f"| {_clock(clock)}–{_clock(clock + minutes)} | {label} | {minutes} |")
            clock += minutes
        over = "" if clock <= latest else f" (**{clock - latest} min past {_clock(latest)}: trim a lesson**)"
        lines += ["", f"Ends at {_clock(clock)}{over}.", ""]
    return lines


def render(root: Path = ROOT) -> str:
    """The guide's text, from the notebooks, the benchmark results and the notes."""
    notes = read_notes(root)
    all_lessons = lessons(root, notes)
    by_number = {lesson.number: lesson for lesson in all_lessons}
    machine, results = read_benchmarks(root)
    written = [lesson for lesson in all_lessons if lesson.notebook]
    lines = [INTRO.format(command=COMMAND), BEFORE.format(command=COMMAND)]

    lines += ["## Schedules", "",
              f"Lesson minutes come from each lesson's first cell ({len(written)} of {len(all_lessons)} lessons "
              "written so far); lessons marked *planned* use the estimate in docs/guide_notes.toml until "
              "they exist. Teaching minutes include live coding; exercise minutes are pair work on the "
              "practice notebook.", ""]
    schedule = notes.get("schedule", {})
    for key, title in (("one_day", "One-day workshop"), ("two_day", "Two-day workshop")):
        if key in schedule:
            lines += schedule_section(title, schedule[key], by_number, schedule)

    lines += ["## Lessons", ""]
    if machine:
        lines += [f"Run times measured by `make bench` on {machine.get('date', '?')}: {machine.get('cpus', '?')} CPU "
                  f"cores, {machine.get('memory_gb', '?')} GB memory, Python {machine.get('python', '?')}; each "
                  "notebook top to bottom in a fresh kernel (no GPU needed).", ""]
    else:
        lines += ["No run times measured yet: run `make bench`.", ""]
    for lesson in all_lessons:
        lines += lesson_section(lesson, results)

    lines.append(OFFLINE)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the guide is stale; write nothing")
    args = parser.parse_args(argv)
    text = render(ROOT)
    path = ROOT / GUIDE
    if args.check:
        fresh = path.exists() and path.read_text("utf-8") == text
        print(f"{GUIDE} is up to date" if fresh else f"{GUIDE} is stale: run `{COMMAND}`")
        return 0 if fresh else 1
    for lesson in lessons(ROOT, read_notes(ROOT)):
        for problem in lesson.problems:
            print(f"warning: {lesson.notebook}: {problem}", file=sys.stderr)
    path.write_text(text, "utf-8")
    print(f"wrote {GUIDE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
