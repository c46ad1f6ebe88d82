#!/usr/bin/python3
"""tests/pg/golden_sync.py: writes a psql script that makes SCHEMA hold the
rows of the SQLite file FILE (tests/pg/golden.sh: a golden case's store
that was made or changed by something other than `vouch load`, e.g. the
sqlite3 command line, is replayed into PostgreSQL before a run reads it).

    golden_sync.py FILE SCHEMA      (FILE may be absent: an empty schema)

Every table and view of FILE but SQLite's own (sqlite_*) and vouch's
records (vouch_*) becomes a table of the same name and columns. A column's
type is chosen by the values it holds, as SQLite types values one by one:
integers only -> bigint, reals (and integers) -> double precision, text ->
text, no value -> text. What a PostgreSQL column cannot hold as SQLite
does exits 3 with the reason on stderr (the caller then runs the command
on SQLite alone and says why): a column mixing text and numbers, a BLOB,
text that is not UTF-8 or holds a NUL byte.
"""
import os
import sqlite3
import sys


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def cell(v):
    if v is None:
        return "\\N"
    if isinstance(v, float):
        return repr(v)
    s = str(v)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def refuse(why):
    print(why, file=sys.stderr)
    sys.exit(3)


def main():
    path, schema = sys.argv[1], sys.argv[2]
    out = sys.stdout
    out.write("DROP SCHEMA IF EXISTS %s CASCADE;\nCREATE SCHEMA %s;\n" % (qi(schema), qi(schema)))
    if not os.path.exists(path):
        return
    try:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'vouch\\_%' ESCAPE '\\' ORDER BY name")]
    except sqlite3.Error as e:
        refuse("not a SQLite database the sync can read (%s)" % e)
    for t in tables:
        try:
            cols = [r[1] for r in db.execute("SELECT * FROM pragma_table_info(?)", (t,))]
            rows = db.execute("SELECT %s FROM %s" % (", ".join(qi(c) for c in cols), qi(t))).fetchall()
        except sqlite3.OperationalError as e:
            if "decode" in str(e):
                refuse("table %s holds text that is not UTF-8" % t)
            refuse("table %s cannot be read (%s)" % (t, e))
        except sqlite3.Error as e:
            refuse("table %s cannot be read (%s)" % (t, e))
        kinds = [set() for _ in cols]
        for r in rows:
            for i, v in enumerate(r):
                if v is not None:
                    kinds[i].add(type(v).__name__)
        types = []
        for c, k in zip(cols, kinds):
            if k <= {"int"}:
                types.append("bigint" if k else "text")
            elif k <= {"int", "float"}:
                types.append("double precision")
            elif k == {"str"}:
                types.append("text")
            elif "bytes" in k:
                refuse("column %s.%s holds a BLOB, which PostgreSQL's text cannot hold" % (t, c))
            else:
                refuse("column %s.%s holds %s values: SQLite types each value, a PostgreSQL column has one type"
                       % (t, c, "+".join(sorted(k))))
        out.write("CREATE TABLE %s.%s (%s);\n" % (qi(schema), qi(t),
                  ", ".join("%s %s" % (qi(c), ty) for c, ty in zip(cols, types))))
        out.write("COPY %s.%s FROM stdin;\n" % (qi(schema), qi(t)))
        for r in rows:
            vals = []
            for v in r:
                if isinstance(v, str) and "\0" in v:
                    refuse("table %s holds text with a NUL byte, which PostgreSQL's text cannot hold" % t)
                vals.append(cell(v))
            out.write("\t".join(vals) + "\n")
        out.write("\\.\n")


main()
