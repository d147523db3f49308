#!/usr/bin/env python3
"""Runs generated load-balancer configurations in the real HAProxy or NGINX and records what
happens on each port. Driven by Tests/CertLintTests/Differential (swift test), which writes the
cases and compares certlint's reading with what this script saw.

    python3 Scripts/differential.py MANIFEST.json RESULTS.json

MANIFEST.json:
  {"certs": {"lb": PEM, "lbKey": PEM, "node": PEM, "nodeKey": PEM, "ca": PEM},
   "cases": [{"id": "haproxy-7", "kind": "haproxy" | "nginx", "dir": FOLDER, "main": FILE,
              "lbPorts": [443, 5262], "nodePorts": [443, 5262], "probes": [{"port": 443, "sni": NAME}]}]}

Every file under a case's folder may hold the placeholders @LB<port>@ (a free loopback port
for that load-balancer port), @NODE<port>@ (the loopback port of the stand-in node for that node
port) and @CERTS@ (the folder of the test certificates). Each case gets its own ports and
stand-in nodes, so cases run in parallel. Only 127.0.0.1 is used.

A stand-in node accepts TLS (certificate "node") or plain HTTP on the same port by looking at the
first byte; inside TLS it looks again, to see TLS wrapped in TLS. It answers an HTTP request with
the X-Forwarded-For and RemotePort headers it received.

RESULTS.json maps each case id to {"valid": bool, "check": TEXT, "observations": [...]}; an
observation is {"port", "sni", "client": "lb"|"node"|"fail", "node": "none"|"tls"|"plain"|
"tls-in-tls", "nodePort": PORT|null, "xff": "client"|"other"|"none", "remotePort": likewise}.
"""
import concurrent.futures
import json
import os
import random
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

LOOPBACK = "127.0.0.1"
CLIENT_FORWARDED_FOR = "198.51.100.7"
CLIENT_REMOTE_PORT = "1"
port_lock = threading.Lock()
used_ports = set()


# Load-balancer ports come from below Linux's ephemeral range (32768-60999), so no outgoing
# connection of this run can take one between the check and the load balancer's bind.
PORT_RANGE = (20000, 32000)


def free_port():
    """A loopback port nothing listens on now, never handed out twice in this run."""
    with port_lock:
        while True:
            port = random.randrange(*PORT_RANGE)
            if port in used_ports:
                continue
            try:
                with socket.socket() as probe:
                    probe.bind((LOOPBACK, port))
            except OSError:
                continue
            used_ports.add(port)
            return port


def read_request(stream, data=b""):
    """Header lines of one HTTP request (lower-cased names), or None when none came."""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        try:
            chunk = stream.recv(4096)
        except (OSError, ssl.SSLError):
            break
        if not chunk:
            break
        data += chunk
    if b"\r\n\r\n" not in data:
        return None
    headers = []
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip().lower(), value.strip()))
    return headers


class StandInNode:
    """A node on one loopback port: TLS or plain, recording each connection."""

    def __init__(self, canonical_port, certs):
        self.canonical_port = canonical_port
        self.records = []
        self.lock = threading.Lock()
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certs["nodeFile"], certs["nodeKeyFile"])
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((LOOPBACK, 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def close(self):
        self.socket.close()

    def accept(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def record(self, entry):
        entry["nodePort"] = self.canonical_port
        with self.lock:
            self.records.append(entry)

    def serve(self, connection):
        connection.settimeout(5)
        try:
            first = connection.recv(1, socket.MSG_PEEK)
            if not first:
                return
            stream = connection
            kind = "plain"
            if first == b"\x16":
                try:
                    stream = self.context.wrap_socket(connection, server_side=True)
                except (OSError, ssl.SSLError):
                    self.record({"node": "tls", "xff": [], "remotePort": [], "request": False})
                    return
                kind = "tls"
            try:
                start = stream.recv(4096)
            except (OSError, ssl.SSLError):
                start = b""
            if kind == "tls" and start[:1] == b"\x16":
                self.record({"node": "tls-in-tls", "xff": [], "remotePort": [], "request": False})
                return
            headers = read_request(stream, start) if start else None
            if headers is None:
                self.record({"node": kind, "xff": [], "remotePort": [], "request": False})
                return
            xff = [v for n, v in headers if n == "x-forwarded-for"]
            remote = [v for n, v in headers if n == "remoteport"]
            self.record({"node": kind, "xff": xff, "remotePort": remote, "request": True})
            body = json.dumps({"node": self.canonical_port}).encode()
            stream.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                           + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                connection.close()
            except OSError:
                pass


def probe(port, sni, certs):
    """Connects as a client with TLS and SNI, sends one request; returns whose certificate it
    saw (or "fail") and the client's own source port."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection((LOOPBACK, port), timeout=5)
    local_port = raw.getsockname()[1]
    try:
        stream = context.wrap_socket(raw, server_hostname=sni)
    except (OSError, ssl.SSLError):
        raw.close()
        return "fail", local_port
    der = stream.getpeercert(binary_form=True)
    seen = "lb" if der == certs["lbDER"] else "node" if der == certs["nodeDER"] else "other"
    try:
        stream.sendall(("GET / HTTP/1.1\r\nHost: %s\r\nX-Forwarded-For: %s\r\nRemotePort: %s\r\n"
                        "Connection: close\r\n\r\n" % (sni, CLIENT_FORWARDED_FOR, CLIENT_REMOTE_PORT)).encode())
        while stream.recv(4096):
            pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        stream.close()
    return seen, local_port


def wait_listening(ports, process, seconds=10):
    deadline = time.time() + seconds
    for port in ports:
        while True:
            if process.poll() is not None:
                return False
            try:
                socket.create_connection((LOOPBACK, port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    return False
                time.sleep(0.02)
    return True


def free_range(count):
    """`count` consecutive free loopback ports."""
    while True:
        first = free_port()
        ports = [first + offset for offset in range(count)]
        with port_lock:
            if any(port in used_ports for port in ports[1:]) or ports[-1] >= PORT_RANGE[1]:
                continue
            try:
                for port in ports[1:]:
                    with socket.socket() as probe:
                        probe.bind((LOOPBACK, port))
            except OSError:
                continue
            used_ports.update(ports)
        return ports


def substitute(folder, mapping):
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            with open(path) as handle:
                text = handle.read()
            text = re.sub(r"@(LB|NODE)(\d+)@", lambda m: str(mapping[m.group(1)][int(m.group(2))]), text)
            text = text.replace("@CERTS@", mapping["CERTS"])
            with open(path, "w") as handle:
                handle.write(text)


def commands(case, folder):
    main = os.path.join(folder, case["main"])
    if case["kind"] == "haproxy":
        return ["haproxy", "-c", "-f", main], ["haproxy", "-db", "-f", main]
    os.makedirs(os.path.join(folder, "logs"), exist_ok=True)
    base = ["nginx", "-p", folder + "/", "-c", main, "-g", "daemon off; master_process off; pid %s/nginx.pid;" % folder]
    return base + ["-t"], base


def run_case(case, certs):
    nodes = {port: StandInNode(port, certs) for port in case["nodePorts"]}
    lb = {}
    if case.get("lbRange"):
        low, high = case["lbRange"]
        lb.update(zip(range(low, high + 1), free_range(high - low + 1)))
    lb.update({port: free_port() for port in case["lbPorts"] if port not in lb})
    mapping = {"LB": lb,
               "NODE": {port: node.port for port, node in nodes.items()}, "CERTS": certs["folder"]}
    folder = case["dir"]
    substitute(folder, mapping)
    check, start = commands(case, folder)
    checked = subprocess.run(check, capture_output=True, text=True, timeout=30)
    result = {"valid": checked.returncode == 0, "check": (checked.stdout + checked.stderr).strip(), "observations": []}
    if not result["valid"]:
        for node in nodes.values():
            node.close()
        return result
    process = subprocess.Popen(start, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        if not wait_listening(mapping["LB"].values(), process):
            process.kill()
            result["valid"] = False
            result["check"] = "did not start: " + process.communicate(timeout=10)[1][-2000:]
            return result
        # Waiting for the ports opened connections that a TCP proxy passed on to the nodes:
        # let them arrive before counting.
        time.sleep(0.3)
        for wanted in case["probes"]:
            time.sleep(0.05)
            before = {port: len(node.records) for port, node in nodes.items()}
            seen, local_port = probe(mapping["LB"][wanted["port"]], wanted["sni"], certs)
            # A node answers after recording, but may still be reading when a client gives up.
            deadline = time.time() + 0.5
            while True:
                arrived = [record for port, node in nodes.items() for record in node.records[before[port]:]]
                if arrived or time.time() > deadline:
                    break
                time.sleep(0.01)
            observation = {"port": wanted["port"], "sni": wanted["sni"], "client": seen,
                           "node": "none", "nodePort": None, "xff": "none", "remotePort": "none"}
            if arrived:
                record = arrived[0]
                observation["node"] = record["node"]
                observation["nodePort"] = record["nodePort"]
                if record["request"]:
                    xff = record["xff"][-1].split(",")[-1].strip() if record["xff"] else ""
                    observation["xff"] = "client" if xff == LOOPBACK else "other"
                    remote = record["remotePort"][-1].strip() if record["remotePort"] else ""
                    observation["remotePort"] = "client" if remote == str(local_port) else "other"
            result["observations"].append(observation)
    finally:
        # Nothing to keep: NGINX without a master process takes seconds over SIGTERM.
        process.kill()
        process.wait()
        for node in nodes.values():
            node.close()
    return result


def main():
    manifest_path, results_path = sys.argv[1], sys.argv[2]
    with open(manifest_path) as handle:
        manifest = json.load(handle)
    folder = tempfile.mkdtemp(prefix="certlint-differential-certs-")
    certs = {"folder": folder}
    for name, pem in manifest["certs"].items():
        with open(os.path.join(folder, name + ".pem"), "w") as handle:
            handle.write(pem)
    # HAProxy wants the certificate and its key in one file.
    with open(os.path.join(folder, "lb-with-key.pem"), "w") as handle:
        handle.write(manifest["certs"]["lb"].rstrip("\n") + "\n" + manifest["certs"]["lbKey"].rstrip("\n") + "\n")
    certs["nodeFile"] = os.path.join(folder, "node.pem")
    certs["nodeKeyFile"] = os.path.join(folder, "nodeKey.pem")
    certs["lbDER"] = ssl.PEM_cert_to_DER_cert(manifest["certs"]["lb"])
    certs["nodeDER"] = ssl.PEM_cert_to_DER_cert(manifest["certs"]["node"])
    results = {}
    workers = int(os.environ.get("CERTLINT_DIFFERENTIAL_JOBS", "8"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run_case, case, certs): case["id"] for case in manifest["cases"]}
        for future in concurrent.futures.as_completed(futures):
            try:
                results[futures[future]] = future.result()
            except Exception as error:  # recorded, so the test names the case
                results[futures[future]] = {"valid": False, "check": "runner error: %r" % error, "observations": []}
    with open(results_path, "w") as handle:
        json.dump(results, handle, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
