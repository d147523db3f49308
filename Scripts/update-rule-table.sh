#!/usr/bin/env bash
# Regenerates the README's rule table (between <!-- rules:begin --> and <!-- rules:end -->) from
# rules/catalog.yaml, through `certlint rules --format markdown`. RuleTableTests fails until it is run
# after a catalog change.
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(mktemp)
trap 'rm -f "$table"' EXIT
swift run -q certlint rules --format markdown > "$table"
python3 - "$table" <<'PYTHON'
import pathlib, sys
readme = pathlib.Path("README.md")
text = readme.read_text()
begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
readme.write_text(head + begin + pathlib.Path(sys.argv[1]).read_text() + end + tail)
PYTHON
echo "README.md: rule table regenerated from rules/catalog.yaml"
