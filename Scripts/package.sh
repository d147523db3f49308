#!/usr/bin/env bash
# Builds what users install, into dist/:
#   certlint-VERSION-linux-x86_64.tar.gz (+ .sha256)   the binary, its licence, a short README,
#                                                       the man page and shell completions
#   certlint_VERSION_amd64.deb (+ .sha256)             the same, installable with apt
#   certlint-VERSION-linux-x86_64.debug                the debug symbols the binary was stripped of
# The release build links the Swift runtime and Foundation statically, so the binary needs only
# libc, libstdc++, libgit2 1.5 and libyaml 0.2 (Debian 12's libgit2-1.5 and libyaml-0-2); the
# script fails when it needs anything else.
#
#   bash Scripts/package.sh            build, then package
#   bash Scripts/package.sh --no-build package the release binary built before
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
for argument in "$@"; do
  case "$argument" in
    --no-build) build=0 ;;
    *) echo "package.sh: unknown option $argument (use --no-build)" >&2; exit 2 ;;
  esac
done

version=$(sed -n 's/^package let certlintVersion = "\(.*\)"$/\1/p' Sources/CertLint/Model/Version.swift)
[ -n "$version" ] || { echo "package.sh: no certlintVersion in Sources/CertLint/Model/Version.swift" >&2; exit 1; }
commit=$(git rev-parse HEAD 2>/dev/null || echo "")
arch=$(uname -m)
[ "$arch" = x86_64 ] || { echo "package.sh: builds for x86_64 only, this is $arch" >&2; exit 1; }

# The built-in rules' SARIF helpUri: CERTLINT_RULES_URL, else the release tag's docs/rules/ on
# GitHub when origin is a GitHub repository, else none (and said so).
rules_url=${CERTLINT_RULES_URL:-}
if [ -z "$rules_url" ]; then
  origin=$(git remote get-url origin 2>/dev/null || true)
  case "$origin" in
    https://github.com/*/* | git@github.com:*/*)
      slug=${origin#https://github.com/}
      slug=${slug#git@github.com:}
      rules_url="https://github.com/${slug%.git}/blob/v$version/docs/rules/"
      ;;
  esac
fi
if [ -z "$rules_url" ]; then
  echo "package.sh: no CERTLINT_RULES_URL and origin is not on GitHub: SARIF helpUri of built-in rules is left out"
elif [[ "$rules_url" =~ ^https://[A-Za-z0-9:/._~%-]+/$ ]] && [ ${#rules_url} -le 200 ]; then
  echo "package.sh: built-in rules link to ${rules_url}CPnnn.md"
else
  echo "package.sh: CERTLINT_RULES_URL must be an https:// URL of at most 200 URL characters ending in /, got $rules_url" >&2
  exit 2
fi

flags=(-c release --static-swift-stdlib --product certlint)
if [ "$build" = 1 ]; then
  # glibc gives mktemp a link-time notice, and the toolchain's static FoundationEssentials
  # (createTemporaryFile) references it, so every static link prints "warning: the use of
  # `mktemp' is dangerous". The call is not certlint's; that one line is dropped, nothing else.
  # (pipefail: a failed build still fails the script.)
  CERTLINT_COMMIT="$commit" CERTLINT_RULES_URL="$rules_url" swift build "${flags[@]}" 2>&1 | { grep -v "the use of \`mktemp' is dangerous" || true; }
fi
binary="$(swift build "${flags[@]}" --show-bin-path)/certlint"
[ -x "$binary" ] || { echo "package.sh: $binary is missing; run without --no-build" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
name="certlint-$version-linux-x86_64"
mkdir -p dist "$stage/$name"

# Stripped, with the symbols kept in a file of their own (gdb finds it by the debug link).
objcopy --only-keep-debug "$binary" "dist/$name.debug"
objcopy --strip-all --add-gnu-debuglink="dist/$name.debug" "$binary" "$stage/$name/certlint"
chmod 755 "$stage/$name/certlint"

# The binary may need the C and C++ runtimes, libgit2 and libyaml, and nothing else.
allowed=" libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libutil.so.1 ld-linux-x86-64.so.2 libstdc++.so.6 libgcc_s.so.1 libgit2.so.1.5 libyaml-0.so.2 "
needed=$(readelf -d "$stage/$name/certlint" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for library in $needed; do
  case "$allowed" in
    *" $library "*) ;;
    *) echo "package.sh: the binary needs $library, which the package does not provide" >&2; exit 1 ;;
  esac
done
# It must not name the toolchain's folder as a place to look for libraries.
if readelf -d "$stage/$name/certlint" | grep -E '\((RPATH|RUNPATH)\)' | grep -q swift; then
  echo "package.sh: the binary has an rpath into the Swift toolchain" >&2
  exit 1
fi

# The man page, from the command definitions (swift-argument-parser's generate-manual plugin). It
# builds every product first, in release unless told otherwise: the debug build, which the tests
# have already made, describes the same commands.
swift package plugin generate-manual --configuration debug --authors "the certlint authors" \
  > "$stage/generate-manual.log" 2>&1 || {
  cat "$stage/generate-manual.log" >&2
  exit 1
}
manual=.build/plugins/GenerateManual/outputs/certlint/certlint.1
[ -s "$manual" ] || { echo "package.sh: generate-manual wrote no $manual" >&2; exit 1; }
cp "$manual" "$stage/$name/certlint.1"

mkdir -p "$stage/$name/completions"
"$stage/$name/certlint" --generate-completion-script bash > "$stage/$name/completions/certlint.bash"
"$stage/$name/certlint" --generate-completion-script zsh > "$stage/$name/completions/_certlint"
"$stage/$name/certlint" --generate-completion-script fish > "$stage/$name/completions/certlint.fish"

cp LICENSE "$stage/$name/LICENSE"
# The licences of the Swift packages compiled into the binary.
{
  echo "certlint $version links these Swift packages statically; their licences follow."
  for checkout in .build/checkouts/*/; do
    package=$(basename "$checkout")
    for licence in "$checkout"LICENSE.txt "$checkout"LICENSE "$checkout"NOTICE.txt; do
      [ -f "$licence" ] || continue
      printf '\n==== %s: %s ====\n\n' "$package" "$(basename "$licence")"
      cat "$licence"
    done
  done
} > "$stage/$name/THIRD-PARTY-LICENSES"
sed "s/@VERSION@/$version/g" Scripts/package/README.txt > "$stage/$name/README.txt"

tarball="dist/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$(git log -1 --format=%ct 2>/dev/null || date +%s)" \
  -C "$stage" -czf "$tarball" "$name"
(cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

# The Debian package: the same files where Debian keeps them.
root="$stage/deb"
install -D -m 755 "$stage/$name/certlint" "$root/usr/bin/certlint"
install -d "$root/usr/share/man/man1"
gzip -9n < "$stage/$name/certlint.1" > "$root/usr/share/man/man1/certlint.1.gz"
install -D -m 644 "$stage/$name/completions/certlint.bash" "$root/usr/share/bash-completion/completions/certlint"
install -D -m 644 "$stage/$name/completions/_certlint" "$root/usr/share/zsh/vendor-completions/_certlint"
install -D -m 644 "$stage/$name/completions/certlint.fish" "$root/usr/share/fish/vendor_completions.d/certlint.fish"
install -D -m 644 LICENSE "$root/usr/share/doc/certlint/copyright"
install -D -m 644 "$stage/$name/THIRD-PARTY-LICENSES" "$root/usr/share/doc/certlint/THIRD-PARTY-LICENSES"
install -d "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" Scripts/package/control > "$root/DEBIAN/control"
deb="dist/certlint_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" > /dev/null
(cd dist && sha256sum "$(basename "$deb")" > "$(basename "$deb").sha256")

echo "package.sh: certlint $version (commit ${commit:-not recorded})"
for file in "$tarball" "$deb" "dist/$name.debug"; do
  printf '  %-48s %s bytes\n' "$file" "$(stat -c %s "$file")"
done
printf '  binary: %s bytes; needs %s\n' "$(stat -c %s "$stage/$name/certlint")" "$(echo $needed)"
