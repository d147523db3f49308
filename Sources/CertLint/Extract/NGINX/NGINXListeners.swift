/// Listeners of an NGINX configuration whose includes are spliced in.
struct NGINXListeners {
    /// The configuration's folder: relative `ssl_certificate` paths start there.
    let base: String

    private struct Upstream {
        let members: [(host: String, port: Int?, location: SourceLocation)]
        var balance: Balance = .roundRobin
    }

    private struct Inherited {
        var certificate: NGINXDirective?
        var forwardFor: SourceLocation?
        var remotePort: SourceLocation?
    }

    func read(_ directives: [NGINXDirective]) -> [Listener] {
        var listeners: [Listener] = []
        // Top-level server blocks come from files included into `http`.
        listeners += context(directives, layer: .l7)
        for http in directives where http.name == "http" { listeners += context(http.block ?? [], layer: .l7) }
        for stream in directives where stream.name == "stream" { listeners += context(stream.block ?? [], layer: .l4) }
        return listeners
    }

    private func context(_ directives: [NGINXDirective], layer: Layer) -> [Listener] {
        var upstreams: [String: Upstream] = [:]
        for upstream in directives where upstream.name == "upstream" {
            guard let name = upstream.arguments.first else { continue }
            upstreams[name] = Upstream(members: upstream.children("server").compactMap { server in
                guard let address = server.arguments.first else { return nil }
                let (host, port) = splitHostPort(address)
                return (host, port, server.location)
            })
            let hashed = upstream.children("ip_hash").first != nil || upstream.children("hash").contains { $0.arguments.first == "$remote_addr" }
            upstreams[name]?.balance = hashed ? .sourceHash : .roundRobin
        }
        var inherited = Inherited()
        apply(directives, to: &inherited)
        return directives.filter { $0.name == "server" && $0.block != nil }.flatMap { server(in: $0, layer: layer, upstreams: upstreams, inherited: inherited) }
    }

    private func apply(_ directives: [NGINXDirective], to inherited: inout Inherited) {
        for directive in directives {
            switch directive.name {
            case "ssl_certificate": inherited.certificate = directive
            case "proxy_set_header" where directive.arguments.count >= 2, "add_header" where directive.arguments.count >= 2:
                switch ForwardingHeader(name: directive.arguments[0]) {
                case .forwardedFor?: inherited.forwardFor = directive.location
                case .remotePort?: inherited.remotePort = directive.location
                case nil: break
                }
            default: break
            }
        }
    }

    private func server(in block: NGINXDirective, layer: Layer, upstreams: [String: Upstream], inherited: Inherited) -> [Listener] {
        let directives = block.block ?? []
        var settings = inherited
        apply(directives, to: &settings)
        // Headers and proxy_pass may sit in locations.
        var passes: [NGINXDirective] = directives.filter { $0.name == "proxy_pass" }
        var proxySSL = directives.contains { $0.name == "proxy_ssl" && $0.arguments.first == "on" }
        for location in directives where location.name == "location" {
            var inner = settings
            apply(location.block ?? [], to: &inner)
            settings.forwardFor = settings.forwardFor ?? inner.forwardFor
            settings.remotePort = settings.remotePort ?? inner.remotePort
            passes += location.children("proxy_pass")
        }
        proxySSL = proxySSL || directives.contains { $0.name == "proxy_ssl" && $0.arguments.first == "on" }
        var backends: [BackendReference] = []
        for pass in passes {
            guard let target = pass.arguments.first else { continue }
            var usesTLS = proxySSL
            var rest = Substring(target)
            if rest.hasPrefix("https://") {
                usesTLS = true
                rest = rest.dropFirst(8)
            } else if rest.hasPrefix("http://") {
                rest = rest.dropFirst(7)
            }
            let hostPort = String(rest.prefix { $0 != "/" })
            let (host, port) = splitHostPort(hostPort)
            if host.contains("$") {
                backends.append(.missing(name: target, location: pass.location))
                continue
            }
            let members: [PoolMember]
            var balance = Balance.roundRobin
            if let upstream = upstreams[host] {
                balance = upstream.balance
                members = upstream.members.map {
                    PoolMember(name: $0.host, host: $0.host, port: $0.port, location: $0.location, usesTLS: usesTLS, verifiesCertificate: usesTLS, caFile: nil)
                }
            } else {
                let defaultPort = layer == .l7 ? (usesTLS ? 443 : 80) : nil
                members = [PoolMember(name: host, host: host, port: port ?? defaultPort, location: pass.location, usesTLS: usesTLS, verifiesCertificate: usesTLS, caFile: nil)]
            }
            backends.append(.pool(Pool(name: host, location: pass.location, members: members, healthCheckPath: nil, forwardedForHeader: nil, remotePortHeader: nil, balance: balance)))
        }
        let name = "server " + (directives.first { $0.name == "server_name" }?.arguments.first ?? "at line \(block.line)")
        var listeners: [Listener] = []
        for listen in directives where listen.name == "listen" {
            guard let address = listen.arguments.first, !address.hasPrefix("unix:") else { continue }
            let portText = address.hasPrefix("[") ? String(address.split(separator: "]").last?.dropFirst() ?? "") : String(address.split(separator: ":").last ?? "")
            guard let port = Int(portText), (1...65535).contains(port) else { continue }
            let terminates = listen.arguments.contains("ssl") || directives.contains { $0.name == "ssl" && $0.arguments.first == "on" }
            var certificates: [CertificateReference] = []
            if terminates, let certificate = settings.certificate, let file = certificate.arguments.first {
                certificates.append(.file(FileReference(path: file, location: SourceLocation(path: certificate.path, line: certificate.line, column: certificate.column + certificate.name.count + 1), baseDirectory: base)))
            }
            listeners.append(Listener(
                name: name, file: listen.path, port: port, location: listen.location, sectionLocation: block.location,
                layer: layer, layerLocation: block.location, terminatesTLS: terminates, certificates: certificates, backends: backends,
                forwardedForHeader: layer == .l7 ? settings.forwardFor : nil, remotePortHeader: layer == .l7 ? settings.remotePort : nil))
        }
        return listeners
    }
}
