#!/usr/bin/env python3
"""The function-length gate: no function, initializer or subscript body longer than 60 lines.

Counts the lines of a body as SwiftLint's `function_body_length` does: lines that hold code,
not blank lines and not comment-only lines. A body that is a table (a `switch` over a closed
set of names, say) may be longer; such exceptions are named, with their reason, in
`Scripts/function-length-exceptions.txt` as `PATH NAME  # why`, and an exception that no
longer applies fails the gate too, so the list stays true.

Usage: function-length.py [--limit N] [--list] [--text-is-data] PATH...   (exit 1 when a body is
too long). The tests run with --text-is-data: a fixture written as a multi-line string is data,
not code to split.
"""

import argparse
import pathlib
import re
import sys

DECLARATION = re.compile(r"\b(func\s+([^\s(<]+)|(init)[?!]?|(deinit)|(subscript))(?=[\s(<{])")


def mask(source, string_fill="x"):
    """Returns the source with comments blanked and string contents replaced by `string_fill`,
    newlines kept, so that braces and keywords are found in code only. A blank fill makes the
    lines inside multi-line strings count as blank."""
    out = []
    i, n = 0, len(source)
    # The stack of what is open: "code" inside an interpolation (with its paren depth), or a string.
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif source.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if source.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif source.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", source[i:j]))
            i = j
        elif c == '"' or (c == "#" and re.match(r'#+"', source[i:])):
            j = skip_string(source, i)
            out.append('"' + re.sub(r"[^\n]", string_fill, source[i + 1 : j - 1]) + '"')
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def skip_string(source, start):
    """Returns the index after the string literal (plain, multi-line or raw) that starts at `start`,
    stepping over interpolations, which may hold strings of their own."""
    hashes = 0
    i = start
    while source[i] == "#":
        hashes, i = hashes + 1, i + 1
    multiline = source.startswith('"""', i)
    quote = '"""' if multiline else '"'
    closing = quote + "#" * hashes
    escape = "\\" + "#" * hashes
    i += len(quote)
    n = len(source)
    while i < n:
        if source.startswith(closing, i):
            return i + len(closing)
        if source.startswith(escape, i):
            i += len(escape)
            if i < n and source[i] == "(":
                i = skip_interpolation(source, i)
            else:
                i += 1
            continue
        if not multiline and source[i] == "\n":
            return i  # an unterminated literal ends at the line; the compiler would say so
        i += 1
    return n


def skip_interpolation(source, open_paren):
    depth, i, n = 0, open_paren, len(source)
    while i < n:
        c = source[i]
        if c == '"' or (c == "#" and re.match(r'#+"', source[i:])):
            i = skip_string(source, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def bodies(masked):
    """Yields (name, first line, body line count) for each declaration with a body."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", masked)]

    def line_of(index):
        lo, hi = 0, len(line_starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if line_starts[mid] <= index:
                lo = mid
            else:
                hi = mid
        return lo + 1

    for match in DECLARATION.finditer(masked):
        name = match.group(2) or match.group(3) or match.group(4) or match.group(5)
        open_brace = find_body(masked, match.end())
        if open_brace is None:
            continue
        close_brace = matching_brace(masked, open_brace)
        first, last = line_of(open_brace), line_of(close_brace)
        lines = masked.split("\n")[first : last - 1] if last > first else []
        count = sum(1 for text in lines if text.strip())
        # A body that opens and closes on lines holding code counts those lines too.
        yield name, line_of(match.start()), count


def find_body(masked, index):
    """The `{` that opens the body of the declaration whose signature starts at `index`, or None for
    a requirement without a body (a protocol's)."""
    depth, i, n = 0, index, len(masked)
    while i < n:
        c = masked[i]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0:
            if c == "{":
                return i
            if c == "}":
                return None
            if c == "\n":
                rest = masked[i + 1 : i + 200].lstrip()
                if re.match(r"(@|func\b|var\b|let\b|init\b|subscript\b|case\b|static\b|mutating\b|"
                            r"associatedtype\b|typealias\b|public\b|private\b|internal\b|package\b)", rest):
                    return None
        i += 1
    return None


def matching_brace(masked, open_brace):
    depth = 0
    for i in range(open_brace, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(masked) - 1


def load_exceptions(path):
    exceptions = {}
    if not path.exists():
        return exceptions
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) != 2 or "#" not in raw:
            sys.exit(f"{path}:{number}: write `PATH NAME  # why`")
        exceptions[(parts[0], parts[1])] = number
    return exceptions


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--list", action="store_true", help="print every body over the limit, exceptions too")
    parser.add_argument("--text-is-data", action="store_true",
                        help="do not count lines inside string literals (test fixtures written as text)")
    parser.add_argument("paths", nargs="+")
    arguments = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    exceptions = load_exceptions(root / "Scripts" / "function-length-exceptions.txt")
    used = set()
    failures = []
    files = []
    for path in arguments.paths:
        p = pathlib.Path(path)
        files += sorted(p.rglob("*.swift")) if p.is_dir() else [p]
    scanned = set()
    for file in files:
        relative = str(file.resolve().relative_to(root))
        scanned.add(relative)
        fill = " " if arguments.text_is_data else "x"
        for name, line, count in bodies(mask(file.read_text(), fill)):
            if count <= arguments.limit:
                continue
            excepted = (relative, name) in exceptions
            if excepted:
                used.add((relative, name))
            if arguments.list or not excepted:
                mark = " (named exception)" if excepted else ""
                print(f"{relative}:{line}: {name} has a body of {count} lines, over {arguments.limit}{mark}")
            if not excepted:
                failures.append((relative, name))
    for key, number in sorted(exceptions.items()):
        if key[0] in scanned and key not in used:
            print(f"Scripts/function-length-exceptions.txt:{number}: {key[0]} {key[1]} is no longer over the "
                  f"limit; remove the exception")
            failures.append(key)
    if failures:
        print(f"{len(failures)} function(s) over {arguments.limit} lines: split them, or name a table in "
              f"Scripts/function-length-exceptions.txt with the reason")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
