"""The importer's writer: stores one parsed article file in the database, in one transaction.

`articles.parser` turns bytes into dataclasses without touching the database; everything here
is about mapping that result onto rows so that a re-import keeps what editors did (verdicts,
evidence they added) and history stays complete.

One module per stage:

    outcome   what an import reports (ImportOutcome, PreparedFile)
    prepare   reading, hashing and parsing one file, no database
    identity  which stored article a file is
    sources   outlets and cited works
    claims    claims matched to sentences, editorial work carried over
    evidence  the evidence the article's own citations make
    links     cited works that are articles of ours
    rows      plain-row INSERTs and UPDATEs with their history rows
    write     one prepared file stored in one transaction
"""

from articles.importer.identity import articles_by_content_hash, unchanged_outcome
from articles.importer.links import sources_link_articles
from articles.importer.outcome import ImportOutcome, PreparedFile
from articles.importer.prepare import article_prepare, article_refusal, file_content_hash
from articles.importer.write import article_import_file, article_store

__all__ = [
    "ImportOutcome",
    "PreparedFile",
    "article_import_file",
    "article_prepare",
    "article_refusal",
    "article_store",
    "articles_by_content_hash",
    "file_content_hash",
    "sources_link_articles",
    "unchanged_outcome",
]
