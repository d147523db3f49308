/// Valid NGINX 1.22 configurations varying what decides a listener's behaviour: `http` or
/// `stream` per port, `listen … ssl`, `proxy_pass http://` or `https://` (with and without
/// verification), `proxy_ssl on` in streams, `ssl_preread`, upstreams with node ports of their own,
/// `proxy_set_header` at `http`, `server` and `location` level with right and wrong values, one
/// stream server on several ports or on a port range, a catch-all server, and server blocks in
/// included files that include further files relative to the configuration prefix.
enum NGINXCases {
    static func make(seed: UInt64) -> DifferentialCase {
        var random = SeededGenerator(state: seed)
        let ports = [443, 5262] + (random.chance(0.5) ? [5263] : [])
        var httpPorts: [Int] = []
        var streamPorts: [Int] = []
        for port in ports {
            if random.chance(port == 443 ? 0.7 : 0.3) { httpPorts.append(port) } else { streamPorts.append(port) }
        }
        var builder = Builder(random: random)
        for port in httpPorts { builder.httpServer(port) }
        builder.includeSites()
        let lbRange = builder.streamServers(streamPorts)
        var main = ["load_module /usr/lib/nginx/modules/ngx_stream_module.so;", "events {}"]
        if !builder.http.isEmpty { main += block("http", builder.http) }
        if !builder.stream.isEmpty { main += block("stream", builder.stream) }
        builder.files["nginx/nginx.conf"] = main.joined(separator: "\n") + "\n"
        var result = DifferentialCase(
            id: "nginx-\(seed)", kind: .nginx, main: "nginx/nginx.conf", templates: builder.files, lbPorts: ports,
            nodePorts: builder.nodePorts.sorted())
        result.lbRange = lbRange
        return result
    }

    /// One case's files as they are drawn: the `http` and `stream` contexts of nginx.conf, and
    /// the included files.
    private struct Builder {
        var random: SeededGenerator
        var files: [String: String] = [:]
        var nodePorts: Set<Int> = []
        var http: [String] = []
        var stream: [String] = []
        let certificate = ["ssl_certificate @CERTS@/lb.pem;", "ssl_certificate_key @CERTS@/lbKey.pem;"]
        let certificateAtTop: Bool
        /// Server blocks live in included files; `snippet`: their headers come from snippets/,
        /// which NGINX finds relative to the prefix, not to the including file.
        let split: Bool
        let snippet: Bool

        init(random: SeededGenerator) {
            self.random = random
            certificateAtTop = self.random.chance(0.3)
            if certificateAtTop { http += certificate }
            http += headerLines(&self.random)
            let split = self.random.chance(0.3)
            self.split = split
            snippet = split ? self.random.chance(0.5) : false
        }

        mutating func httpServer(_ port: Int) {
            var server = [
                "listen @ADDR@@LB\(port)@\(random.chance(port == 443 ? 0.85 : 0.3) ? " ssl" : "");",
                "server_name \(DifferentialCase.vip);",
            ]
            if !certificateAtTop { server += certificate }
            server += snippet ? ["include snippets/headers.conf;"] : headerLines(&random)
            let nodePort = random.chance(0.7) ? port : random.pick([443, 5262, 8443])
            nodePorts.insert(nodePort)
            let tls = random.chance(0.6)
            var location = headerLines(&random)
            if random.chance(0.5) {
                http += block("upstream nodes_\(port)", servers(nodePort, &random))
                location.append("proxy_pass \(tls ? "https" : "http")://nodes_\(port);")
            } else {
                location.append("proxy_pass \(tls ? "https" : "http")://@HOST1@:@NODE\(nodePort)@;")
            }
            if tls && random.chance(0.5) {
                location += [
                    "proxy_ssl_verify on;", "proxy_ssl_trusted_certificate @CERTS@/ca.pem;",
                    "proxy_ssl_name node1.example.com;",
                ]
            }
            server += block("location /", location)
            if split {
                files["nginx/sites/vip-\(port).conf"] = block("server", server).joined(separator: "\n") + "\n"
            } else {
                http += block("server", server)
            }
            if port == 443 && random.chance(0.2) {
                // A catch-all server for names other than the VIP.
                http += block(
                    "server",
                    ["listen @ADDR@@LB443@ ssl default_server;", "server_name _;"]
                        + (certificateAtTop ? [] : certificate) + ["return 444;"])
            }
        }

        mutating func includeSites() {
            guard split else { return }
            http.append("include sites/*.conf;")
            guard snippet else { return }
            files["nginx/snippets/headers.conf"] = headerLines(&random).joined(separator: "\n") + "\n"
            // What a reader that resolves from the including file's folder would take instead.
            files["nginx/sites/snippets/headers.conf"] =
                "proxy_set_header X-Forwarded-For $remote_addr;\nproxy_set_header RemotePort $remote_port;\n"
        }

        /// Stream ports: one server per port, one server for several ports, or a port range.
        mutating func streamServers(_ ports: [Int]) -> ClosedRange<Int>? {
            var remaining = ports
            var lbRange: ClosedRange<Int>?
            if remaining.contains(5262) && remaining.contains(5263) && random.chance(0.4) {
                lbRange = 5262...5263
                remaining.removeAll { $0 == 5262 || $0 == 5263 }
                stream += streamServer(
                    listens: ["@ADDR@@LB5262@-@LB5263@"], certificate: certificate, random: &random,
                    nodePorts: &nodePorts, name: "range")
            }
            if remaining.count > 1 && random.chance(0.4) {
                stream += streamServer(
                    listens: remaining.map { "@ADDR@@LB\($0)@" }, certificate: certificate, random: &random,
                    nodePorts: &nodePorts, name: "shared")
                remaining = []
            }
            for port in remaining {
                stream += streamServer(
                    listens: ["@ADDR@@LB\(port)@"], certificate: certificate, random: &random, nodePorts: &nodePorts,
                    name: "\(port)")
            }
            return lbRange
        }
    }

    fileprivate static func block(_ header: String, _ lines: [String]) -> [String] {
        [header + " {"]
            + lines.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 } } + ["}"]
    }

    fileprivate static func servers(_ nodePort: Int, _ random: inout SeededGenerator, stream: Bool = false) -> [String]
    {
        (random.chance(0.5) ? [stream ? "hash $remote_addr;" : "ip_hash;"] : []) + [
            "server @HOST1@:@NODE\(nodePort)@;", "server @HOST2@:@NODE\(nodePort)@;",
        ]
    }

    fileprivate static func streamServer(
        listens: [String], certificate: [String], random: inout SeededGenerator, nodePorts: inout Set<Int>, name: String
    ) -> [String] {
        let terminates = random.chance(0.25)
        let nodePort = random.chance(0.7) ? 5262 : random.pick([443, 5263])
        nodePorts.insert(nodePort)
        var lines = listens.map { "listen \($0)\(terminates ? " ssl" : "");" }
        if terminates { lines += certificate }
        if !terminates && random.chance(0.3) { lines.append("ssl_preread on;") }
        lines.append("proxy_pass stream_\(name);")
        if random.chance(0.3) { lines.append("proxy_ssl on;") }
        return block("upstream stream_\(name)", servers(nodePort, &random, stream: true)) + block("server", lines)
    }

    /// `proxy_set_header` for X-Forwarded-For and RemotePort with right and wrong values, or none.
    fileprivate static func headerLines(_ random: inout SeededGenerator) -> [String] {
        var lines: [String] = []
        switch random.pick([0, 0, 1, 2, 3]) {
        case 1: lines.append("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
        case 2: lines.append("proxy_set_header X-Forwarded-For $remote_addr;")
        case 3: lines.append("proxy_set_header X-Forwarded-For $http_x_forwarded_for;")
        default: break
        }
        switch random.pick([0, 0, 1, 2, 3]) {
        case 1: lines.append("proxy_set_header RemotePort $remote_port;")
        case 2: lines.append("proxy_set_header RemotePort $server_port;")
        case 3: lines.append("proxy_set_header Host $host;")
        default: break
        }
        return lines
    }
}
