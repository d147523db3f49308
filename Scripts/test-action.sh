#!/usr/bin/env bash
# Runs the GitHub Action's two steps (Scripts/action/install.sh and run.sh) as GitHub would, with
# the variables a runner sets, against the tarball Scripts/package.sh built, served from a folder
# in place of the release page. Runs in a mount namespace where /opt/swift is empty and an
# installed /usr/bin/certlint is hidden, so the action really downloads and runs the release.
#
#   bash Scripts/test-action.sh        (needs root for unshare -m)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^package let certlintVersion = "\(.*\)"$/\1/p' Sources/CertLint/Model/Version.swift)
name="certlint-$version-linux-x86_64"
[ -f "dist/$name.tar.gz" ] || { echo "test-action.sh: dist/$name.tar.gz is missing; run Scripts/package.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/releases/v$version"
cp "dist/$name.tar.gz" "dist/$name.tar.gz.sha256" "$work/releases/v$version/"

cat > "$work/steps.sh" <<'EOF'
set -u
work=$1
version=$2
fail() { echo "test-action.sh: $*" >&2; exit 1; }
certlint --version > /dev/null 2>&1 && fail "a certlint on PATH still runs: $(command -v certlint)"
fresh() {
  runner=$(mktemp -d -p "$work")
  : > "$runner/path" && : > "$runner/output" && : > "$runner/summary"
}
install() {
  env RUNNER_TEMP="$runner" GITHUB_PATH="$runner/path" ACTION_REPOSITORY=example/certlint \
    CERTLINT_DOWNLOAD_BASE="file://$work/releases" "$@" bash Scripts/action/install.sh > "$runner/install.log" 2>&1
}
scan() {
  env PATH="$(cat "$runner/path"):$PATH" RUNNER_TEMP="$runner" GITHUB_OUTPUT="$runner/output" \
    GITHUB_STEP_SUMMARY="$runner/summary" "$@" bash Scripts/action/run.sh > "$runner/scan.log" 2>&1
}

# The action at its release tag: install, then scan Examples (findings: exit 1).
fresh
install ACTION_REF="v$version" INPUT_VERSION= || fail "install exited $?: $(cat "$runner/install.log")"
grep -qx "$runner/certlint-$version/certlint-$version-linux-x86_64" "$runner/path" || fail "GITHUB_PATH: $(cat "$runner/path")"
status=0
scan INPUT_PATH=Examples INPUT_FORMAT=github INPUT_SARIF="$runner/out.sarif" || status=$?
[ "$status" = 1 ] || fail "scan exited $status, expected 1: $(cat "$runner/scan.log")"
grep -q '^::error file=Examples/certlint.yaml,line=21,col=11,endLine=21,title=CP001 port-5263-missing::' "$runner/scan.log" \
  || fail "no CP001 annotation: $(head -3 "$runner/scan.log")"
grep -qx "exit-code=1" "$runner/output" || fail "outputs: $(cat "$runner/output")"
grep -qx "findings=5" "$runner/output" || fail "outputs: $(cat "$runner/output")"
grep -q '^The check failed (exit 1, fail-on error): 5 errors, 0 warnings, 0 notes, 0 suppressed; 3 deployments in 21 files.$' \
  "$runner/summary" || fail "summary: $(cat "$runner/summary")"
grep -q '^| error | CP001 port-5263-missing | `Examples/certlint.yaml:21` | deployment access-dr: row 2 of the decision matrix' \
  "$runner/summary" || fail "summary table: $(cat "$runner/summary")"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["version"] == "2.1.0"' "$runner/out.sarif" \
  || fail "the sarif input wrote no SARIF 2.1.0"

# fail-on never: the same findings, a passing step.
: > "$runner/output" && : > "$runner/summary"
scan INPUT_PATH=Examples INPUT_FORMAT=text INPUT_FAIL_ON=never || fail "fail-on never exited $?: $(cat "$runner/scan.log")"
grep -q '^The check passed (exit 0, fail-on never)' "$runner/summary" || fail "summary: $(cat "$runner/summary")"

# Repository text is hostile: a deployment name with HTML and a table separator stays text.
cp -r Examples "$work/hostile"
sed -i 's/- name: access-dr$/- name: access-dr<img src=x>|y/' "$work/hostile/certlint.yaml"
: > "$runner/output" && : > "$runner/summary"
scan INPUT_PATH="$work/hostile" INPUT_FORMAT=text
grep -q 'deployment access-dr&lt;img src=x&gt;\\|y: row 2' "$runner/summary" || fail "hostile summary: $(cat "$runner/summary")"
grep -q '<img' "$runner/summary" && fail "the summary carries the repository's HTML"

# A run that fails (a path that does not exist): exit 2 and a summary that says so.
: > "$runner/output" && : > "$runner/summary"
status=0
scan INPUT_PATH=does-not-exist || status=$?
[ "$status" = 2 ] || fail "a missing path exited $status, expected 2"
grep -q '^The scan failed (exit 2) before it wrote a report' "$runner/summary" || fail "summary: $(cat "$runner/summary")"

# Not at a release tag and no version: exit 2, saying to set it.
fresh
status=0
install ACTION_REF=main INPUT_VERSION= || status=$?
[ "$status" = 2 ] && grep -q "set the action's version input" "$runner/install.log" || fail "ref main: $status $(cat "$runner/install.log")"

# A tarball that does not match its checksum is refused.
fresh
cp -r "$work/releases" "$work/tampered"
echo 0 >> "$work/tampered/v$version/certlint-$version-linux-x86_64.tar.gz"
status=0
install ACTION_REF="v$version" INPUT_VERSION= CERTLINT_DOWNLOAD_BASE="file://$work/tampered" || status=$?
[ "$status" = 2 ] && grep -q "does not match its published SHA-256" "$runner/install.log" || fail "tampered: $status $(cat "$runner/install.log")"
echo "test-action.sh: install (tag, no tag, tampered), scan (findings, fail-on never, hostile names, failed run), outputs, summary, SARIF"
EOF
# An installed certlint is covered by a file that is not executable, so PATH does not find it.
touch "$work/not-certlint"
chmod 644 "$work/not-certlint"
hide=""
[ -e /usr/bin/certlint ] && hide="mount --bind $work/not-certlint /usr/bin/certlint &&"
unshare -m sh -c "mount -t tmpfs none /opt/swift && $hide exec bash \"\$0\" \"\$1\" \"\$2\"" "$work/steps.sh" "$work" "$version"
