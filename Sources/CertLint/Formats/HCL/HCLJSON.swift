/// Terraform's JSON syntax (`.tf.json`), read through libyaml and turned into the same syntax
/// tree as native HCL: property order and duplicate keys are kept, `"//"` properties are
/// comments, strings are templates (`"${var.x}"`), and an object under a nested block type
/// (`default_action`, `health_check`, …) is a block rather than an object value.
enum HCLJSON {
    /// Block types of the configuration's top level, with how many labels each takes.
    static let topLevel: [String: Int] = [
        "resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1, "locals": 0, "terraform": 0,
    ]

    /// Nested block types certlint reads inside resources (everything else is an attribute).
    static let nestedBlocks: Set<String> = [
        "default_action", "forward", "target_group", "health_check", "dynamic", "content", "client_ssl", "server_ssl",
        "rule",
        "action", "http_request_header_rewrite", "member", "services", "servers", "ip", "certificate", "http_policies",
        "http_request_policy", "rules", "hdr_action", "hdr", "condition", "redirect", "fixed_response", "stickiness",
    ]

    static func parse(_ text: String, path: String) throws(FormatError) -> HCLBody {
        guard let root = try YAMLParser().parse(text).first else {
            return HCLBody(
                items: [], range: SourceRange(TextPosition(line: 1, column: 1), TextPosition(line: 1, column: 1)))
        }
        guard let pairs = root.mapping else {
            throw FormatError("a Terraform JSON file must hold one object", at: root.start)
        }
        var items: [HCLBody.Item] = []
        for pair in pairs {
            guard let type = pair.key.scalar, type != "//" else { continue }
            guard let labels = topLevel[type] else { continue }
            items += try blocks(type, labels: labels, pair.value, prefix: [])
        }
        return HCLBody(items: items, range: SourceRange(root.start, root.end))
    }

    /// `{"label": {"label": {body}}}`, a body, or an array of bodies.
    private static func blocks(_ type: String, labels remaining: Int, _ node: YAMLNode, prefix: [String])
        throws(FormatError) -> [HCLBody.Item]
    {
        if remaining == 0 {
            let bodies = node.sequence ?? [node]
            return try bodies.map { body throws(FormatError) in
                .block(
                    HCLBlock(
                        type: type, labels: prefix, body: try self.body(body), range: SourceRange(body.start, body.end))
                )
            }
        }
        var items: [HCLBody.Item] = []
        for pair in node.mapping ?? [] {
            guard let label = pair.key.scalar, label != "//" else { continue }
            for value in pair.value.sequence ?? [pair.value] {
                items += try blocks(type, labels: remaining - 1, value, prefix: prefix + [label])
            }
        }
        return items
    }

    /// A `.tfvars.json` file: one object of variable values.
    static func variables(_ text: String) throws(FormatError) -> HCLBody {
        guard let root = try YAMLParser().parse(text).first else {
            return HCLBody(
                items: [], range: SourceRange(TextPosition(line: 1, column: 1), TextPosition(line: 1, column: 1)))
        }
        guard let pairs = root.mapping else {
            throw FormatError("a tfvars JSON file must hold one object", at: root.start)
        }
        var items: [HCLBody.Item] = []
        for pair in pairs where pair.key.scalar != "//" {
            items.append(
                .attribute(
                    HCLAttribute(
                        name: pair.key.scalar ?? "", expression: try expression(pair.value),
                        range: SourceRange(pair.key.start, pair.value.end))))
        }
        return HCLBody(items: items, range: SourceRange(root.start, root.end))
    }

    private static func body(_ node: YAMLNode) throws(FormatError) -> HCLBody {
        guard let pairs = node.mapping else { throw FormatError("expected an object for a block body", at: node.start) }
        var items: [HCLBody.Item] = []
        for pair in pairs {
            guard let name = pair.key.scalar, name != "//" else { continue }
            let range = SourceRange(pair.key.start, pair.value.end)
            if nestedBlocks.contains(name),
                pair.value.mapping != nil || pair.value.sequence?.allSatisfy({ $0.mapping != nil }) == true
            {
                if name == "dynamic" {
                    items += try blocks("dynamic", labels: 1, pair.value, prefix: [])
                    continue
                }
                for value in pair.value.sequence ?? [pair.value] {
                    items.append(
                        .block(
                            HCLBlock(
                                type: name, labels: [], body: try body(value),
                                range: SourceRange(value.start, value.end))))
                }
                continue
            }
            items.append(.attribute(HCLAttribute(name: name, expression: try expression(pair.value), range: range)))
        }
        return HCLBody(items: items, range: SourceRange(node.start, node.end))
    }

    private static func expression(_ node: YAMLNode) throws(FormatError) -> HCLExpression {
        let range = SourceRange(node.start, node.end)
        switch node.content {
        case .sequence(let items):
            return .tuple(try items.map { item throws(FormatError) in try expression(item) }, range)
        case .mapping(let pairs):
            return .object(
                try pairs.filter { $0.key.scalar != "//" }.map { pair throws(FormatError) in
                    HCLObjectItem(
                        key: .template([.literal(pair.key.scalar ?? "")], SourceRange(pair.key.start, pair.key.end)),
                        value: try expression(pair.value))
                }, range)
        case .scalar(let text, let quoted):
            if !quoted {
                switch node.resolved {
                case .bool(let flag)?: return .bool(flag, range)
                case .null?: return .null(range)
                default: if let number = Double(text) { return .number(number, range) }
                }
            }
            guard text.contains("${") || text.contains("%{") else { return .template([.literal(text)], range) }
            // Parse the string as an HCL template, then report it at the JSON string's position.
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            do {
                guard
                    case .template(let parts, _)? = try HCLParser.parse("x = \"\(escaped)\"\n").attribute("x")?
                        .expression
                else {
                    return .template([.literal(text)], range)
                }
                return .template(parts, range)
            } catch {
                throw FormatError("in the template string: \(error.message)", at: node.start)
            }
        }
    }
}
