#!/usr/bin/env python3
"""Validates certlint reports against the official schemas.

usage: validate-reports.py SCHEMA_DIR [--sarif FILE]... [--junit FILE]...

SARIF files are checked against the OASIS SARIF 2.1.0 schema and GitHub's copy (what
codeql-action/upload-sarif validates with), with format checking (uri, uri-reference,
date-time) on. JUnit files are checked against Jenkins' xunit JUnit XSD. Prints one line per
file and exits 1 on the first invalid one, 3 when a needed Python package is missing.
"""
import json
import sys

try:
    import jsonschema
    import rfc3987  # noqa: F401  (enables the uri and uri-reference format checks)
    import xmlschema
except ImportError as missing:
    print(f"validate-reports: missing Python package: {missing.name} (pip install jsonschema rfc3987 xmlschema)")
    sys.exit(3)


def main(argv):
    schema_dir = argv[1]
    sarif, junit = [], []
    args = argv[2:]
    while args:
        flag, path, args = args[0], args[1], args[2:]
        (sarif if flag == "--sarif" else junit).append(path)
    schemas = []
    for name in ("sarif-schema-2.1.0.json", "codeql-action-sarif-schema-2.1.0.json"):
        with open(f"{schema_dir}/{name}") as handle:
            schema = json.load(handle)
        validator = jsonschema.validators.validator_for(schema)
        # Every format jsonschema knows, whatever the draft: the OASIS schema is draft-04 but
        # uses "uri-reference", which draft-04's own checker would pass over.
        checker = jsonschema.FormatChecker()
        for needed in ("uri", "uri-reference"):
            if needed not in checker.checkers:
                print(f"validate-reports: the format checker cannot check {needed}")
                return 3
        schemas.append((name, validator(schema, format_checker=checker)))
    for path in sarif:
        with open(path) as handle:
            document = json.load(handle)
        for name, validator in schemas:
            errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
            if errors:
                first = errors[0]
                print(f"INVALID {path} against {name}: {first.message} at {'/'.join(map(str, first.absolute_path))}")
                return 1
        print(f"valid SARIF {path}")
    if junit:
        xsd = xmlschema.XMLSchema(f"{schema_dir}/jenkins-xunit-junit-10.xsd")
        for path in junit:
            errors = list(xsd.iter_errors(path))
            if errors:
                print(f"INVALID {path} against jenkins-xunit-junit-10.xsd: {errors[0].reason} at {errors[0].path}")
                return 1
            print(f"valid JUnit {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
