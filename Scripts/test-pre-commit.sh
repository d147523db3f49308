#!/usr/bin/env bash
# Exercises .pre-commit-hooks.yaml with the real pre-commit framework (from PyPI) against a
# temporary infrastructure repository: a commit that introduces CP004 is refused with the finding
# on screen, the fixed commit passes, and an unstaged bad change does not block a good staged one.
# Uses the certlint binary that `swift build` put in .build (the `certlint-system` hook), and
# `pre-commit try-repo` for the same hook. Prints "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$root/Tests/CertLintTests/Fixtures/certs"
python3 -c 'import pre_commit' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check pre-commit
bin=$(cd "$root" && swift build --show-bin-path)
[ -x "$bin/certlint" ] || (cd "$root" && swift build --product certlint >/dev/null)
export PATH="$bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache" NO_COLOR=1
hooks_rev=$(git -C "$root" rev-parse HEAD)

passed=0; failed=0
check() { # description, expected status, actual status, [output, expected text]
  if [ "$2" = "$3" ] && { [ -z "${5:-}" ] || grep -qF -- "$5" <<<"$4"; }; then
    passed=$((passed + 1)); echo "ok: $1"
  else
    failed=$((failed + 1)); echo "FAILED: $1 (exit $3, expected $2)"; echo "$4" | tail -n 20
  fi
}

repo="$work/infra"
mkdir -p "$repo/certs" "$repo/lb"
cd "$repo"
git init -q -b main
git config user.email ci@example.com
git config user.name ci
cp "$fixtures/ca.pem" certs/ca.pem
cp "$fixtures/san-disjoint.pem" certs/access.pem
cat > certlint.yaml <<'YAML'
version: 1
settings: {system-trust: false, trust-anchors: [certs/ca.pem]}
deployments:
  - name: access
    vip: access.example.com
    nodes: [wsa1.example.dmz, wsa2.example.dmz]
YAML
good_cfg='defaults
    mode http
frontend access_https
    bind :443 ssl crt /etc/haproxy/certs/access.pem
    option forwardfor
    http-request set-header RemotePort %[src_port]
    default_backend access_nodes
backend access_nodes
    server wsa1 wsa1.example.dmz:443 ssl verify required check
    server wsa2 wsa2.example.dmz:443 ssl verify required check
frontend cert_proxy
    mode tcp
    bind :5262
    default_backend cert_proxy_nodes
backend cert_proxy_nodes
    mode tcp
    server wsa1 wsa1.example.dmz:5262 check
    server wsa2 wsa2.example.dmz:5262 check'
bad_cfg=${good_cfg/bind :5262/bind :5262 ssl crt /etc/haproxy/certs/access.pem}
printf '%s\n' "$good_cfg" > lb/haproxy.cfg
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $hooks_rev
    hooks:
      - id: certlint-system
YAML
git add -A
pre-commit install >/dev/null

out=$(git commit -q -m "good configuration" 2>&1); check "a good commit passes" 0 $? "$out"

printf '%s\n' "$bad_cfg" > lb/haproxy.cfg
git add lb/haproxy.cfg
out=$(git commit -q -m "terminate 5262" 2>&1); check "a commit introducing CP004 is refused with the finding" 1 $? "$out" "[CP004]"

out=$(pre-commit try-repo "$root" certlint-system 2>&1); check "pre-commit try-repo finds it too" 1 $? "$out" "[CP004]"

printf '%s\n# 5262 stays a TCP passthrough: the client certificate must reach the cert proxy\n' "$good_cfg" > lb/haproxy.cfg
git add lb/haproxy.cfg
out=$(git commit -q -m "fix 5262" 2>&1); check "the fixed commit passes" 0 $? "$out"

printf '%s\n' "$good_cfg" | sed 's/wsa2.example.dmz:5262 check/wsa2.example.dmz:5262 check\n    # tuning/' > lb/haproxy.cfg
git add lb/haproxy.cfg
printf '%s\n' "$bad_cfg" > lb/haproxy.cfg
out=$(git commit -q -m "good staged change, bad unstaged change" 2>&1); check "an unstaged bad change does not block a good staged one" 0 $? "$out"
git checkout -q -- lb/haproxy.cfg

echo "pre-commit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
