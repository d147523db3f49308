#!/usr/bin/env bash
# Regenerates the test certificates under Tests/CertLintTests/Fixtures/certs with OpenSSL.
# Fixed validity dates keep golden outputs stable; tests scan with --as-of 2026-06-01.
# The private keys are thrown away except example-key.pem (a deliberate CP023 fixture).
set -euo pipefail
out="${1:-$(cd "$(dirname "$0")/.." && pwd)/Tests/CertLintTests/Fixtures/certs}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$work"
touch index.txt
echo 1000 > serial
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = index.txt
serial = serial
new_certs_dir = .
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
email_in_dn = no
[ any ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ leaf_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

# issue NAME CN START END [SAN] [KEYBITS] [DIGEST] [CA-NAME|self]
issue() {
  local name=$1 cn=$2 start=$3 end=$4 san=${5:-} bits=${6:-2048} digest=${7:-sha256} signer=${8:-ca}
  openssl genrsa -out "$name.key" "$bits" 2>/dev/null
  local ext=leaf_ext
  [ "$signer" = "rootca" ] && ext=ca_ext
  local sanconf=""
  if [ -n "$san" ]; then
    printf '[ san ]\nsubjectAltName = %s\n' "$san" > "$name.san"
    sanconf="-addext subjectAltName=$san"
  fi
  openssl req -new -key "$name.key" -subj "/CN=$cn" $sanconf -out "$name.csr" -config ca.cnf 2>/dev/null
  if [ "$signer" = "self" ] || [ "$signer" = "rootca" ]; then
    openssl ca -batch -config ca.cnf -selfsign -keyfile "$name.key" -in "$name.csr" -out "$name.crt" \
      -startdate "$start" -enddate "$end" -md "$digest" -extensions "$ext" -notext 2>/dev/null
  else
    openssl ca -batch -config ca.cnf -cert "$signer.crt" -keyfile "$signer.key" -in "$name.csr" -out "$name.crt" \
      -startdate "$start" -enddate "$end" -md "$digest" -extensions "$ext" -notext 2>/dev/null
  fi
}

issue ca "certlint Test Root CA" 20200101000000Z 20451231000000Z "" 2048 sha256 rootca
issue wildcard "*.example.com" 20250101000000Z 20351231000000Z "DNS:*.example.com,DNS:example.com"
issue san-shared "access.example.com" 20250101000000Z 20351231000000Z "DNS:access.example.com,DNS:wsa1.example.com,DNS:wsa2.example.com"
issue san-disjoint "access.example.com" 20250101000000Z 20351231000000Z "DNS:access.example.com,DNS:wsa1.example.dmz,DNS:wsa2.example.dmz"
issue single-host "access.example.com" 20250101000000Z 20351231000000Z "DNS:access.example.com"
issue partial-san "access.example.com" 20250101000000Z 20351231000000Z "DNS:access.example.com,DNS:wsa1.example.com"
issue cn-only "access.example.com" 20250101000000Z 20351231000000Z ""
issue other-host "portal.example.org" 20250101000000Z 20351231000000Z "DNS:portal.example.org"
issue expired "access.example.com" 20200101000000Z 20250101000000Z "DNS:access.example.com"
issue expiring "access.example.com" 20250101000000Z 20260610000000Z "DNS:access.example.com"
issue weak-sha1 "access.example.com" 20250101000000Z 20351231000000Z "DNS:access.example.com" 2048 sha1
issue weak-rsa1024 "access.example.com" 20250101000000Z 20351231000000Z "DNS:access.example.com" 1024
issue node-self-signed "wsa1.example.dmz" 20250101000000Z 20351231000000Z "DNS:wsa1.example.dmz,DNS:wsa2.example.dmz,DNS:wsa1.example.com,DNS:wsa2.example.com" 2048 sha256 self
issue untrusted-san "access.example.com" 20250101000000Z 20351231000000Z "DNS:access.example.com,DNS:wsa1.example.dmz,DNS:wsa2.example.dmz" 2048 sha256 self

for name in ca wildcard san-shared san-disjoint single-host partial-san cn-only other-host expired expiring weak-sha1 weak-rsa1024 node-self-signed untrusted-san; do
  cp "$name.crt" "$out/$name.pem"
done
# A leaf with its chain in one file (leaf first), and a committed unencrypted key.
cat san-disjoint.crt ca.crt > "$out/san-disjoint-chain.pem"
cp wildcard.key "$out/example-key.pem"
openssl x509 -in wildcard.crt -outform DER -out "$out/wildcard.der"
openssl pkcs8 -topk8 -in wildcard.key -passout pass:certlint -out "$out/example-key-encrypted.pem" 2>/dev/null
echo "wrote $(ls "$out" | wc -l) files to $out"
