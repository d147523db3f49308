import Foundation
import X509

/// Strict reading of a pack's `checks:`: an unknown key, kind, attribute or operator, a value of
/// the wrong type, a rule without examples or an ID of certlint's own is exit 2 with the file,
/// line, column and what is wrong.
struct PolicyPackReader {
    let yaml: StrictYAML<CertLintError>
    /// The pack file's folder: `issued-by` anchor files are read from there.
    let folder: String

    init(path: String) {
        folder = LocalPath.folder(of: path)
        yaml = StrictYAML(path: path) { line, column, keyPath, problem in
            .rulePack(path: "\(path):\(line):\(column)", problem: "\(keyPath): \(problem)")
        }
    }

    static let ruleKeys: Set<String> = [
        "id", "name", "level", "short", "full", "help", "tags", "security-severity", "help-uri", "select", "require",
        "examples",
    ]

    func rule(_ node: YAMLNode, at keyPath: String) throws(CertLintError) -> PolicyRule {
        let keys = try yaml.mapping(node, keyPath, allowed: Self.ruleKeys)
        let description = try self.description(keys, node, keyPath)
        guard let select = keys["select"] else { throw yaml.fail(node, keyPath, "'select' is required") }
        let selection = try yaml.mapping(select, "\(keyPath).select", allowed: ["kind", "where"])
        guard let kindNode = selection["kind"] else {
            throw yaml.fail(select, "\(keyPath).select", "'kind' is required")
        }
        let kindText = try yaml.string(kindNode, "\(keyPath).select.kind")
        guard let kind = FactKind(rawValue: kindText) else {
            throw yaml.fail(
                kindNode, "\(keyPath).select.kind",
                "unknown kind '\(kindText)'; expected one of \(FactKind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let conditions = PolicyConditionReader(yaml: yaml, kind: kind, folder: folder)
        let filter = try selection["where"].map { node throws(CertLintError) in
            try conditions.condition(node, "\(keyPath).select.where", depth: 0)
        }
        guard let require = keys["require"] else { throw yaml.fail(node, keyPath, "'require' is required") }
        let requirement = try conditions.condition(require, "\(keyPath).require", depth: 0)
        guard let examplesNode = keys["examples"] else {
            throw yaml.fail(node, keyPath, "'examples' is required: a failing and a passing example repository")
        }
        let examples = try self.examples(examplesNode, "\(keyPath).examples")
        return PolicyRule(
            description: description, kind: kind, filter: filter, requirement: requirement, packExamples: examples,
            location: yaml.location(node))
    }

    private func description(_ keys: [String: YAMLNode], _ node: YAMLNode, _ keyPath: String) throws(CertLintError)
        -> RuleDescription
    {
        func required(_ key: String) throws(CertLintError) -> String {
            guard let value = keys[key] else { throw yaml.fail(node, keyPath, "'\(key)' is required") }
            return try yaml.string(value, "\(keyPath).\(key)")
        }
        let id = try required("id")
        guard id.range(of: "^[A-Z][A-Z0-9]{1,9}[0-9]{3}$", options: .regularExpression) != nil, !id.hasPrefix("CP")
        else {
            throw yaml.fail(
                keys["id"]!, "\(keyPath).id",
                "'\(id)' is not a pack rule ID: use your pack's own prefix and three digits, such as ORG001 (CP is certlint's)"
            )
        }
        let name = try required("name")
        guard let level = Level(rawValue: try required("level")) else {
            throw yaml.fail(keys["level"]!, "\(keyPath).level", "must be note, warning or error")
        }
        let short = try required("short")
        var tags: [String] = []
        if let node = keys["tags"] {
            guard let items = node.sequence else { throw yaml.fail(node, "\(keyPath).tags", "must be a list") }
            tags = try items.map { item throws(CertLintError) in try yaml.string(item, "\(keyPath).tags") }
        }
        let severity = try keys["security-severity"].map { node throws(CertLintError) in
            try yaml.string(node, "\(keyPath).security-severity")
        }
        if let severity, Double(severity).map({ (0...10).contains($0) }) != true {
            throw yaml.fail(
                keys["security-severity"]!, "\(keyPath).security-severity", "must be a number from 0.0 to 10.0")
        }
        let help = try keys["help"].map { node throws(CertLintError) in try yaml.string(node, "\(keyPath).help") }
        let full = try keys["full"].map { node throws(CertLintError) in try yaml.string(node, "\(keyPath).full") }
        let helpURI = try keys["help-uri"].map { node throws(CertLintError) in
            try yaml.string(node, "\(keyPath).help-uri")
        }
        return RuleDescription(
            id: RuleID(rawValue: id), name: name, level: level, short: short, full: full ?? short, help: help ?? "",
            tags: tags, securitySeverity: severity ?? Self.severity(level), helpURI: helpURI)
    }

    /// GitHub's reading of security-severity: over 7 high, 4 to 7 medium, under 4 low.
    static func severity(_ level: Level) -> String {
        switch level {
        case .error: return "7.0"
        case .warning: return "5.0"
        case .note: return "2.0"
        }
    }

    private func asOf(_ node: YAMLNode?, _ keyPath: String) throws(CertLintError) -> Date? {
        guard let node else { return nil }
        let text = try yaml.string(node, keyPath)
        do {
            return try ScanOptions.date(text)
        } catch {
            throw yaml.fail(node, keyPath, "must be a date, YYYY-MM-DD")
        }
    }

    private func examples(_ node: YAMLNode, _ keyPath: String) throws(CertLintError) -> [PolicyExample] {
        guard let items = node.sequence else { throw yaml.fail(node, keyPath, "must be a list") }
        var examples: [PolicyExample] = []
        for (index, item) in items.enumerated() {
            let path = "\(keyPath)[\(index)]"
            let keys = try yaml.mapping(item, path, allowed: ["name", "fails", "files", "as-of"])
            guard let name = keys["name"], let fails = keys["fails"], let files = keys["files"] else {
                throw yaml.fail(item, path, "an example needs name, fails (true or false) and files")
            }
            var texts: [String: String] = [:]
            for pair in files.mapping ?? [] {
                guard let file = pair.key.scalar, !file.isEmpty, !file.hasPrefix("/"), !file.contains("..") else {
                    throw yaml.fail(
                        pair.key, "\(path).files", "a file is a relative path inside the example repository")
                }
                texts[file] = pair.value.scalar ?? ""
            }
            if texts.isEmpty { throw yaml.fail(files, "\(path).files", "must map file paths to their text") }
            examples.append(
                PolicyExample(
                    name: try yaml.string(name, "\(path).name"), fails: try yaml.boolean(fails, "\(path).fails"),
                    files: texts, asOf: try asOf(keys["as-of"], "\(path).as-of"), location: yaml.location(item)))
        }
        guard examples.contains(where: \.fails), examples.contains(where: { !$0.fails }) else {
            throw yaml.fail(node, keyPath, "needs a failing (fails: true) and a passing (fails: false) example")
        }
        return examples
    }
}
