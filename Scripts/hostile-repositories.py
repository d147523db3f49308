#!/usr/bin/env python3
"""Scans large hostile repositories with the certlint binary and checks that each run ends on
its own terms: exit code 0, 1 or 2 (never a signal or a runtime trap), under 10 seconds and
512 MB of memory, and with the finding or note that names the limit it hit.

The fast hostile cases run inside `swift test` (Tests/CertLintTests/Scan/HostileInputTests.swift);
these are the large ones. Usage: Scripts/hostile-repositories.py [CERTLINT_BINARY]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

LIMIT_SECONDS = 10.0
LIMIT_BYTES = 512 * 1024 * 1024
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "certlint")
BIG_CERTIFICATE = os.path.join(ROOT, "Tests", "CertLintTests", "Fixtures", "hostile", "rsa-16384.pem")

MANIFEST = """version: 1
settings:
  max-file-size: 64MiB
deployments:
  - name: access
    vip: access.example.com
    nodes: [wsa1.example.dmz, wsa2.example.dmz]
"""


def haproxy_backends(count):
    lines = ["frontend f", "    mode tcp", "    bind :5262", "    default_backend b0"]
    for index in range(count):
        lines += [f"backend b{index}", "    mode tcp", f"    server s{index} wsa{index}.example.dmz:5262 check"]
    return "\n".join(lines) + "\n"


def many_names_certificate(folder):
    """A self-signed certificate with 10,000 DNS names, made with openssl."""
    config = os.path.join(folder, "san.cnf")
    names = "\n".join(f"DNS.{i + 1} = n{i}.example.com" for i in range(10_000))
    with open(config, "w") as handle:
        handle.write("[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = access.example.com\n")
        handle.write("[ext]\nsubjectAltName = @alt\n[alt]\n" + names + "\n")
    out = os.path.join(folder, "many.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", os.devnull,
         "-out", out, "-days", "30", "-config", config, "-extensions", "ext"],
        check=True, capture_output=True)
    with open(out) as handle:
        return handle.read()


def cases(folder):
    """(name, files, expected text in the JSON output or None) for each large hostile input."""
    yield "200 MB file (over max-file-size)", {"lb/huge.cfg": None}, "over the 67108864-byte limit (settings.max-file-size); not read"
    yield "5 MB single line", {"lb/haproxy.cfg": "frontend " + "x" * 5_000_000 + "\n"}, None
    secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\ntype: kubernetes.io/tls\ndata:\n  tls.crt: " + "QUFB" * 12_500_000 + "\n"
    yield "50 MB base64 Secret", {"k8s/secret.yaml": secret}, None
    yield "200,000 HAProxy backends", {"lb/haproxy.cfg": haproxy_backends(200_000)}, None
    yield "certificate with 10,000 names", {"certs/many.pem": many_names_certificate(folder)}, None
    if os.path.exists(BIG_CERTIFICATE):
        with open(BIG_CERTIFICATE) as handle:
            yield "16,384-bit RSA certificate", {"certs/big.pem": handle.read()}, None
    deep = 100_000
    yield "HCL 100,000 nested lists", {"tf/main.tf": "locals {\n  a = " + "[" * deep + "]" * deep + "\n}\n"}, "Nesting too deep"
    yield "NGINX 100,000 nested blocks", {"nginx/nginx.conf": "http {\n" + "location / {\n" * deep + "}\n" * deep + "}\n"}, "nest deeper than 100"
    yield "YAML 100,000 nested sequences", {"k8s/svc.yaml": "apiVersion: v1\nkind: Service\nspec: " + "[" * deep + "]" * deep + "\n"}, "deeper than 400"
    yield "HAProxy 20,000 bind port ranges", {"lb/haproxy.cfg": "frontend f\n    mode tcp\n" + "    bind :1-65535\n" * 20_000 + "    default_backend b\nbackend b\n    mode tcp\n    server s wsa1.example.dmz:5262\n"}, None
    modules = {"tf/main.tf": 'module "m" {\n  source = "./m0"\n}\n'}
    for level in range(30):
        modules[f"tf/m{level}/main.tf"] = f'module "a" {{\n  source = "../m{level + 1}"\n}}\nmodule "b" {{\n  source = "../m{level + 1}"\n}}\n'
    modules["tf/m30/main.tf"] = 'resource "aws_lb_listener" "l" {\n  port = 5262\n  protocol = "TLS"\n}\n'
    yield "Terraform module fan-out (2^30 instances)", modules, None
    conditions = "AWSTemplateFormatVersion: '2010-09-09'\nConditions:\n  C0: !Equals [a, a]\n"
    conditions += "".join(f"  C{i + 1}: !And [!Condition C{i}, !Condition C{i}]\n" for i in range(60))
    conditions += "Resources:\n  L:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Condition: C60\n    Properties:\n      Port: 5262\n      Protocol: TLS\n"
    yield "CloudFormation conditions fan-out (2^60)", {"cfn/t.yaml": conditions}, None
    one_character = 'resource "aws_lb_listener" "l" {\n  port = 443\n  protocol = "HTTPS"\n  certificate_arn = dirname("a")\n}\n'
    yield "Terraform dirname of a one-character path", {"tf/main.tf": one_character, "x": "x\n"}, None


def wait(pid, timeout):
    """The exit status of one child and its peak resident memory in bytes (VmHWM, read from
    /proc while it runs: rusage would count this script's own memory, inherited across exec),
    or (None, peak) after killing it when it outlives `timeout` seconds."""
    deadline = time.monotonic() + timeout
    peak = 0
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) * 1024)
        except OSError:
            pass
        finished, status, _ = os.wait4(pid, os.WNOHANG)
        if finished:
            return status, peak
        time.sleep(0.01)
    os.kill(pid, 9)
    os.wait4(pid, 0)
    return None, peak


def write(root, files):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if text is None:
            with open(full, "wb") as handle:
                handle.truncate(200 * 1024 * 1024)
                handle.seek(0)
                handle.write(b"frontend f\n")
        else:
            with open(full, "w") as handle:
                handle.write(text)


def main():
    failures = 0
    passed = 0
    with tempfile.TemporaryDirectory(prefix="certlint-hostile-") as folder:
        for name, files, expected in cases(folder):
            root = os.path.join(folder, "repo")
            shutil.rmtree(root, ignore_errors=True)
            os.makedirs(root)
            write(root, dict(files, **{"certlint.yaml": MANIFEST}))
            with open(os.path.join(folder, "out"), "w+b") as out, open(os.path.join(folder, "err"), "w+b") as err:
                started = time.monotonic()
                process = subprocess.Popen([BINARY, "scan", root, "--format", "json", "--as-of", "2026-06-01"], stdout=out, stderr=err)
                status, peak = wait(process.pid, 60)
                seconds = time.monotonic() - started
                out.seek(0)
                err.seek(0)
                stdout, stderr = out.read(), err.read()
            if status is None:
                print(f"FAIL {name}: no answer within 60 s")
                failures += 1
                continue
            returncode = os.waitstatus_to_exitcode(status)
            problems = []
            if returncode not in (0, 1, 2):
                problems.append(f"exit {returncode}: {stderr.decode(errors='replace')[:300]}")
            if b"Fatal error" in stderr:
                problems.append("a runtime trap: " + stderr.decode(errors="replace")[:300])
            if seconds > LIMIT_SECONDS:
                problems.append(f"{seconds:.1f} s (limit {LIMIT_SECONDS:.0f} s)")
            if peak > LIMIT_BYTES:
                problems.append(f"{peak / 1048576:.0f} MB of memory (limit 512 MB)")
            if expected and expected.encode() not in stdout:
                problems.append(f"the output does not say '{expected}'")
            verdict = "FAIL" if problems else "ok"
            print(f"{verdict:4} {name}: exit {returncode}, {seconds:.2f} s, peak {peak / 1048576:.0f} MB"
                  + ("; " + "; ".join(problems) if problems else ""))
            if problems:
                failures += 1
            else:
                passed += 1
    print(f"hostile repositories: {passed} within the limits, {failures} not")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
