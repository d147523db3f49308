#!/usr/bin/env bash
# The GitHub Action's scan step: runs `certlint scan` with the action's inputs, writes the job
# summary (counts and the first findings) to GITHUB_STEP_SUMMARY and the outputs exit-code and
# findings to GITHUB_OUTPUT, and exits as certlint did.
# Environment: INPUT_PATH, INPUT_FORMAT, INPUT_FAIL_ON, INPUT_BASELINE, INPUT_DIFF_BASE,
# INPUT_SARIF, RUNNER_TEMP, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT.
set -uo pipefail
arguments=(scan "${INPUT_PATH:-.}" --format "${INPUT_FORMAT:-github}" --json "${RUNNER_TEMP:?}/certlint.json")
[ -n "${INPUT_FAIL_ON:-}" ] && arguments+=(--fail-on "$INPUT_FAIL_ON")
[ -n "${INPUT_BASELINE:-}" ] && arguments+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_DIFF_BASE:-}" ] && arguments+=(--diff-base "$INPUT_DIFF_BASE")
[ -n "${INPUT_SARIF:-}" ] && arguments+=(--sarif "$INPUT_SARIF")
rm -f "$RUNNER_TEMP/certlint.json"
certlint "${arguments[@]}"
status=$?
echo "exit-code=$status" >> "${GITHUB_OUTPUT:?}"
python3 - "$RUNNER_TEMP/certlint.json" "$status" "${GITHUB_STEP_SUMMARY:?}" "$GITHUB_OUTPUT" <<'PY'
import html, json, sys

report_path, status, summary_path, output_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
lines = ["## certlint", ""]
try:
    with open(report_path, encoding="utf-8") as handle:
        report = json.load(handle)
except (OSError, ValueError):
    report = None
if report is None:
    lines.append(f"The scan failed (exit {status}) before it wrote a report; the step's log says why.")
    findings = []
else:
    summary = report["summary"]
    findings = [f for f in report["findings"] if not f.get("suppression")]
    verdict = {0: "passed", 1: "failed"}.get(status, "did not finish")
    lines.append(
        f"The check {verdict} (exit {status}, fail-on {summary['failOn']}): "
        f"{summary['errors']} errors, {summary['warnings']} warnings, {summary['notes']} notes, "
        f"{summary['suppressed']} suppressed; {summary['deployments']} deployments in {summary['filesScanned']} files."
    )
    if findings:
        order = {"error": 0, "warning": 1, "note": 2}
        findings.sort(key=lambda f: (order.get(f["level"], 3), f["location"]["path"], f["location"]["line"]))
        lines += ["", "| level | rule | where | finding |", "|---|---|---|---|"]
        for finding in findings[:10]:
            # Repository text is not trusted to be Markdown: no HTML, no table breaks, no code spans.
            path = finding["location"]["path"].replace("`", "'")
            where = f"`{html.escape(path, quote=False)}:{finding['location']['line']}`"
            message = html.escape(finding["message"], quote=False).replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {finding['level']} | {finding['ruleId']} {finding['ruleName']} | {where} | {message} |")
        if len(findings) > 10:
            lines.append(f"\n{len(findings) - 10} more in the step's log and the SARIF or JSON output.")
with open(summary_path, "a", encoding="utf-8") as handle:
    handle.write("\n".join(lines) + "\n")
with open(output_path, "a", encoding="utf-8") as handle:
    handle.write(f"findings={len(findings)}\n")
PY
exit "$status"
