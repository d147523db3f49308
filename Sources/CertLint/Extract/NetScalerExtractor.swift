/// Citrix NetScaler (ADC) configurations (`ns.conf` lines).
///
/// In NetScaler's terms: `add lb vserver NAME PROTOCOL IP PORT` with protocol `SSL` terminates
/// TLS at Layer 7, `HTTP` is Layer 7 without TLS, `SSL_BRIDGE` passes TLS through, `TCP` is
/// Layer 4 and `SSL_TCP` terminates TLS at Layer 4. Services and service groups with protocol
/// `SSL` or `SSL_TCP` open TLS to the servers (re-encryption). `bind ssl vserver … -certkeyName`
/// names an `add ssl certKey … -cert FILE`. `-cip ENABLED X-Forwarded-For` on a service inserts
/// X-Forwarded-For; a rewrite action `insert_http_header RemotePort …` bound to the vserver
/// inserts RemotePort.
struct NetScalerExtractor: Extractor {
    let format = "NetScaler"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary, file.fileExtension == "conf" || file.name == "ns.conf" else { return false }
        return file.contains("add lb vserver ")
    }

    struct Line {
        let words: [String]
        let number: Int
        func option(_ name: String) -> String? {
            guard let index = words.firstIndex(of: name), index + 1 < words.count else { return nil }
            return words[index + 1]
        }
    }

    /// The commands read here. Only these are split into words: others (policies, responders) may
    /// hold expressions with quotes that span lines in exported configurations.
    static let readCommands = [
        "add lb vserver ", "bind lb vserver ", "bind ssl vserver ", "add ssl certKey ", "add server ",
        "add service ", "add serviceGroup ", "bind serviceGroup ", "add rewrite action ", "add rewrite policy ",
    ]

    func extract(_ file: ScannedFile) throws -> FileFacts {
        var lines: [Line] = []
        for (index, raw) in try file.text().textLines.enumerated() {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            guard Self.readCommands.contains(where: { trimmed.hasPrefix($0) }) else { continue }
            if trimmed.hasPrefix("add rewrite") {
                // A rewrite expression may continue on the next line; only its first words matter.
                if let words = try? Self.words(trimmed, line: index + 1) {
                    lines.append(Line(words: words, number: index + 1))
                }
                continue
            }
            lines.append(Line(words: try Self.words(trimmed, line: index + 1), number: index + 1))
        }
        let config = Config(file: file, lines: lines)
        var facts = FileFacts()
        for line in config.starting(["add", "lb", "vserver"]) where line.words.count >= 7 {
            if let listener = config.listener(line) { facts.listeners.append(listener) }
        }
        return facts
    }

    /// A service or service group: protocol, members, client IP insertion.
    struct Group {
        var tls = false
        var forwardFor: SourceLocation?
        var members: [PoolMember] = []
    }

    /// The commands of one file, and what they declare by name.
    struct Config {
        let file: ScannedFile
        let lines: [Line]
        var servers: [String: String] = [:]
        var certificates: [String: Line] = [:]
        var groups: [String: Group] = [:]
        /// Rewrite policies whose action inserts RemotePort.
        var remotePortPolicies: Set<String> = []

        init(file: ScannedFile, lines: [Line]) {
            self.file = file
            self.lines = lines
            for line in starting(["add", "server"]) where line.words.count >= 4 {
                servers[line.words[2]] = line.words[3]
            }
            for line in starting(["add", "ssl", "certKey"]) where line.words.count >= 4 {
                certificates[line.words[3]] = line
            }
            readGroups()
            let remotePortActions = Set(
                starting(["add", "rewrite", "action"]).filter { line in
                    line.words.count >= 6 && line.words[4] == "insert_http_header"
                        && ForwardingHeader(name: line.words[5]) == .remotePort
                }.map { $0.words[3] })
            remotePortPolicies = Set(
                starting(["add", "rewrite", "policy"]).filter {
                    $0.words.count >= 6 && remotePortActions.contains($0.words[5])
                }.map { $0.words[3] })
        }

        func starting(_ prefix: [String]) -> [Line] { lines.filter { Array($0.words.prefix(prefix.count)) == prefix } }
        func at(_ line: Line) -> SourceLocation { SourceLocation(path: file.path, line: line.number, column: 1) }

        mutating func readGroups() {
            for line in starting(["add", "serviceGroup"]) where line.words.count >= 4 {
                var group = Group()
                group.tls = ["SSL", "SSL_TCP"].contains(line.words[3].uppercased())
                if line.option("-cip") == "ENABLED" { group.forwardFor = at(line) }
                groups[line.words[2]] = group
            }
            for line in starting(["bind", "serviceGroup"]) where line.words.count >= 5 {
                guard var group = groups[line.words[2]] else { continue }
                let host = servers[line.words[3]] ?? line.words[3]
                group.members.append(
                    PoolMember(
                        name: line.words[3], host: host, port: Int(line.words[4]), location: at(line),
                        usesTLS: group.tls, verifiesCertificate: group.tls, caFile: nil))
                groups[line.words[2]] = group
            }
            for line in starting(["add", "service"]) where line.words.count >= 6 {
                let tls = ["SSL", "SSL_TCP"].contains(line.words[4].uppercased())
                let host = servers[line.words[3]] ?? line.words[3]
                var group = Group(tls: tls)
                if line.option("-cip") == "ENABLED" { group.forwardFor = at(line) }
                group.members = [
                    PoolMember(
                        name: line.words[2], host: host, port: Int(line.words[5]), location: at(line), usesTLS: tls,
                        verifiesCertificate: tls, caFile: nil)
                ]
                groups[line.words[2]] = group
            }
        }

        /// The listener of one `add lb vserver NAME PROTOCOL IP PORT`.
        func listener(_ line: Line) -> Listener? {
            let name = line.words[3]
            let type = line.words[4].uppercased()
            guard let port = Int(line.words[6]), (1...65535).contains(port) else { return nil }
            let terminates = type == "SSL" || type == "SSL_TCP"
            let layer: Layer = type == "HTTP" || type == "SSL" ? .l7 : .l4
            let bound = bindings(of: name)
            return Listener(
                name: "lb vserver \(name)", file: file.path, port: port, location: at(line),
                sectionLocation: at(line), layer: layer, layerLocation: at(line),
                terminatesTLS: terminates, certificates: terminates ? certificateReferences(of: name) : [],
                backends: bound.backends,
                forwardedForHeader: layer == .l7 ? bound.forwardFor : nil,
                remotePortHeader: layer == .l7 ? bound.remotePort : nil)
        }

        /// The certificates `bind ssl vserver NAME -certkeyName KEY` names.
        func certificateReferences(of vserver: String) -> [CertificateReference] {
            starting(["bind", "ssl", "vserver", vserver]).compactMap { bind in
                guard let key = bind.option("-certkeyName") else { return nil }
                if let declared = certificates[key], let path = declared.option("-cert") {
                    return .file(FileReference(path: path, location: at(bind), baseDirectory: file.directory))
                }
                return .unreadable(
                    description: "certKey \(key)", location: at(bind), problem: "is not added in \(file.path)")
            }
        }

        /// The services and policies bound to a vserver: its backends and where headers are inserted.
        func bindings(of vserver: String) -> (
            backends: [BackendReference], forwardFor: SourceLocation?, remotePort: SourceLocation?
        ) {
            var backends: [BackendReference] = []
            var forwardFor: SourceLocation?
            var remotePort: SourceLocation?
            for bind in starting(["bind", "lb", "vserver", vserver]) where bind.words.count >= 5 {
                if let policy = bind.option("-policyName") {
                    if remotePortPolicies.contains(policy) { remotePort = at(bind) }
                    continue
                }
                let target = bind.words[4]
                if let group = groups[target] {
                    backends.append(
                        .pool(
                            Pool(
                                name: target, location: at(bind), members: group.members)))
                    forwardFor = forwardFor ?? group.forwardFor
                } else {
                    backends.append(.missing(name: target, location: at(bind)))
                }
            }
            return (backends, forwardFor, remotePort)
        }
    }

    /// Words of one line; `"…"` keeps blanks, a backslash in quotes escapes the next character.
    static func words(_ line: String, line number: Int) throws(FormatError) -> [String] {
        try QuotedWords.netScaler.split(Substring(line), line: number).map(\.text)
    }
}
