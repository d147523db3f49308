#!/usr/bin/env bash
# Installs what Scripts/package.sh built (the .deb with apt, the tarball unpacked) and runs it
# where the Swift toolchain does not exist: in a mount namespace with an empty tmpfs over
# /opt/swift. Asserts the exit codes and that the output equals the development build's, then
# prints the binary's size and its start-up time (the median of 21 scans of an empty folder).
#
#   bash Scripts/test-package.sh DEVELOPMENT_BINARY
# Needs root (apt, unshare -m).
set -euo pipefail
cd "$(dirname "$0")/.."
development=${1:?usage: test-package.sh DEVELOPMENT_BINARY (e.g. .build/debug/certlint)}
version=$(sed -n 's/^package let certlintVersion = "\(.*\)"$/\1/p' Sources/CertLint/Model/Version.swift)
deb="dist/certlint_${version}_amd64.deb"
tarball="dist/certlint-$version-linux-x86_64.tar.gz"
for file in "$deb" "$tarball"; do
  [ -f "$file" ] || { echo "test-package.sh: $file is missing; run Scripts/package.sh first" >&2; exit 1; }
  (cd dist && sha256sum --quiet -c "$(basename "$file").sha256")
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" > "$work/apt.log" 2>&1 || {
  cat "$work/apt.log" >&2
  exit 1
}
tar -xzf "$tarball" -C "$work"
mkdir -p "$work/empty"

# What the development build says, to compare with.
status=0
"$development" scan Examples > "$work/expected.txt" || status=$?
[ "$status" = 1 ] || { echo "test-package.sh: the development build exited $status on Examples" >&2; exit 1; }
"$development" rules > "$work/expected-rules.txt"

cat > "$work/inside.sh" <<'EOF'
set -u
work=$1
version=$2
fail() { echo "test-package.sh: $*" >&2; exit 1; }
[ -e /opt/swift/usr/bin/swift ] && fail "/opt/swift is still visible"
command -v swift > /dev/null && fail "a swift command is still on PATH"
for certlint in /usr/bin/certlint "$work/certlint-$version-linux-x86_64/certlint"; do
  ldd "$certlint" | grep -qi swift && fail "$certlint still loads a Swift library: $(ldd "$certlint" | grep -i swift)"
  "$certlint" --version > "$work/version.txt" || fail "$certlint --version exited $?"
  head -1 "$work/version.txt" | grep -qx "certlint $version" || fail "$certlint --version: $(cat "$work/version.txt")"
  grep -Eq '^commit [0-9a-f]{40}$' "$work/version.txt" || fail "$certlint --version names no commit"
  grep -Eq '^libgit2 1\.5\.[0-9]+, libyaml 0\.2\.[0-9]+$' "$work/version.txt" || fail "$certlint --version: libraries"
  "$certlint" rules > "$work/rules.txt" || fail "$certlint rules exited $?"
  cmp -s "$work/rules.txt" "$work/expected-rules.txt" || fail "$certlint rules differs from the development build"
  status=0
  "$certlint" scan Examples > "$work/actual.txt" || status=$?
  [ "$status" = 1 ] || fail "$certlint scan Examples exited $status, expected 1"
  cmp -s "$work/actual.txt" "$work/expected.txt" || {
    diff "$work/expected.txt" "$work/actual.txt" | head -20 >&2
    fail "$certlint scan Examples differs from the development build"
  }
  "$certlint" scan "$work/empty" > /dev/null || fail "$certlint scan of an empty folder exited $?"
done
zcat /usr/share/man/man1/certlint.1.gz | grep -q "^\.Dt CERTLINT 1" \
  || fail "the manual page is not the mdoc page generate-manual writes"
cat "$work/version.txt"
# Start-up time: an empty folder, 21 runs, the median.
python3 - "$work/empty" <<'PY'
import subprocess, sys, time
times = []
for _ in range(21):
    start = time.perf_counter()
    subprocess.run(["/usr/bin/certlint", "scan", sys.argv[1]], stdout=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - start)
times.sort()
print(f"start-up (scan of an empty folder, median of 21): {times[10] * 1000:.1f} ms")
PY
EOF
unshare -m sh -c 'mount -t tmpfs none /opt/swift && exec bash "$0" "$1" "$2"' "$work/inside.sh" "$work" "$version"
echo "binary: $(stat -c %s /usr/bin/certlint) bytes installed; $(stat -c %s "$deb") bytes .deb; $(stat -c %s "$tarball") bytes tarball"
echo "test-package.sh: the .deb and the tarball run without the toolchain: --version, rules, scan Examples (exit 1, same output)"
