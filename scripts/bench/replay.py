#!/usr/bin/env python3
"""Turn one request's statements, read from PostgreSQL's log, into a pgbench script.

Used by scripts/bench/run.sh --replay:

  replay.py --log FILE --offset BYTES --db NAME --db-url URL --out SCRIPT
            [--ids FILE --id VALUE --mid-ppb VALUE]

Reads the log after BYTES (log_statement = 'all' for the database NAME; Debian's
log_line_prefix '%m [%p] %q%u@%d '), takes every `LOG:  execute <name>: <sql>` and
`LOG:  statement: <sql>` of database NAME in log order, with the `DETAIL:  parameters: $1 =
'...', ...` that follows it, and writes a pgbench script (-M prepared) that runs them in
that order on one connection with the parameters inlined as SQL literals. A literal that
contains ':' is written as U&'...' with \\003A, since pgbench would read ':name' as a
variable even inside a string.

With --ids/--id/--mid-ppb (M1): every parameter equal to VALUE (the key result the request
scored) becomes :id, drawn per transaction uniformly from the ids in FILE (as wrk.lua does),
a parameter equal to the mid-score in ppb becomes :mid (0..1 in steps of 0.05, in ppb), and
parameters that depend on the key result are read back with \\gset from the earlier
statements of the same transaction: an id column (id, *_id) whose value (found by running
the earlier SELECTs with psql) equals the parameter, and "version" = $n from the version
column of the latest earlier statement that returned one. Prints a summary line
"statements=N sql=M random=yes|no note=..." on stdout (M: without BEGIN/COMMIT/ROLLBACK).
"""
import argparse
import re
import subprocess
import sys

PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (?:(\S*)@(\S*) )?([A-Z]+):  (.*)$")


def records(text, db):
    """(pid, level, message) per prefixed log line, continuation lines appended."""
    out = []
    for line in text.split("\n"):
        m = PREFIX.match(line)
        if m:
            out.append([m.group(1), m.group(3), m.group(4), m.group(5)])
        elif out:
            out[-1][3] += "\n" + line
    return [(pid, level, msg) for pid, d, level, msg in out if d == db]


def parse_params(detail):
    """'$1 = '...', $2 = NULL' -> {1: "'...'", 2: 'NULL'} (values as logged: SQL literals)."""
    params, i, n = {}, 0, len(detail)
    while i < n:
        m = re.compile(r"\$(\d+) = ").match(detail, i)
        if not m:
            raise ValueError("cannot parse parameters at: " + detail[i:i + 60])
        i = m.end()
        if detail.startswith("NULL", i):
            value, i = "NULL", i + 4
        elif detail[i] == "'":
            j = i + 1
            while True:
                k = detail.index("'", j)
                if k + 1 < n and detail[k + 1] == "'":
                    j = k + 2
                    continue
                break
            value, i = detail[i:k + 1], k + 1
        else:
            raise ValueError("cannot parse parameter value at: " + detail[i:i + 60])
        params[int(m.group(1))] = value
        if detail.startswith(", ", i):
            i += 2
    return params


def statements(text, db):
    stmts, last = [], {}
    for pid, level, msg in records(text, db):
        if level == "LOG":
            m = re.match(r"(?:execute [^:]+|statement): (.*)$", msg, re.S)
            if m:
                stmts.append({"sql": m.group(1).rstrip(), "params": {}})
                last[pid] = stmts[-1]
        elif level == "DETAIL" and msg.startswith("parameters: ") and pid in last:
            last[pid]["params"] = parse_params(msg[len("parameters: "):].rstrip("\n"))
    return stmts


def raw(literal):
    return None if literal == "NULL" else literal[1:-1].replace("''", "'")


def literal(value):
    if value is None:
        return "NULL"
    if ":" in value:
        return "U&'" + value.replace("\\", "\\\\").replace("'", "''").replace(":", "\\003A") + "'"
    return "'" + value.replace("'", "''") + "'"


def placeholders(sql):
    """Positions (start, end, n) of $n outside quotes."""
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
        elif c == "$" and i + 1 < n and sql[i + 1].isdigit():
            m = re.compile(r"\$(\d+)").match(sql, i)
            out.append((i, m.end(), int(m.group(1))))
            i = m.end()
        else:
            i += 1
    return out


def substitute(sql, values):
    """values: n -> text to put in place of $n."""
    parts, last = [], 0
    for start, end, k in placeholders(sql):
        parts.append(sql[last:start])
        parts.append(values[k])
        last = end
    parts.append(sql[last:])
    return "".join(parts)


def psql_row(db_url, sql):
    """Column -> value of the single row a SELECT returns (run in a rolled-back transaction)."""
    if not re.match(r"\s*SELECT\b", sql, re.I):
        return None
    script = "BEGIN;\n\\pset format unaligned\n\\pset tuples_only off\n\\pset fieldsep '\\x1f'\n" + sql + ";\nROLLBACK;\n"
    p = subprocess.run(["psql", db_url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], input=script,
                       capture_output=True, text=True)
    lines = [l for l in p.stdout.split("\n") if l and not l.startswith("(")]
    if p.returncode != 0 or len(lines) != 2:
        return None
    return dict(zip(lines[0].split("\x1f"), lines[1].split("\x1f")))


def id_expression(ids):
    """A pgbench expression of :i (0 <= i < len(ids)) that is ids[i], for sorted ids."""
    expr, offset = [], None
    for k, v in enumerate(ids):
        d = v - k
        if offset is None:
            expr.append(":i + %d" % d)
        elif d != offset:
            expr.append("(case when :i >= %d then %d else 0 end)" % (k, d - offset))
        offset = d
    return " + ".join(expr), len(expr) - 1


def main():
    ap = argparse.ArgumentParser()
    for a in ("--log", "--offset", "--db", "--db-url", "--out"):
        ap.add_argument(a, required=True)
    ap.add_argument("--ids")
    ap.add_argument("--id")
    ap.add_argument("--mid-ppb")
    args = ap.parse_args()
    with open(args.log, "rb") as f:
        f.seek(int(args.offset))
        text = f.read().decode("utf-8", "replace")
    stmts = statements(text, args.db)
    if not stmts:
        sys.exit("no statements of %s in the log after byte %s" % (args.db, args.offset))
    random, note = False, ""
    head = ["-- %d statement(s) of one request, as our server ran them (log order)" % len(stmts)]
    if args.ids:
        ids = sorted(int(l) for l in open(args.ids) if l.strip())
        expr, steps = id_expression(ids)
        if steps <= 200:
            random = True
            head += ["\\set i random(0, %d)" % (len(ids) - 1), "\\set id " + expr,
                     "\\set mid 50000000 * random(0, 20)"]
        else:
            note = "id list has %d gaps; fixed values" % steps
    body, known, results = [], {}, []  # known: raw value -> variable (random M1 only)
    if random:
        known = {args.id: ":id", args.mid_ppb: ":mid"}
    for idx, st in enumerate(stmts):
        values, version_var = {}, None
        for k, lit in st["params"].items():
            v = raw(lit)
            values[k] = literal(v)
            if random and v in known and not re.search(r"\b(LIMIT|OFFSET)\s*$", st["sql"][:st["sql"].find("$%d" % k)]):
                values[k] = known[v]
        if random:
            # "version" = $n: the version read back by the latest earlier statement.
            for start, end, k in placeholders(st["sql"]):
                if re.search(r'"version"\s*=\s*$', st["sql"][:start]):
                    for j in range(len(results) - 1, -1, -1):
                        if results[j] and "version" in results[j]:
                            values[k] = ":s%d_version" % j
                            results[j]["__used"] = True
                            break
        sql = substitute(st["sql"], values)
        if re.search(r"(?<!:):[A-Za-z0-9_]", re.sub(r"U&'[^']*'", "", sql)) and not random:
            note += " statement %d has ':' outside literals;" % (idx + 1)
        body.append([sql])
        row = None
        if random:
            inlined = substitute(st["sql"], {k: literal(raw(l)) for k, l in st["params"].items()})
            row = psql_row(args.db_url, inlined)
            if row:
                for col, val in row.items():
                    if (col == "id" or col.endswith("_id")) and val and val not in known:
                        known[val] = ":s%d_%s" % (idx, col)
        results.append(row)
    # \gset where a later statement reads a column back (variables named s<index>_<column>).
    # A statement read back this way may find no row (at random, a key result whose objective
    # or OKR was deleted; our server then rolls back and answers NOT_FOUND): it ends with \aset,
    # which leaves the variables alone on no row, after setting one of them to -1, and the
    # statements after it up to the closing COMMIT run only when that variable was set.
    used = {}
    for m in re.finditer(r":s(\d+)_([A-Za-z0-9_]+)", "\n".join(s[0] for s in body)):
        used.setdefault(int(m.group(1)), m.group(2))
    closing = len(body)
    if body and re.fullmatch(r"(COMMIT|ROLLBACK)\b.*", body[-1][0], re.I | re.S):
        closing = len(body) - 1
    lines, open_ifs = list(head), 0
    for idx, (sql,) in enumerate(body):
        if idx == closing:
            lines += ["\\endif"] * open_ifs
            open_ifs = 0
        if idx in used:
            col = used[idx]
            numeric = all(re.fullmatch(r"-?\d+", v or "") for k, v in (results[idx] or {}).items()
                          if k in re.findall(r":s%d_([A-Za-z0-9_]+)" % idx, "\n".join(s[0] for s in body)))
            if numeric and idx < closing:
                lines += ["\\set s%d_%s -1" % (idx, col), sql + "\n\\aset s%d_" % idx,
                          "\\if :s%d_%s != -1" % (idx, col)]
                open_ifs += 1
            else:
                lines.append(sql + "\n\\gset s%d_" % idx)
        else:
            lines.append(sql + ";")
    lines += ["\\endif"] * open_ifs
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    control = sum(1 for st in stmts if re.fullmatch(r"(BEGIN|COMMIT|ROLLBACK)\b.*", st["sql"], re.I | re.S))
    print("statements=%d sql=%d random=%s note=%s" % (len(stmts), len(stmts) - control, "yes" if random else "no",
                                                     note.strip().replace(" ", "_") or "-"))


if __name__ == "__main__":
    main()
