/// Reads `certlint.yaml`: settings and deployments, validated strictly. Text that is not YAML is
/// a `FormatError`; a wrong key, type or value is a `CertLintError.configuration` naming the
/// file, line, column and key path.
struct ManifestReader {
    let path: String
    private let root: YAMLNode?
    private let yaml: StrictYAML<CertLintError>

    static let fileNames: Set<String> = ["certlint.yaml", ".certlint.yaml", "certlint.yml", ".certlint.yml"]

    init(path: String, text: String) throws {
        self.path = path
        yaml = StrictYAML(path: path) { line, column, keyPath, problem in
            .configuration(path: path, line: line, column: column, keyPath: keyPath, problem: problem)
        }
        // Not valid YAML: a FormatError, reported as CP900 for a scanned manifest.
        let documents = try YAMLParser().parse(text)
        guard documents.count <= 1 else {
            throw CertLintError.configuration(
                path: path, line: documents[1].start.line, column: 1, keyPath: "(document)",
                problem: "holds more than one YAML document; certlint.yaml is one document")
        }
        root = documents.first
        if let root {
            let top = try yaml.mapping(root, "(top level)", allowed: ["version", "settings", "deployments"])
            guard let version = top["version"] else {
                throw yaml.fail(root, "version", "is missing; start the file with `version: 1`")
            }
            guard version.resolved == .int(1) else {
                throw yaml.fail(version, "version", "must be 1, found \(version.scalar ?? version.kindDescription)")
            }
        }
    }

    private var directory: String { String(RepositoryPath.folder(of: path)) }

    // MARK: Settings

    func settings() throws -> Settings {
        var settings = Settings()
        settings.source = path
        guard let node = root?["settings"] else { return settings }
        let keys = try yaml.mapping(
            node, "settings",
            allowed: [
                "fail-on", "exclude", "expiry-warning-days", "system-trust", "trust-anchors", "rules", "max-file-size",
                "unsuppressible",
            ])
        for (key, value) in keys { settings.sources[key] = "\(path):\(value.start.line)" }
        if let value = keys["fail-on"] {
            let text = try yaml.string(value, "settings.fail-on")
            guard let threshold = FailThreshold(rawValue: text) else {
                throw yaml.fail(
                    value, "settings.fail-on", "must be one of error, warning, note, never; found '\(text)'")
            }
            settings.failOn = threshold
        }
        if let value = keys["exclude"] {
            settings.exclude = try stringList(value, "settings.exclude").map { PathGlob($0.value) }
        }
        if let value = keys["expiry-warning-days"] {
            let days = try yaml.integer(value, "settings.expiry-warning-days")
            guard days >= 0 else { throw yaml.fail(value, "settings.expiry-warning-days", "must be 0 or more") }
            settings.expiryWarningDays = days
        }
        if let value = keys["system-trust"] { settings.systemTrust = try yaml.boolean(value, "settings.system-trust") }
        if let value = keys["trust-anchors"] {
            settings.trustAnchors = try stringList(value, "settings.trust-anchors").map {
                FileReference(path: $0.value, location: $0.location, baseDirectory: directory)
            }
        }
        if let value = keys["rules"] {
            guard let pairs = value.mapping else {
                throw yaml.fail(value, "settings.rules", "must be a mapping of rule ID to off, note, warning or error")
            }
            for pair in pairs {
                let id = try yaml.string(pair.key, "settings.rules")
                let level = try yaml.string(pair.value, "settings.rules.\(id)")
                guard RuleSetting(rawValue: level) != nil else {
                    throw yaml.fail(
                        pair.value, "settings.rules.\(id)", "must be off, note, warning or error; found '\(level)'")
                }
                settings.rules[id] = Located(level, at: yaml.location(pair.key))
            }
        }
        if let value = keys["unsuppressible"] {
            settings.unsuppressible = Set(
                try stringList(value, "settings.unsuppressible").map { $0.value.uppercased() })
            settings.unsuppressibleLocation = yaml.location(value)
        }
        if let value = keys["max-file-size"] {
            settings.maxFileSize = try byteSize(value, "settings.max-file-size")
        }
        return settings
    }

    // MARK: Deployments

    func deployments() throws -> [Deployment] {
        guard let node = root?["deployments"] else { return [] }
        guard let items = node.sequence else {
            throw yaml.fail(node, "deployments", "must be a list, found \(node.kindDescription)")
        }
        return try items.enumerated().map { index, item in try deployment(item, "deployments[\(index)]") }
    }

    private func deployment(_ node: YAMLNode, _ keyPath: String) throws -> Deployment {
        let keys = try yaml.mapping(
            node, keyPath,
            allowed: [
                "name", "vip", "nodes", "lb-mode", "public-certificate", "service-certificate", "cert-proxy",
                "load-balancer",
            ])
        func required(_ key: String) throws -> YAMLNode {
            guard let value = keys[key] else { throw yaml.fail(node, "\(keyPath).\(key)", "is required") }
            return value
        }
        let nameNode = try required("name")
        let name = try yaml.string(nameNode, "\(keyPath).name")
        let vipNode = try required("vip")
        let vip = Located(try hostname(vipNode, "\(keyPath).vip"), at: yaml.location(vipNode))
        let nodesNode = try required("nodes")
        let nodes = try stringList(nodesNode, "\(keyPath).nodes")
        guard !nodes.isEmpty else { throw yaml.fail(nodesNode, "\(keyPath).nodes", "must name at least one node FQDN") }
        for (index, item) in (nodesNode.sequence ?? []).enumerated() {
            _ = try hostname(item, "\(keyPath).nodes[\(index)]")
        }
        var lbMode: Located<LoadBalancerMode>?
        if let value = keys["lb-mode"] {
            let text = try yaml.string(value, "\(keyPath).lb-mode")
            guard let mode = LoadBalancerMode(rawValue: text) else {
                throw yaml.fail(value, "\(keyPath).lb-mode", "must be reencrypt or passthrough; found '\(text)'")
            }
            lbMode = Located(mode, at: yaml.location(value))
        }
        let certProxy =
            try keys["cert-proxy"].map { try self.certProxy($0, "\(keyPath).cert-proxy") }
            ?? CertProxy(port: nil, secondaryPort: nil, certificate: nil, secondaryCertificate: nil, location: nil)
        return Deployment(
            name: name, manifest: path, location: yaml.location(nameNode), vip: vip,
            nodes: nodes.map { Located($0.value.lowercasedFQDN, at: $0.location) },
            lbMode: lbMode,
            publicCertificate: try keys["public-certificate"].map {
                try reference($0, "\(keyPath).public-certificate")
            },
            serviceCertificate: try keys["service-certificate"].map {
                try reference($0, "\(keyPath).service-certificate")
            },
            certProxy: certProxy,
            loadBalancerFiles: try keys["load-balancer"].map { value in
                if value.scalar != nil { return [try reference(value, "\(keyPath).load-balancer")] }
                return try stringList(value, "\(keyPath).load-balancer").map {
                    FileReference(path: $0.value, location: $0.location, baseDirectory: directory)
                }
            } ?? [])
    }

    private func certProxy(_ proxyNode: YAMLNode, _ proxyPath: String) throws -> CertProxy {
        let proxy = try yaml.mapping(
            proxyNode, proxyPath, allowed: ["port", "secondary-port", "certificate", "secondary-certificate"])
        return CertProxy(
            port: try proxy["port"].map { Located(try yaml.port($0, "\(proxyPath).port"), at: yaml.location($0)) },
            secondaryPort: try proxy["secondary-port"].map {
                Located(try yaml.port($0, "\(proxyPath).secondary-port"), at: yaml.location($0))
            },
            certificate: try proxy["certificate"].map { try reference($0, "\(proxyPath).certificate") },
            secondaryCertificate: try proxy["secondary-certificate"].map {
                try reference($0, "\(proxyPath).secondary-certificate")
            },
            location: yaml.location(proxyNode))
    }

    // MARK: Typed values

    private func stringList(_ node: YAMLNode, _ keyPath: String) throws -> [Located<String>] {
        guard let items = node.sequence else {
            throw yaml.fail(node, keyPath, "must be a list of strings, found \(node.kindDescription)")
        }
        return try items.enumerated().map { index, item in
            Located(try yaml.string(item, "\(keyPath)[\(index)]"), at: yaml.location(item))
        }
    }

    private func reference(_ node: YAMLNode, _ keyPath: String) throws -> FileReference {
        FileReference(path: try yaml.string(node, keyPath), location: yaml.location(node), baseDirectory: directory)
    }

    private func hostname(_ node: YAMLNode, _ keyPath: String) throws -> String {
        let text = try yaml.string(node, keyPath)
        let name = text.lowercasedFQDN
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            labels.count >= 2
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
        guard valid else {
            throw yaml.fail(node, keyPath, "'\(text)' is not a fully qualified host name (e.g. access.example.com)")
        }
        return name
    }

    private func byteSize(_ node: YAMLNode, _ keyPath: String) throws -> Int {
        if case .int(let value) = node.resolved, value > 0 { return value }
        let text = (node.scalar ?? "").replacingOccurrences(of: " ", with: "")
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000),
            ("GB", 1_000_000_000),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let number = Int(text.dropLast(suffix.count)), number > 0 {
                let (bytes, overflow) = number.multipliedReportingOverflow(by: factor)
                guard !overflow else {
                    throw yaml.fail(node, keyPath, "'\(text)' is more bytes than certlint can count")
                }
                return bytes
            }
        }
        throw yaml.fail(
            node, keyPath,
            "must be a size such as 5MiB or a number of bytes, found '\(node.scalar ?? node.kindDescription)'")
    }
}

extension String {
    /// Lower-cased, without a trailing dot: how host names compare.
    var lowercasedFQDN: String {
        var name = lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
