"""What an import reports: the outcome of one file, its warnings, a prepared file."""

import collections
import dataclasses

from articles.models import Article
from articles.parser import ParsedArticle
from claims.models import Claim

# simple_history stores the change reason in a varchar(100).
CHANGE_REASON_MAX_LENGTH = 100


@dataclasses.dataclass
class ImportOutcome:
    file_name: str
    # "created" | "updated" | "unchanged" | "failed" | "needs_force" (an update that would
    # withdraw reviewed claims, refused until it is confirmed)
    status: str
    counts: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    warnings: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    # None for a failure and for a dry run (its rows were rolled back).
    article: Article | None = None
    # Reviewed claims this import withdrew, or (for "needs_force") would withdraw.
    withdrawn: list[Claim] = dataclasses.field(default_factory=list)
    # What an unchanged file was found as, when under another name.
    note: str = ""
    # Editorial work this import carried to an edited sentence, one line each (withdrawals
    # are warnings): the summary shows every one, nothing moves silently.
    changes: list[str] = dataclasses.field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "needs_force")

    @property
    def warning_kinds(self) -> collections.Counter[str]:
        return collections.Counter(getattr(warning, "kind", "other") for warning in self.warnings)


class _NeedsForce(Exception):
    def __init__(self, claims: list[Claim]) -> None:
        self.claims = claims


class _WarnedText(str):
    """A warning prefixed with the file name that keeps the parser warning's kind."""

    kind: str

    def __new__(cls, text: str, kind: str) -> "_WarnedText":
        warning = super().__new__(cls, text)
        warning.kind = kind
        return warning

    def __reduce__(self) -> tuple:
        # Crosses process boundaries in a bulk import's parsing workers.
        return (_WarnedText, (str(self), self.kind))


def _file_warning(file_name: str, warning: str) -> str:
    return _WarnedText(f"{file_name}: {warning}", getattr(warning, "kind", "other"))


@dataclasses.dataclass(frozen=True)
class PreparedFile:
    """One file read, hashed and parsed, without the database: what the writer stores.

    Pure and picklable, so a bulk import parses in worker processes while it writes.
    """

    file_name: str
    content_hash: str
    parsed: ParsedArticle | None = None
    # The parser's warnings and the cuts to column lengths, each prefixed with the file name.
    warnings: tuple[str, ...] = ()
    error: str | None = None


def _shorten(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _change_reason(file_name: str) -> str:
    return f"import {file_name}"[:CHANGE_REASON_MAX_LENGTH]
