/// AWS CloudFormation templates (YAML, with the short-form tags, or JSON): Elastic Load Balancing
/// v2 load balancers, listeners and target groups, and ACM certificates, in the same terms as
/// `AWSLoadBalancers` reads them from Terraform. `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`,
/// `Fn::Select` and `Fn::If` are evaluated from parameter defaults and conditions; what they
/// cannot decide is unknown, never guessed.
struct CloudFormationExtractor: Extractor {
    let format = "CloudFormation"
    init() {}

    func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary, ["yaml", "yml", "json", "template"].contains(file.fileExtension) else { return false }
        guard !ManifestReader.fileNames.contains(String(file.name)), !file.name.hasSuffix(".tf.json"),
            !file.name.hasSuffix(".tfvars.json")
        else { return false }
        return file.contains("AWSTemplateFormatVersion") || (file.contains("Resources") && file.contains("AWS::"))
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        let documents = try YAMLParser().parse(try file.text())
        var facts = FileFacts()
        for document in documents where document["Resources"]?.mapping != nil {
            facts.listeners += CloudFormationTemplate(path: file.path, root: document).listeners()
        }
        return facts
    }
}

/// One template: its parameters, conditions and resources, and the evaluation of intrinsic functions.
struct CloudFormationTemplate {
    let path: String
    let resources: [String: YAMLNode]
    let parameters: [String: YAMLNode]
    let conditions: [String: YAMLNode]

    init(path: String, root: YAMLNode) {
        self.path = path
        func table(_ key: String) -> [String: YAMLNode] {
            Dictionary(
                (root[key]?.mapping ?? []).compactMap { pair in pair.key.scalar.map { ($0, pair.value) } },
                uniquingKeysWith: { $1 })
        }
        resources = table("Resources")
        parameters = table("Parameters")
        conditions = table("Conditions")
    }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(path, node)
    }

    func type(of id: String) -> String? { resources[id]?["Type"]?.scalar }
    func properties(_ id: String) -> YAMLNode? { resources[id]?["Properties"] }

    // MARK: Intrinsic functions

    /// The function of a node: `!Ref x` (short form) or `{Ref: x}` / `{"Fn::GetAtt": …}` (long form).
    private func function(_ node: YAMLNode) -> (name: String, argument: YAMLNode)? {
        if let tag = node.tag, tag.hasPrefix("!") {
            let name = String(tag.dropFirst())
            return (name == "Ref" ? "Ref" : "Fn::" + name, node)
        }
        if let pairs = node.mapping, pairs.count == 1, let key = pairs[0].key.scalar,
            key == "Ref" || key.hasPrefix("Fn::") || key == "Condition"
        {
            return (key, pairs[0].value)
        }
        return nil
    }

    func evaluate(_ node: YAMLNode, depth: Int = 0) -> TerraformValue {
        guard depth < 64 else { return .unknown("intrinsic functions nest too deeply") }
        if let (name, argument) = function(node) {
            return intrinsic(name, argument, depth: depth + 1)
        }
        switch node.content {
        case .scalar:
            switch node.resolved {
            case .int(let value)?: return .number(Double(value))
            case .bool(let value)?: return .bool(value)
            case .null?: return .null
            default: return .string(node.scalar ?? "")
            }
        case .sequence(let items): return .list(items.map { evaluate($0, depth: depth + 1) })
        case .mapping(let pairs):
            var fields: [String: TerraformValue] = [:]
            for pair in pairs { if let key = pair.key.scalar { fields[key] = evaluate(pair.value, depth: depth + 1) } }
            return .object(fields)
        }
    }

    /// One intrinsic function; short-form tags put the argument on the tagged node itself.
    private func intrinsic(_ name: String, _ plain: YAMLNode, depth: Int) -> TerraformValue {
        switch name {
        case "Ref": return ref(plain, depth: depth)
        case "Fn::GetAtt": return getAtt(plain, depth: depth)
        case "Fn::Sub": return sub(plain, depth: depth)
        case "Fn::Join": return join(plain, depth: depth)
        case "Fn::Select": return select(plain, depth: depth)
        case "Fn::If": return ifThen(plain, depth: depth)
        case "Fn::Equals": return equals(plain, depth: depth)
        case "Fn::Not", "Fn::And", "Fn::Or": return logical(plain, name: name, depth: depth)
        case "Condition": return namedCondition(plain, depth: depth)
        default:
            return .unknown("\(name) is not evaluated by certlint")
        }
    }

    /// `Ref`: a parameter's default, a resource, or a pseudo parameter (known at deploy time).
    private func ref(_ plain: YAMLNode, depth: Int) -> TerraformValue {
        guard let target = plain.scalar else { return .unknown("Ref of something that is not a name") }
        if target == "AWS::NoValue" { return .null }
        if target.hasPrefix("AWS::") { return .unknown("the pseudo parameter \(target) is known at deploy time") }
        if let parameter = parameters[target] {
            guard let defaultValue = parameter["Default"] else {
                return .unknown("parameter \(target) has no Default and its value is given at deploy time")
            }
            return evaluate(defaultValue, depth: depth)
        }
        if resources[target] != nil { return .resourceAttribute(address: target, attribute: "Ref") }
        return .unknown("Ref \(target) names no parameter or resource of the template")
    }

    /// `Fn::GetAtt`: a resource attribute, in either form (`A.B` or `[A, B]`).
    private func getAtt(_ plain: YAMLNode, depth: Int) -> TerraformValue {
        var parts: [String] = []
        if let text = plain.scalar { parts = text.split(separator: ".", maxSplits: 1).map(String.init) }
        if let items = plain.sequence { parts = items.compactMap(\.scalar) }
        guard parts.count == 2, resources[parts[0]] != nil else {
            return .unknown("Fn::GetAtt of something that is not a resource attribute")
        }
        return .resourceAttribute(address: parts[0], attribute: parts[1])
    }

    /// `Fn::Sub`, in one pass from left to right: what a variable is replaced with is never read
    /// again (a value that holds `${…}` itself must not be substituted a second time, or forever).
    private func sub(_ plain: YAMLNode, depth: Int) -> TerraformValue {
        var template = plain.scalar
        var variables: [String: TerraformValue] = [:]
        if let items = plain.sequence, items.count == 2 {
            template = items[0].scalar
            for pair in items[1].mapping ?? [] {
                if let key = pair.key.scalar { variables[key] = evaluate(pair.value, depth: depth) }
            }
        }
        guard let text = template else { return .unknown("Fn::Sub without a template string") }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            output += rest[..<open.lowerBound]
            let variable = String(rest[open.upperBound..<close])
            rest = rest[rest.index(after: close)...]
            let value: TerraformValue
            if variable.hasPrefix("!") {
                value = .string("${" + variable.dropFirst() + "}")
            } else if let given = variables[variable] {
                value = given
            } else if variable.contains(".") {
                value = .unknown("${\(variable)} is an attribute known at deploy time")
            } else {
                value = intrinsic("Ref", YAMLNode.text(variable), depth: depth)
            }
            guard let replacement = value.string else {
                return .unknown(value.unknownReason ?? "${\(variable)} is not text")
            }
            output += replacement
            guard output.utf8.count <= TerraformEvaluator.maximumValueBytes else {
                return .unknown(
                    "Fn::Sub builds a value over \(TerraformEvaluator.maximumValueBytes) bytes; certlint stops there"
                )
            }
        }
        return .string(output + rest)
    }

    /// `Fn::Join` of known text.
    private func join(_ plain: YAMLNode, depth: Int) -> TerraformValue {
        guard let items = plain.sequence, items.count == 2, let separator = items[0].scalar else {
            return .unknown("Fn::Join needs a separator and a list")
        }
        let parts = evaluate(items[1], depth: depth)
        guard let list = parts.list, list.allSatisfy({ $0.string != nil }) else {
            return .unknown(parts.unknownReason ?? "Fn::Join of values that are not known text")
        }
        return .string(list.compactMap(\.string).joined(separator: separator))
    }

    /// `Fn::Select` of a known position in a known list.
    private func select(_ plain: YAMLNode, depth: Int) -> TerraformValue {
        guard let items = plain.sequence, items.count == 2, let position = evaluate(items[0], depth: depth).int,
            let list = evaluate(items[1], depth: depth).list, list.indices.contains(position)
        else { return .unknown("Fn::Select of values that are not known") }
        return list[position]
    }

    /// `Fn::If`: the chosen value when the condition is decided, else the value both sides share.
    private func ifThen(_ plain: YAMLNode, depth: Int) -> TerraformValue {
        guard let items = plain.sequence, items.count == 3, let condition = items[0].scalar else {
            return .unknown("Fn::If needs a condition and two values")
        }
        let a = evaluate(items[1], depth: depth)
        let b = evaluate(items[2], depth: depth)
        if let decided = self.condition(condition, depth: depth) { return decided ? a : b }
        return a == b ? a : .unknown("condition \(condition) depends on values given at deploy time")
    }

    /// `Fn::Equals` of known values.
    private func equals(_ plain: YAMLNode, depth: Int) -> TerraformValue {
        guard let items = plain.sequence, items.count == 2 else { return .unknown("Fn::Equals needs two values") }
        let a = evaluate(items[0], depth: depth)
        let b = evaluate(items[1], depth: depth)
        if a.isUnknown || b.isUnknown { return .unknown("Fn::Equals of values known at deploy time") }
        return .bool(a.string == b.string)
    }

    /// `Fn::Not`, `Fn::And`, `Fn::Or` of known conditions.
    private func logical(_ plain: YAMLNode, name: String, depth: Int) -> TerraformValue {
        let values = (plain.sequence ?? []).map { evaluate($0, depth: depth).bool }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            return .unknown("\(name) of conditions known at deploy time")
        }
        let flags = values.compactMap { $0 }
        switch name {
        case "Fn::Not": return .bool(!flags[0])
        case "Fn::And": return .bool(flags.allSatisfy { $0 })
        default: return .bool(flags.contains(true))
        }
    }

    /// `Condition`: a named condition of the template.
    private func namedCondition(_ plain: YAMLNode, depth: Int) -> TerraformValue {
        guard let condition = plain.scalar else { return .unknown("Condition without a name") }
        return self.condition(condition, depth: depth).map { .bool($0) }
            ?? .unknown("condition \(condition) depends on values given at deploy time")
    }

    private func condition(_ name: String, depth: Int) -> Bool? {
        guard let node = conditions[name] else { return nil }
        return evaluate(node, depth: depth + 1).bool
    }
}

extension YAMLNode {
    /// A plain scalar with no position, for values certlint makes up while evaluating.
    static func text(_ value: String) -> YAMLNode {
        YAMLNode(
            content: .scalar(value, quoted: true), tag: nil, start: TextPosition(line: 1, column: 1),
            end: TextPosition(line: 1, column: 1), weight: 1)
    }
}
