/// Valid HAProxy 2.6 configurations varying what decides a listener's behaviour: the mode at each
/// level (anonymous and named defaults, frontend, backend, listen), `bind … ssl`, server `ssl` and
/// `verify`, `default-server`, `option forwardfor` (also with another header name) and header
/// rules with right and wrong values at each level, SNI routing with `use_backend`, and node
/// ports other than the listener's.
enum HAProxyCases {
    static func make(seed: UInt64) -> DifferentialCase {
        var random = SeededGenerator(state: seed)
        var text = "global\n    log stdout format raw local0 emerg\n\n"
        let ports = [443, 5262] + (random.chance(0.5) ? [5263] : [])

        // Defaults: an anonymous section, sometimes a named one that some proxies use with `from`.
        // A proxy without `from` takes the last defaults section before it, which HAProxy wants
        // to be one no proxy names: the named section comes first.
        var named: (mode: String?, forward: Bool)?
        if random.chance(0.35) {
            named = (random.pick(["http", "tcp", nil]), random.chance(0.4))
            text += section("defaults web", defaultsLines(mode: named!.mode, forward: named!.forward))
        }
        let defaultsMode = random.pick(["http", "tcp", nil])
        let defaultsForward = random.chance(0.3)
        text += section("defaults", defaultsLines(mode: defaultsMode, forward: defaultsForward))
        let lastDefaults = (defaultsMode, defaultsForward)

        var routed: Set<Int> = []
        var nodePorts: Set<Int> = []
        for port in ports {
            let useNamed = named != nil && random.chance(0.5)
            let inherited = useNamed ? named!.mode : lastDefaults.0
            let from = useNamed ? " from web" : ""
            let terminates = random.chance(port == 443 ? 0.75 : 0.25)
            let frontendMode = random.pick(["http", "tcp", nil])
            let effectiveFrontend = frontendMode ?? inherited ?? "tcp"
            var backendMode = random.pick(["http", "tcp", nil])
            // An HTTP frontend cannot use a TCP backend (haproxy -c refuses it).
            if effectiveFrontend == "http", (backendMode ?? inherited ?? "tcp") == "tcp" { backendMode = "http" }
            let bind = "bind @ADDR@@LB\(port)@" + (terminates ? " ssl crt @CERTS@/lb-with-key.pem" : "")
            let backend = backendLines(port: port, random: &random, nodePorts: &nodePorts)
            var frontendLines = [bind] + (frontendMode.map { ["mode \($0)"] } ?? []) + headerLines(&random)
            if random.chance(0.3) {
                // Listen: the frontend and its backend in one section.
                text += section("listen ls_\(port)\(from)", frontendLines + backend)
                continue
            }
            var backends = "backend be_\(port)\(from)"
            if random.chance(0.25) {
                // SNI routing to a second backend that may differ in what matters.
                routed.insert(port)
                if terminates {
                    frontendLines.append("use_backend be_\(port)_sni if { ssl_fc_sni -i \(DifferentialCase.vip) }")
                } else {
                    frontendLines += [
                        "tcp-request inspect-delay 2s", "tcp-request content accept if { req_ssl_hello_type 1 }",
                        "use_backend be_\(port)_sni if { req_ssl_sni -i \(DifferentialCase.vip) }",
                    ]
                }
                let alternative = backendLines(port: port, random: &random, nodePorts: &nodePorts)
                text += section(
                    "backend be_\(port)_sni\(from)", (backendMode.map { ["mode \($0)"] } ?? []) + alternative)
                backends = "backend be_\(port)\(from)"
            }
            frontendLines.append("default_backend be_\(port)")
            text += section("frontend fe_\(port)\(from)", frontendLines)
            text += section(backends, (backendMode.map { ["mode \($0)"] } ?? []) + headerLines(&random) + backend)
        }
        var result = DifferentialCase(
            id: "haproxy-\(seed)", kind: .haproxy, main: "haproxy.cfg", templates: ["haproxy.cfg": text],
            lbPorts: ports, nodePorts: nodePorts.sorted())
        result.routedPorts = routed
        return result
    }

    private static func section(_ header: String, _ lines: [String]) -> String {
        header + "\n" + lines.map { "    " + $0 + "\n" }.joined() + "\n"
    }

    private static func defaultsLines(mode: String?, forward: Bool) -> [String] {
        ["timeout connect 2s", "timeout client 5s", "timeout server 5s"] + (mode.map { ["mode \($0)"] } ?? [])
            + (forward ? ["option forwardfor"] : [])
    }

    /// X-Forwarded-For and RemotePort, inserted with the right value, a wrong one, or not at all.
    private static func headerLines(_ random: inout SeededGenerator) -> [String] {
        var lines: [String] = []
        switch random.pick([0, 0, 1, 2, 3, 4]) {
        case 1: lines.append("option forwardfor")
        case 2: lines.append("option forwardfor header X-Client")
        case 3: lines.append("http-request set-header X-Forwarded-For %[src]")
        case 4: lines.append("http-request set-header X-Forwarded-For %[req.hdr(x-forwarded-for)]")
        default: break
        }
        switch random.pick([0, 0, 1, 1, 2, 3]) {
        case 1: lines.append("http-request set-header RemotePort %[src_port]")
        case 2: lines.append("http-request set-header RemotePort %[dst_port]")
        case 3: lines.append("http-request add-header Remote-Port %[src_port]")
        default: break
        }
        return lines
    }

    /// One or two servers on a node port, plain or TLS (verified or not), sometimes through `default-server`.
    private static func backendLines(port: Int, random: inout SeededGenerator, nodePorts: inout Set<Int>) -> [String] {
        let nodePort = random.chance(0.7) ? port : random.pick([443, 5262, 5263, 8443])
        nodePorts.insert(nodePort)
        let tls = random.chance(0.5)
        let verify = random.chance(0.5) ? "verify required ca-file @CERTS@/ca.pem" : "verify none"
        let parameters = tls ? "ssl \(verify)" : ""
        var lines: [String] = []
        let viaDefaultServer = tls && random.chance(0.3)
        if viaDefaultServer { lines.append("default-server \(parameters)") }
        let count = random.chance(0.5) ? 2 : 1
        for index in 1...count {
            let own = viaDefaultServer ? "" : (parameters.isEmpty ? "" : " " + parameters)
            lines.append("server node\(index) @HOST\(index)@:@NODE\(nodePort)@\(own)")
        }
        if random.chance(0.15) { lines.append("balance source") }
        return lines
    }
}
