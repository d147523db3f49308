/// Listeners of an NGINX configuration whose includes are spliced in.
struct NGINXListeners {
    /// The configuration's folder: relative `ssl_certificate` paths start there.
    let base: String

    /// One `listen` opens at most this many ports of a range.
    static let maximumPortsPerListen = 1024

    private struct Upstream {
        let members: [(host: String, port: Int?, location: SourceLocation)]
        var balance: Balance = .roundRobin
    }

    /// What a level passes down: NGINX inherits `proxy_set_header` only into a level that sets
    /// none of its own, and `ssl_certificate` likewise.
    private struct Inherited {
        var certificate: NGINXDirective?
        var headers: [NGINXDirective] = []
        var protocols: NGINXDirective?

        mutating func apply(_ directives: [NGINXDirective]) {
            if let certificate = directives.last(where: { $0.name == "ssl_certificate" }) {
                self.certificate = certificate
            }
            if let protocols = directives.last(where: { $0.name == "ssl_protocols" }) { self.protocols = protocols }
            let own = directives.filter { $0.name == "proxy_set_header" }
            if !own.isEmpty { headers = own }
        }
    }

    func read(_ directives: [NGINXDirective]) -> [Listener] {
        var listeners: [Listener] = []
        // Top-level server blocks come from files included into `http`.
        listeners += context(directives, layer: .l7, name: "http")
        for (index, http) in directives.enumerated() where http.name == "http" {
            listeners += context(http.block ?? [], layer: .l7, name: "http \(http.path):\(http.line) \(index)")
        }
        for (index, stream) in directives.enumerated() where stream.name == "stream" {
            listeners += context(stream.block ?? [], layer: .l4, name: "stream \(stream.path):\(stream.line) \(index)")
        }
        return NGINXTLSVersions.decidedByDefaultServers(listeners)
    }

    private func context(_ directives: [NGINXDirective], layer: Layer, name: String) -> [Listener] {
        var upstreams: [String: Upstream] = [:]
        for upstream in directives where upstream.name == "upstream" {
            guard let name = upstream.arguments.first else { continue }
            upstreams[name] = Upstream(
                members: upstream.children("server").compactMap { server in
                    guard let address = server.arguments.first else { return nil }
                    let (host, port) = splitHostPort(address)
                    return (host, port, server.location)
                })
            let hashed =
                upstream.children("ip_hash").first != nil
                || upstream.children("hash").contains { $0.arguments.first == "$remote_addr" }
            upstreams[name]?.balance = hashed ? .sourceHash : .roundRobin
        }
        var inherited = Inherited()
        inherited.apply(directives)
        var listeners: [Listener] = []
        var defaults: Set<Int> = []  // ports whose default server is known
        let servers = directives.filter { $0.name == "server" && $0.block != nil }
        // An explicit default_server wins over the first server on the port.
        for server in servers {
            for listen in server.children("listen")
            where listen.arguments.contains("default_server") || listen.arguments.contains("default") {
                defaults.formUnion(ports(listen))
            }
        }
        // `ssl` belongs to the listening socket: one server that says it makes the address TLS
        // for every server on it.
        var tlsSockets: Set<String> = []
        for server in servers {
            for listen in server.children("listen") where listen.arguments.contains("ssl") {
                tlsSockets.formUnion(ports(listen).map { socket(listen, $0) })
            }
        }
        for server in servers {
            listeners += self.server(
                in: server, layer: layer, upstreams: upstreams, inherited: inherited, context: name,
                defaults: &defaults, tlsSockets: tlsSockets)
        }
        return listeners
    }

    /// The ports of a `listen` (`443`, `*:443`, `[::]:443`, `10.0.0.1:5262-5263`); none for a
    /// UNIX socket or a value certlint cannot read.
    private func ports(_ listen: NGINXDirective) -> [Int] {
        guard let address = listen.arguments.first, !address.hasPrefix("unix:") else { return [] }
        let portText =
            address.hasPrefix("[")
            ? String(address.split(separator: "]").last?.dropFirst() ?? "")
            : String(address.split(separator: ":").last ?? "")
        let bounds = portText.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { Int($0) }
        guard let low = bounds.first ?? nil, let high = bounds.last ?? nil, (1...65535).contains(low),
            (low...65535).contains(high)
        else { return [] }
        return Array(low...min(high, low + Self.maximumPortsPerListen - 1))
    }

    /// The socket a `listen` opens on a port: its address (any address when none is written) and port.
    private func socket(_ listen: NGINXDirective, _ port: Int) -> String {
        let address = listen.arguments.first ?? ""
        var host = ""
        if address.hasPrefix("[") {
            host = String(address.prefix { $0 != "]" }) + "]"
        } else if let colon = address.lastIndex(of: ":") {
            host = String(address[..<colon])
        }
        return (["", "*", "0.0.0.0"].contains(host) ? "*" : host.lowercased()) + " \(port)"
    }

    /// X-Forwarded-For and RemotePort as the `proxy_set_header` list in effect sends them:
    /// where each is set to the client's address (port), or nil (not set, or set to another
    /// value such as `$http_x_forwarded_for` or `$server_port`).
    private func insertedHeaders(_ headers: [NGINXDirective]) -> (
        forwardFor: SourceLocation?, remotePort: SourceLocation?
    ) {
        var found: [ForwardingHeader: SourceLocation?] = [:]
        for directive in headers where directive.arguments.count >= 1 {
            guard let header = ForwardingHeader(httpName: directive.arguments[0]) else { continue }
            let value = directive.arguments.count > 1 ? directive.arguments[1] : ""
            let client: Set<String> =
                header == .forwardedFor ? ["$proxy_add_x_forwarded_for", "$remote_addr"] : ["$remote_port"]
            found[header] = client.contains(value) ? directive.location : nil
        }
        return (found[.forwardedFor] ?? nil, found[.remotePort] ?? nil)
    }

    /// The pool a `proxy_pass` sends to: an upstream's servers, or the one host it names. A
    /// target computed from variables cannot be followed.
    private func backend(
        _ pass: NGINXDirective, headers: [NGINXDirective], proxySSL: Bool, layer: Layer, upstreams: [String: Upstream]
    ) -> BackendReference? {
        guard let target = pass.arguments.first else { return nil }
        var usesTLS = proxySSL
        var rest = Substring(target)
        if rest.hasPrefix("https://") {
            usesTLS = true
            rest = rest.dropFirst(8)
        } else if rest.hasPrefix("http://") {
            rest = rest.dropFirst(7)
        }
        let (host, port) = splitHostPort(String(rest.prefix { $0 != "/" }))
        if host.contains("$") { return .missing(name: target, location: pass.location) }
        let members: [PoolMember]
        var balance = Balance.roundRobin
        if let upstream = upstreams[host] {
            balance = upstream.balance
            members = upstream.members.map {
                PoolMember(
                    name: $0.host, host: $0.host, port: $0.port, location: $0.location, usesTLS: usesTLS,
                    verifiesCertificate: usesTLS, caFile: nil)
            }
        } else {
            let defaultPort = layer == .l7 ? (usesTLS ? 443 : 80) : nil
            members = [
                PoolMember(
                    name: host, host: host, port: port ?? defaultPort, location: pass.location, usesTLS: usesTLS,
                    verifiesCertificate: usesTLS, caFile: nil)
            ]
        }
        // Headers exist only in http; a stream carries bytes.
        let inserted = layer == .l7 ? insertedHeaders(headers) : (forwardFor: nil, remotePort: nil)
        return .pool(
            Pool(
                name: host, location: pass.location, members: members,
                forwardedForHeader: inserted.forwardFor, remotePortHeader: inserted.remotePort, balance: balance))
    }

    private func server(
        in block: NGINXDirective, layer: Layer, upstreams: [String: Upstream], inherited: Inherited, context: String,
        defaults: inout Set<Int>,
        tlsSockets: Set<String>
    ) -> [Listener] {
        let directives = block.block ?? []
        var settings = inherited
        settings.apply(directives)
        // proxy_pass sits in locations (in a stream server, in the server itself).
        var passes: [(pass: NGINXDirective, headers: [NGINXDirective], proxySSL: Bool)] = []
        let serverSSL = directives.contains { $0.name == "proxy_ssl" && $0.arguments.first == "on" }
        for pass in directives where pass.name == "proxy_pass" { passes.append((pass, settings.headers, serverSSL)) }
        for location in directives where location.name == "location" {
            var inner = settings
            inner.apply(location.block ?? [])
            for pass in location.children("proxy_pass") { passes.append((pass, inner.headers, serverSSL)) }
        }
        let backends = passes.compactMap {
            backend($0.pass, headers: $0.headers, proxySSL: $0.proxySSL, layer: layer, upstreams: upstreams)
        }
        let names = directives.filter { $0.name == "server_name" }.flatMap(\.arguments)
        let name = "server " + (names.first ?? "at line \(block.line)")
        let terminatesEverywhere = directives.contains { $0.name == "ssl" && $0.arguments.first == "on" }
        var listeners: [Listener] = []
        for listen in directives where listen.name == "listen" {
            for port in ports(listen) {
                let terminates = tlsSockets.contains(socket(listen, port)) || terminatesEverywhere
                var certificates: [CertificateReference] = []
                if terminates, let certificate = settings.certificate, let file = certificate.arguments.first {
                    let at = SourceLocation(
                        path: certificate.path, line: certificate.line,
                        column: certificate.column + certificate.name.count + 1)
                    certificates.append(.file(FileReference(path: file, location: at, baseDirectory: base)))
                }
                var listener = Listener(
                    name: name, file: listen.path, port: port, location: listen.location,
                    sectionLocation: block.location,
                    layer: layer, layerLocation: block.location, terminatesTLS: terminates, certificates: certificates,
                    backends: backends,
                    tlsVersions: terminates ? settings.protocols.flatMap(NGINXTLSVersions.read) : nil)
                if layer == .l7 {
                    let isDefault =
                        defaults.insert(port).inserted || listen.arguments.contains("default_server")
                        || listen.arguments.contains("default")
                    listener.virtualHost = VirtualHost(
                        group: "\(context) port \(port)", names: names, isDefault: isDefault)
                }
                listeners.append(listener)
            }
        }
        return listeners
    }
}
