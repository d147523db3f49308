/// HAProxy configurations (`haproxy.cfg`, `*.cfg` with HAProxy sections).
///
/// In HAProxy's terms: a `bind … ssl crt X` terminates TLS with certificate X; `mode http` makes
/// the proxy Layer 7 (it can insert headers), `mode tcp` (the default) forwards a byte stream;
/// `server … ssl` opens TLS to that server ("re-encryption" when the bind also terminates);
/// `option forwardfor` or `http-request set-header X-Forwarded-For` inserts X-Forwarded-For;
/// `http-request set-header RemotePort %[src_port]` inserts the RemotePort header.
/// A `listen` section is a frontend and its own backend in one.
struct HAProxyExtractor: Extractor {
    let format = "HAProxy"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary else { return false }
        let name = file.name.lowercased()
        guard name.hasSuffix(".cfg") || (name.contains("haproxy") && (name.hasSuffix(".conf") || !name.contains(".")))
        else { return false }
        // At least one line that opens a proxy section.
        let text = String(decoding: file.bytes.prefix(1 << 20), as: UTF8.self)
        return text.textLines.contains { line in
            let word = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
            return word == "frontend" || word == "listen" || word == "backend"
        }
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        let config = try HAProxyParser.parse(file.byteText())
        return try Reader(file: file, config: config).facts()
    }
}

/// Section inheritance and reference resolution inside one configuration file.
private struct Reader {
    let file: ScannedFile
    let config: HAProxyConfig

    /// What a `defaults` section passes on.
    struct Defaults {
        var mode: (Layer, SourceLocation)?
        /// `option forwardfor [header NAME]`: where, and the header it writes.
        var forwardFor: (location: SourceLocation, header: String)?
        var serverParameters: [HAProxyWord] = []
        var serverParametersLine: Int?
    }

    /// What an HTTP proxy section does to X-Forwarded-For and RemotePort.
    struct HeaderPlan {
        var forwardFor: (location: SourceLocation, header: String)?
        /// Where the section's `mode http` is written (its own or its defaults').
        var modeLocation: SourceLocation?
        /// `http-request set-header/add-header/del-header` rules on the two headers, in order.
        var rules: [HeaderRule] = []

        /// HAProxy runs the frontend's rules, then the backend's, then appends `option forwardfor`
        /// (the backend's when both have one). The node reads the last value; a value copied
        /// from the request is what the client sent unless an earlier rule replaced it.
        static func joined(_ frontend: HeaderPlan?, _ backend: HeaderPlan?) -> (
            forwardFor: SourceLocation?, remotePort: SourceLocation?
        ) {
            var state: [ForwardingHeader: SourceLocation] = [:]  // headers whose last value is the client's
            for rule in (frontend?.rules ?? []) + (backend?.rules ?? []) {
                switch rule.value {
                case .client: state[rule.header] = rule.location
                case .copy(let source): state[rule.header] = state[source].map { _ in rule.location }
                case .other: state[rule.header] = nil
                }
            }
            if let option = backend?.forwardFor ?? frontend?.forwardFor,
                ForwardingHeader(httpName: option.header) == .forwardedFor
            {
                state[.forwardedFor] = option.location
            }
            return (state[.forwardedFor], state[.remotePort])
        }
    }

    /// One rule that writes X-Forwarded-For or RemotePort.
    struct HeaderRule {
        enum Value {
            /// The client's address (X-Forwarded-For) or source port (RemotePort).
            case client
            /// The request's current value of a header (`%[req.hdr(x-forwarded-for)]`).
            case copy(ForwardingHeader)
            /// Anything else, or the header deleted.
            case other
        }
        let header: ForwardingHeader
        let location: SourceLocation
        let value: Value
    }

    func location(_ line: Int, _ column: Int = 1) -> SourceLocation {
        SourceLocation(path: file.path, line: line, column: column)
    }

    /// A backend as read: its pool and, for an HTTP backend, what it does to the headers.
    typealias ReadPool = (pool: Pool, plan: HeaderPlan?)

    /// Listeners already made (a port range repeated on many `bind` lines is read once).
    struct Made: Hashable {
        let name: String
        let port: Int
        let terminates: Bool
        let certificates: [CertificateReference]
    }

    func facts() throws -> FileFacts {
        var facts = FileFacts()
        var made: Set<Made> = []
        let effective = effectiveDefaults()
        let pools = try readPools(effective: effective)
        let tls = try HAProxyTLSVersions(
            global: config.sections.filter { $0.kind == "global" }.flatMap(\.directives))
        for (index, section) in config.sections.enumerated()
        where section.kind == "frontend" || section.kind == "listen" {
            try frontend(
                section, defaults: effective[index] ?? Defaults(), pools: pools, tls: tls, into: &facts, made: &made)
        }
        return facts
    }

    /// The defaults in effect for each proxy section (by index): the last `defaults` section
    /// before it, or the named one of `from NAME`.
    func effectiveDefaults() -> [Int: Defaults] {
        var current = Defaults()
        var named: [String: Defaults] = [:]
        var effective: [Int: Defaults] = [:]
        for (index, section) in config.sections.enumerated() {
            if section.kind == "defaults" {
                var defaults = section.defaultsName.flatMap { named[$0] } ?? Defaults()
                apply(section.directives, to: &defaults)
                current = defaults
                if let name = section.name { named[name] = defaults }
            } else {
                effective[index] = section.defaultsName.flatMap { named[$0] } ?? current
            }
        }
        return effective
    }

    /// Every backend is read (its errors are CP900), but only those a frontend or listen section
    /// names are kept: a file of 200,000 backends does not hold 200,000 pools.
    func readPools(effective: [Int: Defaults]) throws -> [String: ReadPool] {
        var referenced: Set<String> = []
        for section in config.sections where section.kind == "frontend" || section.kind == "listen" {
            if section.kind == "listen", let name = section.name { referenced.insert(name) }
            for directive in section.directives
            where directive.keyword == "default_backend" || directive.keyword == "use_backend" {
                if let target = directive.arguments.first { referenced.insert(target.text) }
            }
        }
        var pools: [String: ReadPool] = [:]
        for (index, section) in config.sections.enumerated() where section.kind == "backend" || section.kind == "listen"
        {
            guard let name = section.name else {
                throw FormatError("'\(section.kind)' needs a name", line: section.line)
            }
            let read = try pool(section, defaults: effective[index] ?? Defaults())
            if referenced.contains(name) { pools[name] = read }
        }
        return pools
    }

    /// The listeners of one frontend or listen section: one per port of each `bind`.
    func frontend(
        _ section: HAProxySection, defaults: Defaults, pools: [String: ReadPool], tls: HAProxyTLSVersions,
        into facts: inout FileFacts, made: inout Set<Made>
    ) throws {
        var sectionDefaults = defaults
        apply(section.directives, to: &sectionDefaults)
        var layer = (sectionDefaults.mode?.0 ?? .l4, sectionDefaults.mode?.1)
        // HTTP rules do nothing in a TCP proxy, unless an HTTP backend upgrades its connections.
        // A TCP frontend's `option forwardfor` stays off even then (HAProxy 2.6 drops it).
        var ownPlan = headerPlan(section.directives, defaults: defaults)
        if layer.0 == .l4 { ownPlan.forwardFor = nil }
        let backends = try backends(of: section, ownPlan: ownPlan, pools: pools, layer: &layer, notes: &facts.notes)
        let name = "\(section.kind) \(section.name ?? "")"
        for bind in section.directives where bind.keyword == "bind" {
            guard let address = bind.arguments.first else {
                throw FormatError("'bind' needs an address", line: bind.line, column: bind.column)
            }
            let terminates = bind.has("ssl")
            let certificates = try certificates(of: bind)
            let versions = terminates ? try tls.versions(of: bind) : nil
            for port in try ports(address, line: bind.line, notes: &facts.notes) {
                guard
                    made.insert(Made(name: name, port: port, terminates: terminates, certificates: certificates))
                        .inserted
                else { continue }
                facts.listeners.append(
                    Listener(
                        name: name, file: file.path, port: port, location: location(bind.line, bind.column),
                        sectionLocation: location(section.line), layer: layer.0, layerLocation: layer.1,
                        terminatesTLS: terminates, certificates: certificates, backends: backends,
                        tlsVersions: versions))
            }
        }
    }

    /// The backends a frontend or listen section reaches, with the headers inserted on the way.
    /// A TCP frontend that hands a connection to an HTTP backend makes it HTTP: `layer` says so.
    func backends(
        of section: HAProxySection, ownPlan: HeaderPlan, pools: [String: ReadPool],
        layer: inout (Layer, SourceLocation?), notes: inout [ScanNote]
    ) throws -> [BackendReference] {
        var backends: [BackendReference] = []
        if section.kind == "listen", let own = section.name.flatMap({ pools[$0] }), !own.pool.members.isEmpty {
            backends.append(reached(own, frontendPlan: nil))
        }
        for directive in section.directives
        where directive.keyword == "default_backend" || directive.keyword == "use_backend" {
            guard let target = directive.arguments.first else {
                throw FormatError(
                    "'\(directive.keyword)' needs a backend name", line: directive.line, column: directive.column)
            }
            if target.text.contains("%[") {
                notes.append(
                    ScanNote(
                        path: file.path,
                        message:
                            "line \(directive.line): backend name '\(target.text)' is computed at run time; not followed"
                    ))
                continue
            }
            guard let read = pools[target.text] else {
                backends.append(.missing(name: target.text, location: location(directive.line, target.column)))
                continue
            }
            let backend = reached(read, frontendPlan: ownPlan)
            if !backends.contains(backend) { backends.append(backend) }
            if layer.0 == .l4, read.pool.layer == .l7 {
                layer = (.l7, read.plan?.modeLocation ?? read.pool.location)
            }
        }
        return backends
    }

    /// A backend as a frontend reaches it: with the headers both insert on the way. A TCP backend
    /// carries bytes: no HTTP rule runs on the way to it.
    func reached(_ read: ReadPool, frontendPlan: HeaderPlan?) -> BackendReference {
        var pool = read.pool
        let headers =
            read.pool.layer == .l7 ? HeaderPlan.joined(frontendPlan, read.plan) : (forwardFor: nil, remotePort: nil)
        pool.forwardedForHeader = headers.forwardFor
        pool.remotePortHeader = headers.remotePort
        return .pool(pool)
    }

    /// The files named by a bind's `crt` and `crt-list`.
    func certificates(of bind: HAProxyDirective) throws -> [CertificateReference] {
        var certificates: [CertificateReference] = []
        for (offset, word) in bind.arguments.enumerated() where word.text == "crt" || word.text == "crt-list" {
            let argumentIndex = bind.arguments.startIndex + offset + 1
            guard argumentIndex < bind.arguments.endIndex else {
                throw FormatError("'\(word.text)' needs a file name", line: bind.line, column: word.column)
            }
            let value = bind.arguments[argumentIndex]
            certificates.append(
                .file(
                    FileReference(
                        path: value.text, location: location(bind.line, value.column), baseDirectory: file.directory)))
        }
        return certificates
    }

    func apply(_ directives: [HAProxyDirective], to defaults: inout Defaults) {
        for directive in directives {
            switch directive.keyword {
            case "mode":
                if let value = directive.arguments.first?.text {
                    defaults.mode = (value == "http" ? .l7 : .l4, location(directive.line, directive.column))
                }
            case "option" where directive.arguments.first?.text == "forwardfor":
                defaults.forwardFor = (
                    location(directive.line, directive.column),
                    directive.value(after: "header")?.text ?? "X-Forwarded-For"
                )
            case "no"
            where directive.arguments.first?.text == "option"
                && directive.arguments.dropFirst().first?.text == "forwardfor":
                defaults.forwardFor = nil
            case "default-server":
                defaults.serverParameters = Array(directive.arguments)
                defaults.serverParametersLine = directive.line
            default:
                break
            }
        }
    }

    /// The header rules of a section: its `option forwardfor` (its own, else its defaults' one)
    /// and its `http-request` rules on X-Forwarded-For and RemotePort, with their values.
    func headerPlan(_ directives: [HAProxyDirective], defaults: Defaults) -> HeaderPlan {
        var plan = HeaderPlan(forwardFor: defaults.forwardFor)
        for directive in directives {
            let args = directive.arguments.map(\.text)
            let at = location(directive.line, directive.column)
            switch directive.keyword {
            case "option" where args.first == "forwardfor":
                plan.forwardFor = (at, directive.value(after: "header")?.text ?? "X-Forwarded-For")
            case "no" where args.count >= 2 && args[0] == "option" && args[1] == "forwardfor":
                plan.forwardFor = nil
            case "http-request" where args.count >= 2 && ["set-header", "add-header", "del-header"].contains(args[0]):
                guard let header = ForwardingHeader(httpName: args[1]) else { continue }
                let value = args[0] == "del-header" ? "" : (args.count > 2 ? args[2] : "")
                plan.rules.append(HeaderRule(header: header, location: at, value: Self.headerValue(value, for: header)))
            case "reqadd":
                let text = args.first ?? ""
                guard let colon = text.firstIndex(of: ":"), let header = ForwardingHeader(httpName: text[..<colon])
                else { continue }
                let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                plan.rules.append(HeaderRule(header: header, location: at, value: Self.headerValue(value, for: header)))
            default:
                break
            }
        }
        return plan
    }

    /// What a header value in HAProxy's log-format is: the client's address (`%[src]`, `%ci`)
    /// or source port (`%[src_port]`, `%cp`), a copy of a request header, or something else.
    static func headerValue(_ value: String, for header: ForwardingHeader) -> HeaderRule.Value {
        let client: Set<String> =
            header == .forwardedFor ? ["%[src]", "%ci", "%{+Q}ci"] : ["%[src_port]", "%cp", "%{+Q}cp"]
        if client.contains(value) { return .client }
        for fetch in ["%[req.hdr(", "%[hdr(", "%[req.fhdr("] where value.hasPrefix(fetch) && value.hasSuffix(")]") {
            let name = value.dropFirst(fetch.count).dropLast(2).split(separator: ",").first ?? ""
            if let source = ForwardingHeader(httpName: name.trimmingCharacters(in: .whitespaces)) {
                return .copy(source)
            }
        }
        return .other
    }

    func pool(_ section: HAProxySection, defaults: Defaults) throws -> (pool: Pool, plan: HeaderPlan?) {
        var sectionDefaults = defaults
        apply(section.directives, to: &sectionDefaults)
        var members: [PoolMember] = []
        var healthCheck: String?
        for directive in section.directives {
            switch directive.keyword {
            case "server":
                let args = Array(directive.arguments)
                guard args.count >= 2 else {
                    throw FormatError(
                        "'server' needs a name and an address", line: directive.line, column: directive.column)
                }
                members.append(
                    try member(
                        name: args[0].text, address: args[1], parameters: Array(args.dropFirst(2)),
                        directive: directive, defaults: sectionDefaults))
            case "option" where directive.arguments.first?.text == "httpchk":
                // option httpchk [<method>] [<uri>] [<version>] | option httpchk <uri>
                let args = directive.arguments.dropFirst().map(\.text)
                healthCheck = args.count == 1 ? args[0] : (args.count >= 2 ? args[1] : nil)
            case "http-check" where directive.arguments.first?.text == "send":
                if let uri = directive.value(after: "uri") { healthCheck = uri.text }
            default:
                break
            }
        }
        let layer = sectionDefaults.mode?.0 ?? .l4
        var plan = layer == .l7 ? headerPlan(section.directives, defaults: defaults) : nil
        plan?.modeLocation = sectionDefaults.mode?.1
        let sourceHash = section.directives.last { $0.keyword == "balance" }?.arguments.first?.text == "source"
        let headers = HeaderPlan.joined(nil, plan)
        let pool = Pool(
            name: section.name ?? "", location: location(section.line), members: members, healthCheckPath: healthCheck,
            forwardedForHeader: headers.forwardFor, remotePortHeader: headers.remotePort,
            balance: sourceHash ? .sourceHash : .roundRobin, layer: layer)
        return (pool, plan)
    }

    func member(
        name: String, address: HAProxyWord, parameters: [HAProxyWord], directive: HAProxyDirective, defaults: Defaults
    ) throws -> PoolMember {
        // default-server parameters come first; the server's own override them.
        let all = defaults.serverParameters.map(\.text) + parameters.map(\.text)
        var usesTLS = false
        var verify = true  // HAProxy verifies by default once ssl is on, unless `verify none`
        var caFile: FileReference?
        var index = 0
        while index < all.count {
            switch all[index] {
            case "ssl": usesTLS = true
            case "no-ssl": usesTLS = false
            case "verify" where index + 1 < all.count:
                verify = all[index + 1] != "none"
                index += 1
            case "ca-file" where index + 1 < all.count:
                let column = parameters.first { $0.text == all[index + 1] }?.column ?? directive.column
                caFile = FileReference(
                    path: all[index + 1], location: location(directive.line, column), baseDirectory: file.directory)
                index += 1
            default: break
            }
            index += 1
        }
        let (host, port) = try hostAndPort(address, line: directive.line)
        return PoolMember(
            name: name, host: host, port: port, location: location(directive.line, directive.column),
            usesTLS: usesTLS, verifiesCertificate: usesTLS && verify, caFile: caFile)
    }

    /// `host:port`, `[v6]:port`, `host` (port from the listener), `ipv4@host:port`.
    func hostAndPort(_ word: HAProxyWord, line: Int) throws -> (String, Int?) {
        var text = Substring(word.text)
        if let at = text.firstIndex(of: "@") { text = text[text.index(after: at)...] }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw FormatError(
                    "address '\(word.text)' opens '[' without closing it", line: line, column: word.column)
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return (host, nil) }
            return (host, try port(String(rest.dropFirst()), word: word, line: line))
        }
        let colons = text.filter { $0 == ":" }.count
        guard colons == 1, let colon = text.firstIndex(of: ":") else { return (String(text), nil) }
        let portText = String(text[text.index(after: colon)...])
        return (String(text[..<colon]), portText.isEmpty ? nil : try port(portText, word: word, line: line))
    }

    func port(_ text: String, word: HAProxyWord, line: Int) throws -> Int? {
        // A relative port or one from the environment is not known here.
        if text.hasPrefix("+") || text.hasPrefix("-") || text.contains("$") { return nil }
        guard let value = Int(text), (1...65535).contains(value) else {
            throw FormatError(
                "'\(text)' in '\(word.text)' is not a port number (1–65535)", line: line, column: word.column)
        }
        return value
    }

    /// The ports of a bind address list (`:443`, `*:443,:8443`, `10.0.0.1:5262-5263`).
    func ports(_ word: HAProxyWord, line: Int, notes: inout [ScanNote]) throws -> [Int] {
        var result: [Int] = []
        for part in word.text.split(separator: ",") {
            let lower = part.lowercased()
            if lower.hasPrefix("unix@") || lower.hasPrefix("abns@") || lower.hasPrefix("fd@")
                || lower.hasPrefix("sockpair@") || part.hasPrefix("/")
            {
                continue
            }
            guard let colon = part.lastIndex(of: ":") else {
                throw FormatError("bind address '\(part)' has no port", line: line, column: word.column)
            }
            let portText = part[part.index(after: colon)...]
            if portText.contains("$") {
                notes.append(
                    ScanNote(
                        path: file.path,
                        message: "line \(line): bind port '\(portText)' comes from the environment; not evaluated"))
                continue
            }
            let bounds = portText.split(separator: "-", maxSplits: 1).map { Int($0) }
            guard let low = bounds.first ?? nil, let high = bounds.last ?? nil, (1...65535).contains(low),
                (low...65535).contains(high)
            else {
                throw FormatError(
                    "'\(portText)' in bind address '\(part)' is not a port or port range (1–65535)", line: line,
                    column: word.column)
            }
            result += Array(low...min(high, low + 1023))
        }
        return result
    }
}
