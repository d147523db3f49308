#!/usr/bin/env bash
# A complete staging run on one machine: a small repository (HAProxy re-encrypting 443, passing
# 5262 through), two stand-in Access nodes (openssl s_server on loopback), `certlint proxy` built
# from the repository, traffic through it, `certlint verify` of the proxy and the nodes, and the
# proxy's report when it stops. Needs openssl and curl. CERTLINT overrides the binary.
#
#   bash Examples/staging/try-it.sh            # everything as the repository declares it: exit 0
#   bash Examples/staging/try-it.sh --drift    # node 2 presents another certificate: CP014, exit 1
#   bash Examples/staging/try-it.sh --netns    # the VIP, the nodes and the client as hosts of their
#                                              # own (network namespaces, as root, iproute2), each on
#                                              # the repository's real ports 443, 5262 and 5263
set -euo pipefail
certlint=${CERTLINT:-"$(cd "$(dirname "$0")/../.." && pwd)/.build/debug/certlint"}
[ -x "$certlint" ] || { echo "build certlint first (swift build), or set CERTLINT"; exit 2; }
drift=0 netns=0
for argument in "$@"; do
  case "$argument" in
    --drift) drift=1 ;;
    --netns) netns=1 ;;
    *) echo "try-it.sh: unknown option $argument (use --drift, --netns)" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
pids=()
namespaces=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for namespace in "${namespaces[@]}"; do ip netns del "$namespace" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# Where each host is. On loopback, every host is 127.0.0.1 and each service has a port of its own;
# with --netns, each host is a namespace on a bridge of its own (10.77.0.0/24, nothing routed out)
# and every service listens on its real port.
if [ "$netns" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "try-it.sh --netns: run as root (it creates network namespaces)" >&2; exit 2; }
  command -v ip >/dev/null || { echo "try-it.sh --netns: needs iproute2 (apt-get install iproute2)" >&2; exit 2; }
  hub="certlint-$$-lan"
  ip netns add "$hub"; namespaces+=("$hub")
  ip -n "$hub" link add br0 type bridge
  ip -n "$hub" link set br0 up
  for host in vip wsa1 wsa2 client; do
    namespace="certlint-$$-$host"
    ip netns add "$namespace"; namespaces+=("$namespace")
    ip link add eth0 netns "$namespace" type veth peer name "$host" netns "$hub"
    ip -n "$hub" link set "$host" master br0 up
    case $host in vip) address=10.77.0.1 ;; wsa1) address=10.77.0.11 ;; wsa2) address=10.77.0.12 ;; client) address=10.77.0.100 ;; esac
    ip -n "$namespace" addr add "$address/24" dev eth0
    ip -n "$namespace" link set eth0 up
    ip -n "$namespace" link set lo up
  done
  vip_address=10.77.0.1 wsa1_address=10.77.0.11 wsa2_address=10.77.0.12
  proxy_443=443 proxy_5262=5262 proxy_5263=5263
  # 10.77.0.1 is not loopback; it exists only inside this run's namespaces.
  proxy_flags=(--allow-remote)
  wsa1_443=443 wsa2_443=443 wsa1_5262=5262 wsa2_5262=5262
else
  vip_address=127.0.0.1 wsa1_address=127.0.0.1 wsa2_address=127.0.0.1
  proxy_443=18443 proxy_5262=15262 proxy_5263=15263
  proxy_flags=()
  wsa1_443=20443 wsa2_443=21443 wsa1_5262=25262 wsa2_5262=26262
fi

# The command prefix that runs on a host, and a command run there: nothing on loopback,
# `ip netns exec` into the host's namespace with --netns.
host_prefix() { if [ "$netns" = 1 ]; then prefix=(ip netns exec "certlint-$$-$1"); else prefix=(); fi; }
on() { host_prefix "$1"; shift; "${prefix[@]}" "$@"; }

# Certificates: a CA the devices trust, the public certificate it issued (the VIP and both nodes),
# and the nodes' own self-signed Access service certificate.
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca.key; key public.key; key service.key; key other.key
openssl req -x509 -key ca.key -out ca.pem -days 30 -subj "/CN=Example Devices CA" 2>/dev/null
openssl req -new -key public.key -subj "/CN=access.example.com" 2>/dev/null |
  openssl x509 -req -CA ca.pem -CAkey ca.key -days 30 -out public.crt \
    -extfile <(printf "subjectAltName=DNS:access.example.com,DNS:wsa1.example.com,DNS:wsa2.example.com") 2>/dev/null
cat public.crt ca.pem > public.pem
for name in service other; do
  openssl req -x509 -key $name.key -out $name.pem -days 30 -subj "/CN=wsa.example.com" \
    -addext "subjectAltName=DNS:wsa1.example.com,DNS:wsa2.example.com" 2>/dev/null
done

# The repository: what a team commits (certificates, never keys).
mkdir -p repo/lb repo/certs
cp ca.pem public.pem service.pem repo/certs/
cat > repo/certlint.yaml <<'YAML'
version: 1
settings:
  system-trust: false
  trust-anchors: [certs/ca.pem]
deployments:
  - name: access-staging
    vip: access.example.com
    nodes: [wsa1.example.com, wsa2.example.com]
    public-certificate: certs/public.pem
    service-certificate: certs/service.pem
    cert-proxy:
      certificate: certs/public.pem
    load-balancer: [lb/haproxy.cfg]
YAML
cat > repo/lb/haproxy.cfg <<'CFG'
defaults
    mode http
    timeout connect 5s

frontend access_https
    bind :443 ssl crt /etc/haproxy/certs/access.pem
    option forwardfor
    http-request set-header RemotePort %[src_port]
    default_backend access_nodes

backend access_nodes
    server wsa1 wsa1.example.com:443 ssl verify required ca-file /etc/haproxy/certs/wsa-node.pem
    server wsa2 wsa2.example.com:443 ssl verify required ca-file /etc/haproxy/certs/wsa-node.pem

frontend cert_proxy
    mode tcp
    bind :5262
    default_backend cert_proxy_nodes

backend cert_proxy_nodes
    mode tcp
    balance source
    server wsa1 wsa1.example.com:5262
    server wsa2 wsa2.example.com:5262
CFG

# Stand-in nodes: 443 with the service certificate (node 2 with another one under --drift),
# 5262 with the public certificate.
node2=service
[ "$drift" = 1 ] && node2=other
# serve HOST ADDRESS PORT CERTIFICATE MODE
# (Background commands run through the prefix, not `on`: $! must be the server, not a subshell.)
serve() {
  host_prefix "$1"
  "${prefix[@]}" openssl s_server -quiet -accept "$2:$3" -cert "$4.pem" -key "$4.key" "$5" >/dev/null 2>&1 &
  pids+=($!)
}
serve wsa1 "$wsa1_address" "$wsa1_443" service -www; serve wsa2 "$wsa2_address" "$wsa2_443" "$node2" -www
serve wsa1 "$wsa1_address" "$wsa1_5262" public -rev; serve wsa2 "$wsa2_address" "$wsa2_5262" public -rev
for target in "$wsa1_address/$wsa1_443" "$wsa2_address/$wsa2_443" "$wsa1_address/$wsa1_5262" "$wsa2_address/$wsa2_5262"; do
  for _ in $(seq 100); do on client bash -c "exec 3<>/dev/tcp/$target" 2>/dev/null && break; sleep 0.1; done
done

# The stage file, outside the repository: where the nodes are, where the proxy listens, and what
# it terminates 443 with.
cat > stage.yaml <<YAML
version: 1
listen: { address: $vip_address, ports: { 443: $proxy_443, 5262: $proxy_5262 } }
vip: { address: $vip_address, ports: { 443: $proxy_443, 5262: $proxy_5262, 5263: $proxy_5263 } }
nodes:
  wsa1.example.com: { address: $wsa1_address, ports: { 443: $wsa1_443, 5262: $wsa1_5262 } }
  wsa2.example.com: { address: $wsa2_address, ports: { 443: $wsa2_443, 5262: $wsa2_5262 } }
terminate: { certificate: $work/public.pem, key: $work/public.key }
limits: { idle-timeout: 30, drain-timeout: 2 }
YAML

echo "== certlint proxy repo --stage stage.yaml --report connections.jsonl --duration 6"
host_prefix vip
"${prefix[@]}" "$certlint" proxy repo --stage stage.yaml --report connections.jsonl --duration 6 ${proxy_flags[@]+"${proxy_flags[@]}"} > proxy-report.txt 2> proxy-log.txt &
proxy=$!
until grep -q "running" proxy-log.txt 2>/dev/null; do
  kill -0 "$proxy" 2>/dev/null || { cat proxy-log.txt; exit 2; }
  sleep 0.2
done
cat proxy-log.txt
for i in 1 2; do
  on client curl -sk --resolve "access.example.com:$proxy_443:$vip_address" -o /dev/null \
    -w "GET https://access.example.com:$proxy_443/ through the proxy: %{http_code}\n" "https://access.example.com:$proxy_443/" || true
done
echo | on client openssl s_client -connect "$vip_address:$proxy_5262" -servername access.example.com 2>/dev/null |
  grep -m1 "^subject=" | sed "s/^/5262 (port $proxy_5262) through the proxy presents: /"

echo
echo "== certlint verify repo --stage stage.yaml   (the VIP is the proxy; the nodes directly)"
[ "$netns" = 1 ] && echo "   (from the client host 10.77.0.100; the VIP is 10.77.0.1, the nodes 10.77.0.11 and .12)"
status=0
on client "$certlint" verify repo --stage stage.yaml || status=$?
echo "(exit $status)"

wait "$proxy" || true
echo
echo "== what the proxy reported when it stopped"
tail -n +1 proxy-report.txt
echo "connections recorded: $(wc -l < connections.jsonl)"
head -n 1 connections.jsonl
exit $status
