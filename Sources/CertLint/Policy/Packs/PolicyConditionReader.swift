import Foundation
import X509

/// Reads a condition: `all: [...]`, `any: [...]`, `not: {...}`, `ATTRIBUTE: {OPERATOR: VALUE}` for an
/// attribute of the selected kind (several operators under one attribute must all hold), and
/// `every`/`some`/`none: {RELATION: CONDITION}` or `count: {RELATION: {OPERATOR: NUMBER}}` over
/// related facts (a condition under a relation is about the related kind).
struct PolicyConditionReader {
    let yaml: StrictYAML<CertLintError>
    let kind: FactKind
    let folder: String
    /// How many relations the condition being read is under.
    var relationDepth = 0

    static let maximumDepth = 32
    /// Each relation multiplies the facts a condition visits by the related ones: a rule follows at
    /// most this many in a row, so that its cost stays near the size of the repository.
    static let maximumRelationDepth = 3
    static let operators = [
        "equals", "not-equals", "in", "not-in", "matches", "less-than", "greater-than", "at-least", "at-most", "exists",
        "contains", "covers", "issued-by",
    ]

    func condition(_ node: YAMLNode, _ keyPath: String, depth: Int) throws(CertLintError) -> PolicyCondition {
        guard depth < Self.maximumDepth else {
            throw yaml.fail(node, keyPath, "nests deeper than \(Self.maximumDepth) conditions")
        }
        guard let pairs = node.mapping, !pairs.isEmpty else {
            throw yaml.fail(node, keyPath, "must be a mapping: \(Self.keywords), or an attribute of \(kind.rawValue)")
        }
        var parts: [PolicyCondition] = []
        for pair in pairs {
            guard let key = pair.key.scalar else { throw yaml.fail(pair.key, keyPath, "has a key that is not a name") }
            let path = "\(keyPath).\(key)"
            switch key {
            case "all", "any":
                guard let items = pair.value.sequence, !items.isEmpty else {
                    throw yaml.fail(pair.value, path, "must be a non-empty list of conditions")
                }
                var children: [PolicyCondition] = []
                for (index, item) in items.enumerated() {
                    children.append(try condition(item, "\(path)[\(index)]", depth: depth + 1))
                }
                parts.append(key == "all" ? .all(children) : .any(children))
            case "not":
                parts.append(.not(try condition(pair.value, path, depth: depth + 1)))
            case "every", "some", "none":
                parts += try related(PolicyCondition.Quantifier(rawValue: key)!, pair.value, path, depth: depth + 1)
            case "count":
                parts += try counts(pair.value, path)
            default:
                parts += try tests(pair.key, pair.value, path)
            }
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    static let keywords = "all, any, not, every, some, none, count"

    /// `every: {RELATION: CONDITION, …}`: each relation's condition read for the related kind.
    private func related(_ quantifier: PolicyCondition.Quantifier, _ node: YAMLNode, _ path: String, depth: Int)
        throws(CertLintError) -> [PolicyCondition]
    {
        guard relationDepth < Self.maximumRelationDepth else {
            throw yaml.fail(node, path, "follows more than \(Self.maximumRelationDepth) relations in a row")
        }
        var parts: [PolicyCondition] = []
        for (relation, value, relationPath) in try relations(node, path) {
            let reader = PolicyConditionReader(
                yaml: yaml, kind: relation.to, folder: folder, relationDepth: relationDepth + 1)
            parts.append(.related(relation, quantifier, try reader.condition(value, relationPath, depth: depth)))
        }
        return parts
    }

    /// `count: {RELATION: {OPERATOR: NUMBER}}`.
    private func counts(_ node: YAMLNode, _ path: String) throws(CertLintError) -> [PolicyCondition] {
        var parts: [PolicyCondition] = []
        for (relation, value, relationPath) in try relations(node, path) {
            let counted = FactAttribute(name: "count of \(relation.name)", type: .number, meaning: "")
            guard let pairs = value.mapping, !pairs.isEmpty else {
                throw yaml.fail(value, relationPath, "must map number operators to values, e.g. `at-least: 2`")
            }
            for pair in pairs {
                let opName = pair.key.scalar ?? ""
                guard Self.operators.contains(opName), opName != "exists" else {
                    throw yaml.fail(
                        pair.key, "\(relationPath).\(opName)",
                        "unknown operator for a count; expected one of equals, not-equals, in, not-in, less-than, greater-than, at-least, at-most"
                    )
                }
                let op = try self.op(opName, pair.value, for: counted, "\(relationPath).\(opName)")
                parts.append(.count(relation, PolicyTest(attribute: counted.name, op: op)))
            }
        }
        return parts
    }

    private func relations(_ node: YAMLNode, _ path: String) throws(CertLintError) -> [(
        FactRelation, YAMLNode, String
    )] {
        let names = kind.relations.map(\.name).joined(separator: ", ")
        guard let pairs = node.mapping, !pairs.isEmpty else {
            throw yaml.fail(node, path, "must map a relation of \(kind.rawValue) (\(names)) to a condition")
        }
        var found: [(FactRelation, YAMLNode, String)] = []
        for pair in pairs {
            let name = pair.key.scalar ?? ""
            guard let relation = kind.relation(named: name) else {
                throw yaml.fail(
                    pair.key, "\(path).\(name)", "unknown relation of \(kind.rawValue); expected one of \(names)")
            }
            found.append((relation, pair.value, "\(path).\(name)"))
        }
        return found
    }

    private func tests(_ keyNode: YAMLNode, _ node: YAMLNode, _ path: String) throws(CertLintError) -> [PolicyCondition]
    {
        let name = keyNode.scalar ?? ""
        guard let attribute = kind.attribute(named: name) else {
            throw yaml.fail(
                keyNode, path,
                "unknown attribute of \(kind.rawValue); expected \(Self.keywords) or one of \(kind.attributes.map(\.name).joined(separator: ", "))"
            )
        }
        guard let pairs = node.mapping, !pairs.isEmpty else {
            throw yaml.fail(node, path, "must map operators to values, e.g. `\(name): {equals: …}`")
        }
        var tests: [PolicyCondition] = []
        for pair in pairs {
            let opName = pair.key.scalar ?? ""
            guard Self.operators.contains(opName) else {
                throw yaml.fail(
                    pair.key, "\(path).\(opName)",
                    "unknown operator; expected one of \(Self.operators.joined(separator: ", "))")
            }
            let op = try self.op(opName, pair.value, for: attribute, "\(path).\(opName)")
            tests.append(.test(PolicyTest(attribute: name, op: op)))
        }
        return tests
    }

    private func op(_ name: String, _ node: YAMLNode, for attribute: FactAttribute, _ path: String)
        throws(CertLintError)
        -> PolicyTest.Operator
    {
        try applies(name, to: attribute, node, path)
        switch name {
        case "equals": return .equals(try scalar(node, path))
        case "not-equals": return .notEquals(try scalar(node, path))
        case "in", "not-in":
            guard let items = node.sequence, !items.isEmpty else {
                throw yaml.fail(node, path, "must be a non-empty list")
            }
            var values: [String] = []
            for item in items { values.append(try scalar(item, path)) }
            return name == "in" ? .isIn(values) : .notIn(values)
        case "matches":
            let pattern = try yaml.string(node, path)
            guard let expression = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else {
                throw yaml.fail(node, path, "is not a regular expression (ICU syntax)")
            }
            return .matches(pattern, expression)
        case "less-than": return .lessThan(try yaml.integer(node, path))
        case "greater-than": return .greaterThan(try yaml.integer(node, path))
        case "at-least": return .atLeast(try yaml.integer(node, path))
        case "at-most": return .atMost(try yaml.integer(node, path))
        case "exists": return .exists(try yaml.boolean(node, path))
        case "contains": return .contains(try yaml.string(node, path))
        case "covers": return .covers(try yaml.string(node, path))
        default: return try issuedBy(node, path)
        }
    }

    /// Which operators each type of attribute takes.
    private func applies(_ op: String, to attribute: FactAttribute, _ node: YAMLNode, _ path: String)
        throws(CertLintError)
    {
        let allowed: Set<String>
        switch attribute.type {
        case .text: allowed = ["equals", "not-equals", "in", "not-in", "matches", "exists"]
        case .number:
            allowed = [
                "equals", "not-equals", "in", "not-in", "less-than", "greater-than", "at-least", "at-most", "exists",
            ]
        case .flag: allowed = ["equals", "not-equals", "exists"]
        case .list: allowed = ["contains", "covers", "exists"]
        case .certificate: allowed = ["issued-by", "exists"]
        }
        guard allowed.contains(op) else {
            throw yaml.fail(
                node, path,
                "\(attribute.name) is \(attribute.type.rawValue); it takes \(allowed.sorted().joined(separator: ", ")), not \(op)"
            )
        }
    }

    private func scalar(_ node: YAMLNode, _ path: String) throws(CertLintError) -> String {
        guard let text = node.scalar, node.sequence == nil, node.mapping == nil else {
            throw yaml.fail(node, path, "must be a single value, found \(node.kindDescription)")
        }
        return text
    }

    /// `issued-by: FILE`, a PEM file of anchors beside the pack file.
    private func issuedBy(_ node: YAMLNode, _ path: String) throws(CertLintError) -> PolicyTest.Operator {
        let file = try yaml.string(node, path)
        let full = file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: full), data.count <= 1 << 20,
            let text = String(data: data, encoding: .utf8)
        else {
            throw yaml.fail(node, path, "cannot read \(full) (a PEM file of up to 1 MiB, beside the pack file)")
        }
        let anchors: [Certificate]
        do {
            anchors = try CertificateReader.readPEM(path: full, text: text).certificates.map(\.certificate)
        } catch {
            throw yaml.fail(node, path, "\(full): line \(error.position.line): \(error.message)")
        }
        guard !anchors.isEmpty else { throw yaml.fail(node, path, "\(full) holds no PEM certificate") }
        return .issuedBy(anchor: file, certificates: anchors)
    }
}
