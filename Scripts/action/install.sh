#!/usr/bin/env bash
# The GitHub Action's install step: puts the released certlint for Linux x86_64 on PATH.
# A certlint already on PATH with the wanted version is used as it is (a runner image or a
# container with the .deb installed). The binary needs libgit2 1.5 and libyaml 0.2 (Debian 12's
# libgit2-1.5 and libyaml-0-2; run the job in `container: debian:12` where the runner has others).
# Environment: INPUT_VERSION, ACTION_REPOSITORY, ACTION_REF, RUNNER_TEMP, GITHUB_PATH;
# CERTLINT_DOWNLOAD_BASE replaces https://github.com/OWNER/NAME/releases/download (tests).
set -euo pipefail
version=${INPUT_VERSION:-}
if [ -z "$version" ]; then
  case "${ACTION_REF:-}" in
    v[0-9]*) version=${ACTION_REF#v} ;;
    *) echo "::error title=certlint::set the action's version input (the action runs at ${ACTION_REF:-an unknown ref}, not a release tag)"; exit 2 ;;
  esac
fi
if command -v certlint > /dev/null && [ "$(certlint --version | head -1)" = "certlint $version" ]; then
  echo "certlint $version is already installed: $(command -v certlint)"
  exit 0
fi
[ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] || {
  echo "::error title=certlint::certlint is released for Linux x86_64; this runner is $(uname -s)/$(uname -m)"
  exit 2
}
name="certlint-$version-linux-x86_64"
base=${CERTLINT_DOWNLOAD_BASE:-https://github.com/$ACTION_REPOSITORY/releases/download}
folder="${RUNNER_TEMP:?}/certlint-$version"
mkdir -p "$folder"
curl -fsSL --retry 3 -o "$folder/$name.tar.gz" "$base/v$version/$name.tar.gz"
curl -fsSL --retry 3 -o "$folder/$name.tar.gz.sha256" "$base/v$version/$name.tar.gz.sha256"
(cd "$folder" && sha256sum --quiet -c "$name.tar.gz.sha256") || {
  echo "::error title=certlint::$name.tar.gz does not match its published SHA-256"
  exit 2
}
tar -xzf "$folder/$name.tar.gz" -C "$folder"
if missing=$(ldd "$folder/$name/certlint" | grep "not found"); then
  echo "::error title=certlint::certlint needs libgit2 1.5 and libyaml 0.2 (Debian 12: apt-get install libgit2-1.5 libyaml-0-2, or run the job in container: debian:12); missing: $(echo $missing)"
  exit 2
fi
echo "$folder/$name" >> "${GITHUB_PATH:?}"
"$folder/$name/certlint" --version
