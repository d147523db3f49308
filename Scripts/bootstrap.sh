#!/usr/bin/env bash
# Installs what certlint needs to build and test on Debian/Ubuntu, and nothing that is already
# there: libgit2 and libyaml (with pkg-config), openssl, strace, haproxy, nginx-light and its
# stream module, and the packaging tools (binutils, dpkg, util-linux, curl) from apt, and the Python
# packages the schema tests use (jsonschema, rfc3987, xmlschema) from PyPI. Safe to run again.
set -euo pipefail

need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists libgit2 || need_apt+=(libgit2-dev)
  pkg-config --exists yaml-0.1 || need_apt+=(libyaml-dev)
else
  need_apt+=(libgit2-dev libyaml-dev)
fi
# The security tests: openssl makes test keys, strace watches which files a scan opens.
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v strace >/dev/null 2>&1 || need_apt+=(strace)
# The differential tests run the real load balancers (the packages start no service here).
[ -x /usr/sbin/haproxy ] || need_apt+=(haproxy)
[ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
[ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || need_apt+=(libnginx-mod-stream)
# Packaging (Scripts/package.sh, test-package.sh, test-action.sh): objcopy and readelf, dpkg-deb,
# unshare, curl.
command -v objcopy >/dev/null 2>&1 || need_apt+=(binutils)
command -v dpkg-deb >/dev/null 2>&1 || need_apt+=(dpkg)
command -v unshare >/dev/null 2>&1 || need_apt+=(util-linux)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# The staging example's --netns run (network namespaces, veth, a bridge).
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
# certlint graph's test renders its DOT output with Graphviz.
[ -x /usr/bin/dot ] || need_apt+=(graphviz)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need_apt[*]} with apt-get"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! python3 -c 'import jsonschema, rfc3987, xmlschema' >/dev/null 2>&1; then
  echo "bootstrap: installing jsonschema rfc3987 xmlschema with pip"
  python3 -m pip install --quiet --disable-pip-version-check jsonschema rfc3987 xmlschema
fi
echo "bootstrap: libgit2 $(pkg-config --modversion libgit2), libyaml $(pkg-config --modversion yaml-0.1), $(swift --version 2>/dev/null | head -1)"
