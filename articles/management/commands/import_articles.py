import collections
import concurrent.futures
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from articles import bulk
from articles.importer import (
    ImportOutcome,
    article_import_file,
    article_refusal,
    article_store,
    articles_by_content_hash,
    file_content_hash,
    unchanged_outcome,
)

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
# A progress line at most this often (seconds) during a long run, with rate and time left.
PROGRESS_INTERVAL = 2.0
# Files read, hashed and looked up together: one query tells which are already stored.
BATCH_SIZE = 200
# Fewer files than this are parsed in this process: starting workers would cost more.
PARALLEL_MIN_FILES = 50

logger = logging.getLogger(__name__)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Import article files, or folders of them (*.txt, *.md, *.markdown, *.html, *.htm, "
        "searched recursively). An article is known by its content, URL, or title, outlet "
        "and date: the same file again changes nothing, a changed one updates its article "
        "and carries editors' work over. Interrupted, the same command continues where it "
        "stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Article files or folders.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do the whole import and roll it back: report what would change, store nothing.",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Fail every file that gives a warning, instead of importing it with the warning.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="Worker processes that parse files while this one writes them "
            "(default: the number of cores, at most 4; 1 parses here).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Go ahead with updates that withdraw reviewed claims whose sentences are gone "
            "(without it such a file is refused and its claims are listed).",
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue one task per file and return: the task worker (manage.py db_worker) "
            "imports them, and the admin's Background imports page shows each file's outcome.",
        )

    def handle(
        self,
        *args,
        paths: list[str],
        dry_run: bool,
        strict: bool,
        force: bool,
        jobs: int,
        background: bool = False,
        **options,
    ) -> None:
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        if background:
            if dry_run:
                raise CommandError(
                    "--dry-run reports what would change, here and now: it cannot run in the "
                    "background. Leave out one of them."
                )
            self._enqueue(paths=paths, strict=strict, force=force)
            return
        self.jobs = jobs
        importer_logger = logging.getLogger("articles.importer")
        level = importer_logger.level
        if options["verbosity"] < 2:
            # A parser bug already fails its file with one clear line; its traceback is for
            # developers, who ask for it with -v 2.
            importer_logger.setLevel(logging.CRITICAL)
        self.strict, self.force = strict, force
        try:
            self._handle(paths=paths, dry_run=dry_run)
        finally:
            importer_logger.setLevel(level)

    def _handle(self, *, paths: list[str], dry_run: bool) -> None:
        started = time.monotonic()
        files, path_errors = self._collect_files(paths)
        for message in path_errors:
            self.stderr.write(self.style.ERROR(message))

        outcomes: list[ImportOutcome] = []
        interrupted = False
        try:
            if dry_run:
                # One transaction for all files, so a work cited by two of them counts as
                # created once, exactly as a real run would; rolled back at the end.
                with transaction.atomic():
                    self._import_files(files, outcomes)
                    transaction.set_rollback(True)
            else:
                # Each file commits on its own: one bad file does not undo the others, and an
                # interruption loses only the file in progress (rolled back whole).
                self._import_files(files, outcomes)
        except KeyboardInterrupt:
            interrupted = True

        self._write_summary(outcomes, elapsed=time.monotonic() - started, dry_run=dry_run)
        if interrupted:
            raise CommandError(
                f"Interrupted after {len(outcomes)} of {_plural(len(files), 'file')}. Those are "
                "stored; the file in progress was rolled back. Run the same command again to "
                "continue: finished files are known by their content and skipped without "
                "parsing.",
                returncode=130,
            )
        failed = sum(1 for outcome in outcomes if outcome.failed)
        problems = []
        if any(outcome.status == "needs_force" for outcome in outcomes):
            problems.append(
                "some updates would withdraw reviewed claims (listed above); run again with "
                "--force to go ahead"
            )
        if failed:
            problems.append(f"{failed} of {_plural(len(outcomes), 'file')} failed")
        if path_errors:
            problems.append(f"{_plural(len(path_errors), 'path')} could not be imported")
        if problems:
            raise CommandError("; ".join(problems))

    def _enqueue(self, *, paths: list[str], strict: bool, force: bool) -> None:
        files, path_errors = self._collect_files(paths)
        for message in path_errors:
            self.stderr.write(self.style.ERROR(message))
        if len(files) > settings.ARTICLE_BATCH_MAX_FILES:
            raise CommandError(
                f"{len(files):,} files: one background import takes at most "
                f"{settings.ARTICLE_BATCH_MAX_FILES:,} (ARTICLE_BATCH_MAX_FILES); "
                "give the folders in several runs"
            )
        unreadable: list[str] = []

        def readable() -> Iterator[tuple[str, bytes, None]]:
            for number, path in enumerate(files, start=1):
                data, error = _read(path)
                if error is not None:
                    unreadable.append(error.error or path.name)
                    self.stderr.write(self.style.ERROR(error.error or path.name))
                    continue
                if number % 1000 == 0:
                    self.stdout.write(f"Queued {number:,}/{len(files):,} files…")
                yield path.name, data, None

        if files:
            # Imported here to keep the command's start light when it runs in the foreground.
            from articles.tasks import import_batch_create

            batch = import_batch_create(
                origin="command",
                description="import_articles " + " ".join(paths),
                files=readable(),
                strict=strict,
                force=force,
            )
            queued = batch.files.filter(state="queued").count()
            refused = batch.files.filter(state="failed").count()
            address = settings.FACTCHECK_SITE_URL + batch.get_absolute_url()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Background import #{batch.pk}: {_plural(queued, 'file')} queued"
                    + (f", {refused} refused at once (see the batch)" if refused else "")
                    + ". The task worker (manage.py db_worker) imports them; follow them at "
                    f"{address}"
                )
            )
        problems = []
        if unreadable:
            problems.append(f"{_plural(len(unreadable), 'file')} could not be read")
        if path_errors:
            problems.append(f"{_plural(len(path_errors), 'path')} could not be imported")
        if problems:
            raise CommandError("; ".join(problems))

    def _collect_files(self, paths: list[str]) -> tuple[list[Path], list[str]]:
        files: list[Path] = []
        errors: list[str] = []
        seen: set[Path] = set()
        for argument in paths:
            path = Path(argument)
            if path.is_dir():
                found = sorted(
                    candidate
                    for candidate in path.rglob("*")
                    if candidate.suffix.lower() in ARTICLE_SUFFIXES
                    and candidate.is_file()
                    # Editor backups and version-control folders are not articles.
                    and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
                )
                if not found:
                    errors.append(
                        f"{argument}: no article files ({', '.join(ARTICLE_SUFFIXES)}) "
                        "in this folder"
                    )
            elif path.is_file():
                found = [path]
            elif path.exists():
                errors.append(f"{argument}: not a file or folder")
                continue
            else:
                errors.append(f"{argument}: no such file or folder")
                continue
            for file_path in found:
                resolved = file_path.resolve()
                if resolved not in seen:
                    seen.add(resolved)
                    files.append(file_path)
        return files, errors

    def _import_files(self, files: list[Path], outcomes: list[ImportOutcome]) -> None:
        started = last_progress = time.monotonic()
        for number, outcome in enumerate(self._outcomes(files), start=1):
            outcomes.append(outcome)
            self._write_progress(f"[{number}/{len(files)}] {outcome.file_name}", outcome)
            now = time.monotonic()
            if len(files) > 1 and (
                now - last_progress >= PROGRESS_INTERVAL or number == len(files)
            ):
                last_progress = now
                self.stdout.write(_progress_line(number, len(files), now - started))

    def _outcomes(self, files: list[Path]) -> Iterator[ImportOutcome]:
        """Each file's outcome, in order. A single file goes through `article_import_file`;
        many are read and hashed in batches (finished files skipped at one query a batch),
        the rest parsed by `jobs` worker processes while this one writes."""
        if len(files) == 1 and self.jobs == 1:
            data, error = _read(files[0])
            if error is not None:
                yield error
                return
            yield article_import_file(
                file_name=files[0].name, data=data, strict=self.strict, force=self.force
            )
            return
        self._pool = None
        # A worker takes seconds to start (Django, the parser's models): worth it for a folder.
        self._parallel = self.jobs > 1 and len(files) >= PARALLEL_MIN_FILES
        try:
            for batch_start in range(0, len(files), BATCH_SIZE):
                yield from self._batch_outcomes(files[batch_start : batch_start + BATCH_SIZE])
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)

    def _workers(self) -> concurrent.futures.Executor | None:
        """The parsing workers, started when a batch first has files to parse (a rerun that
        finds everything imported starts none)."""
        if self._parallel and self._pool is None:
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.jobs,
                # A clean interpreter per worker (not a fork of one holding a database
                # connection), which ignores Ctrl-C: the command itself stops the run.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=bulk.worker_setup,
            )
        return self._pool

    def _batch_outcomes(self, files: list[Path]) -> Iterator[ImportOutcome]:
        read: list[tuple[Path, bytes | None, ImportOutcome | None, str]] = []
        for path in files:
            data, error = _read(path)
            if error is None and data is not None:
                refusal = article_refusal(file_name=path.name, data=data)
                if refusal is not None:
                    data, error = (
                        None,
                        ImportOutcome(file_name=path.name, status="failed", error=refusal),
                    )
            read.append((path, data, error, file_content_hash(data) if data is not None else ""))
        stored = articles_by_content_hash(content_hash for *_, content_hash in read if content_hash)
        pending: dict[int, concurrent.futures.Future] = {}
        to_parse = [
            index
            for index, (_path, data, _error, content_hash) in enumerate(read)
            if data is not None and content_hash not in stored
        ]
        pool = self._workers() if to_parse else None
        for index in to_parse:
            path, data, _error, content_hash = read[index]
            if pool is not None:
                pending[index] = pool.submit(
                    bulk.prepare, file_name=path.name, data=data, content_hash=content_hash
                )
        for index, (path, data, error, content_hash) in enumerate(read):
            if error is not None:
                yield error
                continue
            article = stored.get(content_hash)
            if article is not None:
                yield unchanged_outcome(
                    file_name=path.name, article=article, current_claims=article.current_claims
                )
                continue
            future = pending.pop(index, None)
            if future is None:
                # Parsed here; the hash is looked up again first, as an earlier file of this
                # run may have had the same text.
                yield article_import_file(
                    file_name=path.name, data=data, strict=self.strict, force=self.force
                )
                continue
            try:
                prepared = future.result()
            except Exception:
                # A worker died (killed, out of memory): this file is parsed here instead.
                logger.exception("parsing worker failed on %s", path.name)
                yield article_import_file(
                    file_name=path.name, data=data, strict=self.strict, force=self.force
                )
                continue
            yield article_store(
                prepared=prepared, strict=self.strict, force=self.force, check_unchanged=True
            )

    def _write_progress(self, progress: str, outcome: ImportOutcome) -> None:
        prefix = f"{outcome.file_name}: "
        if outcome.status == "needs_force":
            message = (outcome.error or "").removeprefix(prefix)
            self.stderr.write(self.style.ERROR(f"{progress}: NOT UPDATED — {message}"))
            for claim in outcome.withdrawn:
                self.stderr.write(
                    f"    would withdraw sentence {claim.ordinal + 1} "
                    f"({claim.get_status_display()}): “{claim.text[:100]}”"
                )
        elif outcome.failed:
            message = (outcome.error or "failed").removeprefix(prefix)
            self.stderr.write(self.style.ERROR(f"{progress}: FAILED — {message}"))
        else:
            self.stdout.write(f"{progress}: {outcome.status} — {self._describe(outcome)}")
        for warning in outcome.warnings:
            self.stdout.write(f"    {warning.removeprefix(prefix)}")
        for change in outcome.changes:
            self.stdout.write(f"    {change}")

    def _describe(self, outcome: ImportOutcome) -> str:
        counts = outcome.counts
        if outcome.status == "unchanged":
            note = f" ({outcome.note})" if outcome.note else ""
            return f"{_plural(counts['claims_unchanged'], 'claim')}, nothing to do{note}"
        claims = counts["claims_created"] + counts["claims_updated"] + counts["claims_unchanged"]
        parts = [_plural(claims, "claim")]
        if outcome.status == "updated":
            changes = [
                f"{counts[f'claims_{change}']} {label}"
                for change, label in (
                    ("created", "new"),
                    ("updated", "moved"),
                    ("carried", "carried to an edited sentence"),
                    ("unchanged", "unchanged"),
                    ("removed", "removed"),
                    ("withdrawn", "withdrawn"),
                )
                if counts[f"claims_{change}"]
            ]
            parts[0] += f" ({', '.join(changes)})" if changes else ""
        sources = counts["sources_created"] + counts["sources_reused"]
        parts.append(_plural(sources, "source"))
        if counts["sources_reused"]:
            parts[-1] += f" ({counts['sources_created']} new)"
        parts.append(_plural(counts["citations_created"], "citation"))
        if counts["citations_unresolved"]:
            parts[-1] += f" ({counts['citations_unresolved']} unresolved)"
        if counts["links_made"]:
            parts.append(_plural(counts["links_made"], "cross-article link"))
        if outcome.warnings:
            parts.append(_plural(len(outcome.warnings), "warning"))
        return ", ".join(parts)

    def _write_summary(
        self, outcomes: list[ImportOutcome], *, elapsed: float, dry_run: bool
    ) -> None:
        statuses = collections.Counter(outcome.status for outcome in outcomes)
        totals: collections.Counter[str] = collections.Counter()
        for outcome in outcomes:
            if not outcome.failed:
                totals.update(outcome.counts)
        warnings = sum(len(outcome.warnings) for outcome in outcomes)
        kinds: collections.Counter[str] = collections.Counter()
        for outcome in outcomes:
            kinds.update(outcome.warning_kinds)
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    "Dry run: nothing was written. These are the changes an import would make."
                )
            )
        lines = [
            f"Files: {statuses['created']} created, {statuses['updated']} updated, "
            f"{statuses['unchanged']} unchanged, "
            f"{statuses['failed'] + statuses['needs_force']} failed ({len(outcomes)} in all).",
            f"Claims: {totals['claims_created']} created, {totals['claims_updated']} updated, "
            f"{totals['claims_unchanged']} unchanged, {totals['claims_removed']} removed"
            + (
                f", {totals['claims_carried']} carried to edited sentences"
                if totals["claims_carried"]
                else ""
            )
            + (f", {totals['claims_withdrawn']} withdrawn" if totals["claims_withdrawn"] else "")
            + ".",
            f"Sources: {totals['sources_created']} created, {totals['sources_updated']} updated, "
            f"{totals['sources_reused'] - totals['sources_updated']} reused unchanged.",
            f"Citations: {totals['citations_created']} created, "
            f"{totals['citations_removed']} replaced.",
            f"Cross-article links: {totals['links_made']}. Warnings: {warnings}"
            + (
                " (" + ", ".join(f"{count} {kind}" for kind, count in kinds.most_common()) + ")."
                if kinds
                else "."
            ),
            f"Elapsed: {elapsed:.2f} s.",
        ]
        for line in lines:
            self.stdout.write(line)


def _read(path: Path) -> tuple[bytes | None, ImportOutcome | None]:
    try:
        with path.open("rb") as file:
            # One byte over the limit is enough for the importer to refuse the file.
            return file.read(settings.ARTICLE_UPLOAD_MAX_BYTES + 1), None
    except OSError as error:
        return None, ImportOutcome(
            file_name=path.name,
            status="failed",
            error=f"{path.name}: cannot be read: {error.strerror or error}",
        )


def _progress_line(done: int, total: int, elapsed: float) -> str:
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate else 0.0
    minutes, seconds = divmod(int(left + 0.5), 60)
    eta = f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
    return (
        f"Progress: {done:,}/{total:,} files ({100 * done // total} %), "
        f"{rate:.1f} files/s, about {eta} left."
    )
