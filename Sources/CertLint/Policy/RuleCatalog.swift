import CBuildInfo
import Foundation

/// One rule as users see it: identity, default level and documentation.
package struct RuleDescription: Sendable, Hashable, Codable {
    package let id: RuleID
    package let name: String
    let level: Level
    let short: String
    let full: String
    let help: String
    let tags: [String]
    let securitySeverity: String
    /// Where the rule's documentation lives (SARIF `helpUri`): the pack's `help-uri`, or for a
    /// built-in rule its page under the release's published `docs/rules/`.
    var helpURI: String? = nil
}

/// The rule catalog and the decision matrix: `rules/` carried in the binary, plus rule packs.
package struct RuleCatalog: Sendable {
    package private(set) var rules: [RuleDescription]
    private(set) var matrix: DecisionMatrix
    /// The rules packs declare in YAML (`checks:`), evaluated after the built-in ones.
    private(set) var policies: [PolicyRule] = []

    /// The built-in catalog, from the copy of `rules/` embedded at build time.
    package static let builtIn: RuleCatalog = {
        do {
            var catalog = try RuleCatalog(files: EmbeddedRules.files.map { ($0.name, $0.text) }, origin: "rules/")
            catalog.linkDocumentation(at: String(cString: certlint_rules_url()))
            return catalog
        } catch {
            fatalError("the embedded rules/ folder is invalid: \(error)")
        }
    }()

    /// Points each built-in rule at its page (`CP001.md`, as `certlint rules --format markdown`
    /// writes it) under `base`, where a release publishes `docs/rules/`; "" (a development
    /// build) links nothing.
    mutating func linkDocumentation(at base: String) {
        guard !base.isEmpty else { return }
        for index in rules.indices where rules[index].id.rawValue.hasPrefix("CP") {
            rules[index].helpURI = base + rules[index].id.rawValue + ".md"
        }
    }

    func rule(_ id: RuleID) -> RuleDescription? { rules.first { $0.id == id } }
    func index(of id: RuleID) -> Int? { rules.firstIndex { $0.id == id } }
    /// The rule a user's text names (`CP004`), if the catalog has it.
    func rule(named text: String) -> RuleDescription? { rule(RuleID(rawValue: text)) }

    init(files: [(name: String, text: String)], origin: String) throws {
        rules = []
        matrix = DecisionMatrix(rows: [], unsupported: [])
        try add(files: files, origin: origin, builtIn: true)
    }

    /// Adds a rule pack: a folder of YAML files shaped like `rules/`. A pack may add matrix rows
    /// and may refine the text, level or tags of a built-in rule; new rule IDs need code.
    package mutating func addPack(at directory: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CertLintError.rulePack(path: directory, problem: "is not a folder")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let yaml = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        guard !yaml.isEmpty else { throw CertLintError.rulePack(path: directory, problem: "holds no .yaml file") }
        var files: [(String, String)] = []
        for name in yaml {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else {
                throw CertLintError.rulePack(path: path, problem: "cannot be read as UTF-8 text")
            }
            files.append((path, text))
        }
        try add(files: files, origin: directory, builtIn: false)
    }

    private mutating func add(files: [(name: String, text: String)], origin: String, builtIn: Bool) throws {
        for (name, text) in files {
            let documents: [YAMLNode]
            do {
                documents = try YAMLParser().parse(text)
            } catch {
                throw CertLintError.rulePack(path: name, problem: "line \(error.position.line): \(error.message)")
            }
            guard let root = documents.first else { continue }
            let reader = PackReader(path: name)
            for pair in root.mapping ?? [] {
                switch pair.key.scalar {
                case "rules":
                    for item in try reader.list(pair.value, "rules") {
                        let rule = try reader.rule(
                            item, defaults: builtIn ? nil : self.rule(named: item["id"]?.scalar ?? ""))
                        if let existing = index(of: rule.id) {
                            rules[existing] = rule
                        } else if builtIn {
                            rules.append(rule)
                        } else {
                            throw CertLintError.rulePack(
                                path: name,
                                problem:
                                    "line \(item.start.line): \(rule.id) is not a built-in rule; a pack may refine built-in rules but not add checks"
                            )
                        }
                    }
                case "checks" where !builtIn:
                    guard let items = pair.value.sequence else {
                        throw CertLintError.rulePack(
                            path: name, problem: "line \(pair.value.start.line): checks must be a list")
                    }
                    for (position, item) in items.enumerated() {
                        try addPolicy(
                            try PolicyPackReader(path: name).rule(item, at: "checks[\(position)]"), file: name)
                    }
                case "rows":
                    matrix.rows += try reader.list(pair.value, "rows").map { try reader.row($0) }
                case "unsupported":
                    matrix.unsupported += try reader.list(pair.value, "unsupported").map { try reader.unsupported($0) }
                default:
                    throw CertLintError.rulePack(
                        path: name,
                        problem:
                            "line \(pair.key.start.line): unknown key '\(pair.key.scalar ?? "")'; expected \(builtIn ? "" : "checks, ")rules, rows or unsupported"
                    )
                }
            }
        }
        rules.sort { $0.id < $1.id }
    }

    /// A pack rule, unless its ID is taken (by certlint or an earlier pack).
    private mutating func addPolicy(_ policy: PolicyRule, file: String) throws {
        if let taken = rule(policy.id) {
            let owner = taken.id.rawValue.hasPrefix("CP") ? "certlint's rule" : "the pack rule"
            throw CertLintError.rulePack(
                path: "\(file):\(policy.location.line):\(policy.location.column)",
                problem: "\(policy.id) is already taken by \(owner) \(taken.name); give this rule an ID of its own")
        }
        policies.append(policy)
        rules.append(policy.description)
    }
}

/// Strict reading of catalog and matrix YAML.
private struct PackReader {
    let path: String

    func fail(_ node: YAMLNode, _ problem: String) -> CertLintError {
        .rulePack(path: path, problem: "line \(node.start.line): \(problem)")
    }

    func list(_ node: YAMLNode, _ key: String) throws -> [YAMLNode] {
        guard let items = node.sequence else { throw fail(node, "\(key) must be a list") }
        return items
    }

    func text(_ node: YAMLNode, _ key: String) throws -> String {
        guard let value = node[key]?.scalar, !value.isEmpty else {
            throw fail(node, "'\(key)' is required and must be text")
        }
        return value
    }

    func rule(_ node: YAMLNode, defaults: RuleDescription?) throws -> RuleDescription {
        let allowed: Set<String> = ["id", "name", "level", "short", "full", "help", "tags", "security-severity"]
        for pair in node.mapping ?? [] where !allowed.contains(pair.key.scalar ?? "") {
            throw fail(pair.key, "unknown rule key '\(pair.key.scalar ?? "")'")
        }
        func field(_ key: String, _ fallback: String?) throws -> String {
            if let fallback, node[key] == nil { return fallback }
            return try text(node, key)
        }
        let id = try text(node, "id")
        guard id.count == 5, id.hasPrefix("CP"), Int(id.dropFirst(2)) != nil else {
            throw fail(node, "rule id '\(id)' is not of the form CPnnn")
        }
        let levelText = try field("level", defaults?.level.rawValue)
        guard let level = Level(rawValue: levelText) else { throw fail(node, "level must be note, warning or error") }
        let tags =
            try node["tags"].map { value in
                guard let items = value.sequence else { throw fail(value, "tags must be a list") }
                return items.compactMap(\.scalar)
            } ?? defaults?.tags ?? []
        let severity = try field("security-severity", defaults?.securitySeverity)
        guard let score = Double(severity), (0...10).contains(score) else {
            throw fail(node, "security-severity must be a number from 0.0 to 10.0")
        }
        return RuleDescription(
            id: RuleID(rawValue: id), name: try field("name", defaults?.name), level: level,
            short: try field("short", defaults?.short), full: try field("full", defaults?.full),
            help: try field("help", defaults?.help), tags: tags, securitySeverity: severity)
    }

    func key<T: RawRepresentable>(_ node: YAMLNode, _ key: String, as type: T.Type) throws -> T
    where T.RawValue == String {
        let value = try text(node, key)
        guard let parsed = T(rawValue: value) else { throw fail(node, "'\(key)' has the unknown value '\(value)'") }
        return parsed
    }

    func types(_ node: YAMLNode) throws -> [CertificateType] {
        guard let items = node["certificate-types"]?.sequence, !items.isEmpty else {
            throw fail(node, "'certificate-types' must be a non-empty list")
        }
        return try items.map { item in
            guard let type = item.scalar.flatMap(CertificateType.init(rawValue:)) else {
                throw fail(item, "certificate type must be san, wildcard or single-host-cn")
            }
            return type
        }
    }

    func row(_ node: YAMLNode) throws -> DecisionMatrix.Row {
        guard case .int(let number)? = node["row"]?.resolved else { throw fail(node, "'row' must be a number") }
        guard case .bool(let required)? = node["port-5263-required"]?.resolved else {
            throw fail(node, "'port-5263-required' must be true or false")
        }
        return DecisionMatrix.Row(
            number: number, namespace: try key(node, "namespace", as: Namespace.self),
            certificateTypes: try types(node),
            mode: try key(node, "lb-mode", as: LoadBalancerMode.self), port5263Required: required)
    }

    func unsupported(_ node: YAMLNode) throws -> DecisionMatrix.Unsupported {
        DecisionMatrix.Unsupported(
            namespace: try key(node, "namespace", as: Namespace.self), certificateTypes: try types(node),
            mode: try key(node, "lb-mode", as: LoadBalancerMode.self), reason: try text(node, "reason"))
    }
}
