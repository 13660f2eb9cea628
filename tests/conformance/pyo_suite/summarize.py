"""Summarize JUnit XML reports of python-oracledb's test suite.

Usage: summarize.py [--markdown] [--causes N] REPORT...

REPORT is a JUnit XML file or a folder of them (run.sh writes one per test
file). Prints a per-file table, the totals, the core-files subtotal and the
most common failure causes, and ends with the line
`python-oracledb suite: N passed, M failed`, where failed counts every test
that did not pass (failures, errors and skips alike).

Usage: summarize.py --progress REPORT  prints one short count line.
"""

import argparse
import collections
import glob
import os
import sys
import xml.etree.ElementTree as ET

# The core files of issue 12: connection, cursor, execute/executemany, fetch,
# binds/variables, pool and the number/date/timestamp types, sync and async.
# python-oracledb has no file of its own for fetching: fetches are tested
# inside the cursor and execute files. REF CURSOR variables (cursor_var),
# strings, LOBs, JSON, vectors, objects and intervals are data-type files,
# not core. The 4.x names come first, then the 26.x folders.
CORE = [
    # 4.x: tests/test_NNNN_<name>.py
    "test_1100_connection", "test_5300_connection_async",
    "test_7000_connection_async_shortcut_methods",
    "test_3900_cursor_execute", "test_5400_cursor_execute_async",
    "test_4000_cursor_executemany", "test_6100_cursor_executemany_async",
    "test_4100_cursor_callproc", "test_6200_cursor_callproc_async",
    "test_4200_cursor_scrollable", "test_8600_cursor_scrollable_async",
    "test_4300_cursor_other", "test_6300_cursor_other_async",
    "test_1600_dml_returning", "test_5900_dml_returning_async",
    "test_3700_var", "test_5100_arrayvar",
    "test_2400_pool", "test_5500_pool_async", "test_4700_pool_params",
    "test_2200_number_var", "test_1400_datetime_var",
    "test_2600_timestamp_var", "test_4800_timestamp_ltz_var",
    "test_4900_timestamp_tz_var",
    # 26.x: tests/<area>/test_NNNN_<name>.py
    "connection/test_1000_basic", "connection/test_1100_basic_async",
    "connection/test_1300_shortcut_methods_async",
    "cursor/test_1000_execute", "cursor/test_1100_execute_async",
    "cursor/test_1200_executemany", "cursor/test_1300_executemany_async",
    "cursor/test_1400_callproc", "cursor/test_1500_callproc_async",
    "cursor/test_1600_scroll", "cursor/test_1700_scroll_async",
    "cursor/test_1800_other", "cursor/test_1900_other_async",
    "cursor/test_2000_var", "cursor/test_2100_arrayvar",
    "cursor/test_2200_dml_returning", "cursor/test_2300_dml_returning_async",
    "pool/test_1000_pool", "pool/test_1100_pool_async",
    "data_types/test_1100_date", "data_types/test_1800_number",
    "data_types/test_2100_timestamp", "data_types/test_2200_timestamp_ltz",
    "data_types/test_2300_timestamp_tz",
]
OUTCOMES = ("passed", "failed", "errors", "skipped")
RANK = {"passed": 0, "skipped": 1, "failed": 2, "errors": 3}


def is_core(path):
    stem = path[len("tests/"):-len(".py")] if path.endswith(".py") else path
    return stem in CORE


def test_file(classname):
    """tests.test_1100_connection[.TestClass] -> tests/test_1100_connection.py"""
    parts = classname.split(".")
    ends = [i for i, p in enumerate(parts) if p.startswith("test_")]
    upto = ends[0] + 1 if ends else len(parts)
    return "/".join(parts[:upto]) + ".py"


def outcome(case):
    for tag, name in (("error", "errors"), ("failure", "failed"),
                      ("skipped", "skipped")):
        node = case.find(tag)
        if node is not None:
            text = node.get("message") or node.text or tag
            return name, first_line(text)
    return "passed", None


def first_line(text):
    for line in text.strip().splitlines():
        if line.strip():
            return line.strip()[:160]
    return "(no message)"


def read_reports(paths):
    """Returns {(file, test name): (outcome, message)}, worst outcome kept."""
    cases = {}
    files = []
    for path in paths:
        files += sorted(glob.glob(os.path.join(path, "*.xml"))) \
            if os.path.isdir(path) else [path]
    for name in files:
        try:
            root = ET.parse(name).getroot()
        except ET.ParseError as e:
            print(f"warning: {name}: {e}", file=sys.stderr)
            continue
        for case in root.iter("testcase"):
            key = (test_file(case.get("classname", "")),
                   case.get("classname", "") + "::" + case.get("name", ""))
            result = outcome(case)
            if key not in cases or RANK[result[0]] > RANK[cases[key][0]]:
                cases[key] = result
    return cases


def tally(cases):
    per_file = collections.defaultdict(collections.Counter)
    for (path, _), (result, _) in cases.items():
        per_file[path][result] += 1
    return per_file


def pct(passed, tests):
    return f"{100.0 * passed / tests:.1f}%" if tests else "-"


def row(name, counts):
    tests = sum(counts[o] for o in OUTCOMES)
    return [name, tests] + [counts[o] for o in OUTCOMES] + \
        [pct(counts["passed"], tests)]


def print_table(rows, markdown):
    head = ["file", "tests"] + list(OUTCOMES) + ["pass %"]
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|---" + "|---:" * (len(head) - 1) + "|")
        for r in rows:
            print("| " + " | ".join(str(c) for c in r) + " |")
        return
    width = max(len(str(r[0])) for r in rows + [head])
    fmt = f"{{:<{width}}}" + " {:>7}" * (len(head) - 1)
    print(fmt.format(*head))
    for r in rows:
        print(fmt.format(*r))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--causes", type=int, default=15)
    args = parser.parse_args(argv)
    markdown, progress, top = args.markdown, args.progress, args.causes
    cases = read_reports(args.reports)
    per_file = tally(cases)
    total = sum(per_file.values(), collections.Counter())
    if progress:
        print(" ".join(f"{total[o]} {o}" for o in OUTCOMES))
        return
    core = [f for f in per_file if is_core(f)]
    rows = [row(f + (" (core)" if f in core else ""), per_file[f])
            for f in sorted(per_file)]
    rows.append(row("**total**" if markdown else "TOTAL", total))
    core_total = sum((per_file[f] for f in core), collections.Counter())
    rows.append(row(f"core ({len(core)} files)", core_total))
    print_table(rows, markdown)
    print()
    causes = collections.Counter(
        message for result, message in cases.values()
        if result in ("failed", "errors"))
    print(f"top {top} failure causes (first line of the error, "
          f"{sum(causes.values())} failed or errored tests):")
    for message, count in causes.most_common(top):
        print(f"{'- ' if markdown else ''}{count:5d}  {message}")
    print()
    tests = sum(total[o] for o in OUTCOMES)
    print(f"all tests: {pct(total['passed'], tests)} passed; "
          f"core: {pct(core_total['passed'], sum(core_total.values()))} "
          "passed (skips count as not passed)")
    print(f"python-oracledb suite: {total['passed']} passed, "
          f"{tests - total['passed']} failed")


if __name__ == "__main__":
    main(sys.argv[1:])
