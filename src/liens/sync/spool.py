"""The journal of a sync in progress: the pages fetched so far and what is left to fetch.

A sync writes each page to a file, then appends one line to `journal.jsonl` saying which request it
answered, the request that comes next and the requests it added. Nothing else is rewritten, so a sync
of thousands of pages costs one small append per page. An interrupted sync (Ctrl-C, a quota, a
network failure) leaves the folder behind; the next `liens sync` of the same platform and store
replays the journal and carries on from the first request not answered, so no page is fetched twice
and nothing is loaded twice. The folder is removed once its pages are loaded.

The folder sits beside the store (`<store>.sync/<platform>/`), holds the pages as the platform sent
them (redacted of the token) and is the user's data like the store itself.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Task:
    """One request of the sync, paged: `path` and `params` are those of its next page."""

    id: int
    kind: str
    path: str
    params: dict[str, Any]
    object_id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    page: int = 0
    done: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "path": self.path, "params": self.params,
                "object_id": self.object_id, "meta": self.meta}


@dataclass
class PageRecord:
    """A page on disk: which task and page it answered, and whether the payload reader should read it."""

    name: str
    task: int
    kind: str
    object_id: str
    for_reader: bool


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.reader_dir = folder / "pages"
        self.extra_dir = folder / "extra"
        self.journal = folder / "journal.jsonl"
        self.header: dict[str, Any] = {}
        self.tasks: list[Task] = []
        self.pages: list[PageRecord] = []
        self.seen: dict[str, Any] = {}
        self.warnings: list[str] = []
        self.complete = False
        self._handle: Any = None
        self._first = 0

    @property
    def pending(self) -> bool:
        return self.journal.exists()

    def start(self, header: dict[str, Any], first: list[Task]) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.reader_dir.mkdir(parents=True)
        self.extra_dir.mkdir()
        self.header = header
        self._append({"header": header, "new": [t.as_dict() for t in first]})
        self.tasks = list(first)

    def resume(self) -> None:
        """Rebuild the state from the journal (a last line cut by the interruption is ignored)."""
        with open(self.journal, encoding="utf-8") as handle:
            for line in handle:
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    break
                self._apply(event)
        self.reader_dir.mkdir(parents=True, exist_ok=True)
        self.extra_dir.mkdir(exist_ok=True)

    def _apply(self, event: dict[str, Any]) -> None:
        if "header" in event:
            self.header = event["header"]
        for spec in event.get("new", []):
            self.tasks.append(Task(spec["id"], spec["kind"], spec["path"], spec["params"], spec.get("object_id", ""),
                                   spec.get("meta", {})))
        if "task" in event:
            task = self.tasks[event["task"]]
            task.page += 1
            if event.get("next") is None:
                task.done = True
            else:
                task.path, task.params = event["next"]
        if event.get("page"):
            self.pages.append(PageRecord(**event["page"]))
        for key, entry in event.get("seen", {}).items():
            have = self.seen.get(key)
            if have and have.get("value") and entry.get("value") and entry["value"] < have["value"]:
                continue  # a later page of a list reached older media: the cursor keeps the newest
            self.seen[key] = entry
        self.warnings.extend(event.get("warnings", []))
        if event.get("complete"):
            self.complete = True

    def _append(self, event: dict[str, Any]) -> None:
        if self._handle is None:
            self._handle = open(self.journal, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run
        self._handle.write(json.dumps(event, separators=(",", ":")) + "\n")
        self._handle.flush()

    def next_task(self) -> Task | None:
        """The first request not answered yet (tasks are answered in order, so the scan only moves on)."""
        while self._first < len(self.tasks) and self.tasks[self._first].done:
            self._first += 1
        return self.tasks[self._first] if self._first < len(self.tasks) else None

    def record(self, task: Task, payload: dict[str, Any] | None, *, for_reader: bool,
               next_request: tuple[str, dict[str, Any]] | None, new: list[dict[str, Any]], seen: dict[str, Any],
               warnings: list[str], label: str = "") -> None:
        """Write the page (if any), then the journal line that makes it count.

        `new` are the requests the page revealed ({kind, path, params, object_id, meta}); they are
        numbered here, after the known ones.
        """
        page = None
        if payload is not None:
            name = f"{task.id:06d}-{label or task.kind}-{task.object_id or 'root'}-p{task.page + 1}.json"
            target = (self.reader_dir if for_reader else self.extra_dir) / name
            tmp = target.with_suffix(".part")
            tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, target)
            page = {"name": name, "task": task.id, "kind": task.kind, "object_id": task.object_id,
                    "for_reader": for_reader}
        event: dict[str, Any] = {"task": task.id, "next": list(next_request) if next_request else None}
        if page:
            event["page"] = page
        if new:
            event["new"] = [{**spec, "id": len(self.tasks) + i} for i, spec in enumerate(new)]
        if seen:
            event["seen"] = seen
        if warnings:
            event["warnings"] = warnings
        self._append(event)
        self._apply(event)

    def mark_complete(self) -> None:
        self._append({"complete": True})
        self.complete = True

    def path_of(self, record: PageRecord) -> Path:
        return (self.reader_dir if record.for_reader else self.extra_dir) / record.name

    def read(self, record: PageRecord) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.path_of(record).read_text(encoding="utf-8"))
        return data

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        parent = self.folder.parent
        if parent.exists() and not any(parent.iterdir()):
            parent.rmdir()
