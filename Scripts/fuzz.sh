#!/usr/bin/env bash
# Builds the libFuzzer binary of certlint's fuzz targets and runs one target.
#
#   Scripts/fuzz.sh TARGET SECONDS [libFuzzer options…]
#   Scripts/fuzz.sh list
#
# TARGET is one of the names in Fuzz/certlint-fuzz/FuzzTargets.swift (yaml, hcl, tfjson, terraform,
# cloudformation, haproxy, nginx, netscaler, as3, nsxt, avi, kubernetes, pem, manifest, stage,
# clienthello, redactor, factcache, scan). The seed corpus is built from Tests/ fixtures, Examples/ and
# ../shared/corpus; the working corpus lives in .build-fuzz/corpus/TARGET (kept between runs),
# crashes in .build-fuzz/crashes/TARGET. Each run ends with libFuzzer's own summary line
# (executions, time); a crash exits non-zero. A crash becomes a regression input under
# Tests/CertLintTests/Fixtures/fuzz/TARGET/, which `swift test` replays.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-fuzz
targets="yaml hcl tfjson terraform cloudformation haproxy nginx netscaler as3 nsxt avi kubernetes pem manifest stage clienthello redactor factcache scan"
if [ "${1:-}" = "list" ]; then echo "$targets"; exit 0; fi
target=${1:?usage: Scripts/fuzz.sh TARGET SECONDS [libFuzzer options]}
seconds=${2:?usage: Scripts/fuzz.sh TARGET SECONDS [libFuzzer options]}
shift 2
case " $targets " in *" $target "*) ;; *) echo "unknown target $target; one of: $targets" >&2; exit 2 ;; esac

# CERTLINT_FUZZ_BINARY runs an already built fuzzer (a long campaign keeps one build).
binary=${CERTLINT_FUZZ_BINARY:-}
if [ -z "$binary" ]; then
  CERTLINT_FUZZING=1 swift build --product certlint-fuzz --scratch-path "$scratch" >&2
  binary="$scratch/debug/certlint-fuzz"
fi

# Seeds: files whose names or contents fit the target.
corpus="$scratch/corpus/$target"
crashes="$scratch/crashes/$target"
mkdir -p "$corpus" "$crashes"
seed() {
  find Tests Examples ../shared/corpus "$@" -type f -size -256k 2>/dev/null | while read -r file; do
    cp "$file" "$corpus/seed-$(sha1sum "$file" | cut -c1-16)" 2>/dev/null || true
  done
}
case "$target" in
  yaml|cloudformation|kubernetes|manifest|stage) seed \( -name '*.yaml' -o -name '*.yml' \) ;;
  hcl|terraform) seed \( -name '*.tf' -o -name '*.tfvars' \) ;;
  tfjson|as3|nsxt|avi) seed -name '*.json' ;;
  haproxy) seed \( -name '*.cfg' -o -name 'haproxy*' \) ;;
  nginx) seed \( -name '*.conf' -o -name 'nginx*' \) ;;
  netscaler) seed \( -name 'ns*.conf' -o -name '*.conf' \) ;;
  pem) seed \( -name '*.pem' -o -name '*.crt' -o -name '*.der' -o -name '*.key' \) ;;
  redactor|scan) seed \( -name '*.pem' -o -name '*.cfg' -o -name '*.yaml' -o -name '*.json' -o -name '*.tf' \) ;;
  factcache)
    # The packs a scan of the examples writes (a debug build of certlint, when there is one).
    certlint=${CERTLINT_BINARY:-.build/debug/certlint}
    if [ -x "$certlint" ]; then
      packs=$(mktemp -d)
      for folder in Examples Examples/lb Examples/terraform Examples/certs; do
        CERTLINT_CACHE_DIR="$packs" "$certlint" scan "$folder" --fail-on never >/dev/null 2>&1 || true
      done
      cp "$packs"/*.pack "$corpus/" 2>/dev/null || true
      rm -rf "$packs"
    fi ;;
  clienthello) printf '\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00' > "$corpus/seed-minimal" ;;
esac
if [ -d "Tests/CertLintTests/Fixtures/fuzz/$target" ]; then cp Tests/CertLintTests/Fixtures/fuzz/"$target"/* "$corpus/" 2>/dev/null || true; fi

export CERTLINT_FUZZ_TARGET="$target"
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
exec "$binary" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$crashes/" -print_final_stats=1 "$@"
