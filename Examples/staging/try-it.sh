#!/usr/bin/env bash
# A complete staging run on one machine: a small repository (HAProxy re-encrypting 443, passing
# 5262 through), two stand-in Access nodes (openssl s_server on loopback), `certlint proxy` built
# from the repository, traffic through it, `certlint verify` of the proxy and the nodes, and the
# proxy's report when it stops. Needs openssl and curl. CERTLINT overrides the binary.
#
#   bash Examples/staging/try-it.sh            # everything as the repository declares it: exit 0
#   bash Examples/staging/try-it.sh --drift    # node 2 presents another certificate: CP014, exit 1
set -euo pipefail
certlint=${CERTLINT:-"$(cd "$(dirname "$0")/../.." && pwd)/.build/debug/certlint"}
[ -x "$certlint" ] || { echo "build certlint first (swift build), or set CERTLINT"; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

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
[ "${1:-}" = "--drift" ] && node2=other
serve() { openssl s_server -quiet -accept "127.0.0.1:$1" -cert "$2.pem" -key "$2.key" $3 >/dev/null 2>&1 & pids+=($!); }
serve 20443 service -www; serve 21443 "$node2" -www
serve 25262 public -rev; serve 26262 public -rev
for port in 20443 21443 25262 26262; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done

# The stage file, outside the repository: where the nodes are, where the proxy listens, and what
# it terminates 443 with.
cat > stage.yaml <<YAML
version: 1
listen: { address: 127.0.0.1, ports: { 443: 18443, 5262: 15262 } }
vip: { address: 127.0.0.1, ports: { 443: 18443, 5262: 15262, 5263: 15263 } }
nodes:
  wsa1.example.com: { address: 127.0.0.1, ports: { 443: 20443, 5262: 25262 } }
  wsa2.example.com: { address: 127.0.0.1, ports: { 443: 21443, 5262: 26262 } }
terminate: { certificate: $work/public.pem, key: $work/public.key }
limits: { idle-timeout: 30, drain-timeout: 2 }
YAML

echo "== certlint proxy repo --stage stage.yaml --report connections.jsonl --duration 6"
"$certlint" proxy repo --stage stage.yaml --report connections.jsonl --duration 6 > proxy-report.txt 2> proxy-log.txt &
proxy=$!
until grep -q "running" proxy-log.txt 2>/dev/null; do
  kill -0 "$proxy" 2>/dev/null || { cat proxy-log.txt; exit 2; }
  sleep 0.2
done
cat proxy-log.txt
for i in 1 2; do
  curl -sk --resolve access.example.com:18443:127.0.0.1 -o /dev/null -w "GET https://access.example.com/ through the proxy: %{http_code}\n" https://access.example.com:18443/ || true
done
echo | openssl s_client -connect 127.0.0.1:15262 -servername access.example.com 2>/dev/null | grep -m1 "^subject=" | sed 's/^/5262 through the proxy presents: /'

echo
echo "== certlint verify repo --stage stage.yaml   (the VIP is the proxy; the nodes directly)"
status=0
"$certlint" verify repo --stage stage.yaml || status=$?
echo "(exit $status)"

wait "$proxy" || true
echo
echo "== what the proxy reported when it stopped"
tail -n +1 proxy-report.txt
echo "connections recorded: $(wc -l < connections.jsonl)"
head -n 1 connections.jsonl
exit $status
