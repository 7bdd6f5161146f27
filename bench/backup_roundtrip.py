"""Prove a backup restores: pg_dump the database, pg_restore it into a new one, compare them.

    .venv/bin/python bench/backup_roundtrip.py                 # the database of DATABASE_URL
    .venv/bin/python bench/backup_roundtrip.py --keep          # leave the restored copy
    .venv/bin/python bench/backup_roundtrip.py --dump-file /backups/factcheck.dump

Every table of the public schema (verdicts, evidence, the history tables, users, the cache …)
is compared row for row, in primary-key order, and every sequence's position too (so rows
added after a restore cannot collide with restored ones). Prints the time and size of each
step and the first difference of each table; exits 1 if anything differs. The restored copy is
named <database>_restore_check and dropped afterwards unless --keep is given.
docs/OPERATIONS.md describes the procedure this automates.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import psycopg2

BATCH_ROWS = 5000
# Printed first, because they are what must never be lost.
EDITORIAL_TABLES = [
    "claims_claim",
    "claims_evidence",
    "claims_historicalclaim",
    "claims_historicalevidence",
    "claims_historicalclaimlink",
    "sources_historicalsource",
]


def connect(url: str):
    config = dj_database_url.parse(url)
    return psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )


def with_database(url: str, name: str) -> str:
    config = dj_database_url.parse(url)
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    return f"postgres://{config['USER']}{password}@{config['HOST']}:{config['PORT'] or 5432}/{name}"


def libpq_environment(url: str) -> dict[str, str]:
    """pg_dump and pg_restore read the connection from these, never from the command line
    (where a password would show in the process list)."""
    config = dj_database_url.parse(url)
    environment = {
        **os.environ,
        "PGHOST": config["HOST"] or "",
        "PGPORT": str(config["PORT"] or 5432),
        "PGUSER": config["USER"] or "",
        "PGDATABASE": config["NAME"],
    }
    if config["PASSWORD"]:
        environment["PGPASSWORD"] = config["PASSWORD"]
    return environment


def tables_and_keys(connection) -> dict[str, list[str]]:
    """Every table of the public schema with its primary-key columns (all columns if none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_class.relname,
                   COALESCE(
                     (SELECT array_agg(attribute.attname ORDER BY key.ordinality)
                      FROM pg_index index
                      CROSS JOIN LATERAL unnest(index.indkey)
                        WITH ORDINALITY key(attnum, ordinality)
                      JOIN pg_attribute attribute
                        ON attribute.attrelid = index.indrelid AND attribute.attnum = key.attnum
                      WHERE index.indrelid = table_class.oid AND index.indisprimary),
                     (SELECT array_agg(attname ORDER BY attnum) FROM pg_attribute
                      WHERE attrelid = table_class.oid AND attnum > 0 AND NOT attisdropped))
            FROM pg_class table_class
            JOIN pg_namespace namespace ON namespace.oid = table_class.relnamespace
            WHERE namespace.nspname = 'public' AND table_class.relkind = 'r'
            ORDER BY table_class.relname
            """
        )
        return dict(cursor.fetchall())


def sequence_positions(connection) -> dict[str, tuple[int, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequencename, last_value, last_value IS NOT NULL FROM pg_sequences "
            "WHERE schemaname = 'public'"
        )
        return {name: (value, called) for name, value, called in cursor.fetchall()}


def compare_table(source, target, table: str, key: list[str]) -> tuple[int, str]:
    """Rows compared and the first difference ("" if none), walking both in key order."""
    order = ", ".join(f'"{column}"' for column in key)
    query = f'SELECT * FROM "{table}" ORDER BY {order}'
    compared = 0
    with (
        source.cursor(name=f"source_{table}") as left,
        target.cursor(name=f"target_{table}") as right,
    ):
        left.itersize = right.itersize = BATCH_ROWS
        left.execute(query)
        right.execute(query)
        columns = None
        while True:
            left_rows = left.fetchmany(BATCH_ROWS)
            right_rows = right.fetchmany(BATCH_ROWS)
            if columns is None and left.description:
                columns = [column.name for column in left.description]
            for left_row, right_row in zip(left_rows, right_rows, strict=False):
                compared += 1
                if left_row != right_row:
                    for name, old, new in zip(columns, left_row, right_row, strict=True):
                        if old != new:
                            row_key = {column: left_row[columns.index(column)] for column in key}
                            return compared, f"row {row_key}: {name} is {new!r}, not {old!r}"
            if len(left_rows) != len(right_rows):
                fewer_or_more = "fewer" if len(right_rows) < len(left_rows) else "more"
                return compared, (
                    f"the restored table has {fewer_or_more} rows (first unmatched after "
                    f"{compared} rows)"
                )
            if not left_rows:
                return compared, ""


def compare_databases(source_url: str, target_url: str) -> tuple[dict[str, int], list[str]]:
    """Rows compared per table, and one line per difference."""
    source, target = connect(source_url), connect(target_url)
    # One snapshot each, so a table is not compared against itself mid-change.
    source.set_session(isolation_level="REPEATABLE READ", readonly=True)
    target.set_session(isolation_level="REPEATABLE READ", readonly=True)
    differences: list[str] = []
    compared: dict[str, int] = {}
    try:
        source_tables, target_tables = tables_and_keys(source), tables_and_keys(target)
        for table in sorted(set(source_tables) - set(target_tables)):
            differences.append(f"{table}: missing from the restored database")
        for table in sorted(set(target_tables) - set(source_tables)):
            differences.append(f"{table}: in the restored database only")
        ordered = [t for t in EDITORIAL_TABLES if t in source_tables] + [
            t for t in source_tables if t not in EDITORIAL_TABLES
        ]
        for table in ordered:
            if table not in target_tables:
                continue
            compared[table], difference = compare_table(source, target, table, source_tables[table])
            if difference:
                differences.append(f"{table}: {difference}")
        source_sequences, target_sequences = sequence_positions(source), sequence_positions(target)
        for name, position in source_sequences.items():
            if target_sequences.get(name) != position:
                differences.append(
                    f"sequence {name}: {target_sequences.get(name)} after restore, not {position}"
                )
    finally:
        source.close()
        target.close()
    return compared, differences


def run(command: list[str], environment: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=environment, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--dump-file", type=Path, help="keep the dump here (default: a temp file)")
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    arguments = parser.parse_args()
    if not arguments.database_url:
        parser.error("set DATABASE_URL or pass --database-url")
    source_url = arguments.database_url
    source_name = dj_database_url.parse(source_url)["NAME"]
    target_name = f"{source_name}_restore_check"[:63]
    target_url = with_database(source_url, target_name)

    with tempfile.TemporaryDirectory() as scratch:
        dump = arguments.dump_file or Path(scratch) / f"{source_name}.dump"
        print(f"==> pg_dump {source_name} → {dump}", flush=True)
        seconds = run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
            libpq_environment(source_url),
        )
        print(f"    {seconds:.1f} s, {dump.stat().st_size / 1e6:.1f} MB")

        print(f"==> pg_restore into a new database {target_name}", flush=True)
        server = libpq_environment(with_database(source_url, "postgres"))
        run(["dropdb", "--if-exists", "--force", target_name], server)
        run(["createdb", target_name], server)
        seconds = run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--jobs=2",
                f"--dbname={target_name}",
                str(dump),
            ],
            libpq_environment(target_url),
        )
        print(f"    {seconds:.1f} s")

    try:
        print("==> comparing every table row for row", flush=True)
        started = time.perf_counter()
        compared, differences = compare_databases(source_url, target_url)
        seconds = time.perf_counter() - started
        for table, rows in compared.items():
            marker = "!" if any(line.startswith(f"{table}:") for line in differences) else " "
            print(f"  {marker} {table:<40} {rows:>12,} rows")
        print(f"    {sum(compared.values()):,} rows in {len(compared)} tables, {seconds:.1f} s")
    finally:
        if not arguments.keep:
            run(["dropdb", "--if-exists", "--force", target_name], server)
    if differences:
        print("the restored database differs:")
        for line in differences:
            print(f"  {line}")
        return 1
    print("the restored database is identical: every row and every sequence")
    if arguments.keep:
        print(f"kept: {target_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
