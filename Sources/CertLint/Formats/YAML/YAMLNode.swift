/// A YAML (or JSON) node with the source range it was read from.
package struct YAMLNode: Sendable {
    enum Content: Sendable {
        case scalar(String, quoted: Bool)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    let content: Content
    /// The explicit tag (`!Ref`, `!!str`), if any.
    let tag: String?
    let start: TextPosition
    let end: TextPosition
    /// How many nodes this subtree holds once aliases are expanded; bounds alias bombs.
    let weight: Int

    init(content: Content, tag: String?, start: TextPosition, end: TextPosition, weight: Int) {
        self.content = content
        self.tag = tag
        self.start = start
        self.end = end
        self.weight = weight
    }

    /// The text of a scalar node; nil for collections.
    package var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    package var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value of the first pair whose key is the scalar `key`.
    subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar == key }?.value
    }

    /// What a scalar means under the YAML 1.2 core schema: null, bool, int or string.
    package var resolved: ResolvedScalar? {
        guard case .scalar(let text, let quoted) = content else { return nil }
        if quoted || tag == "tag:yaml.org,2002:str" { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default:
            if let value = Int(text) { return .int(value) }
            return .string(text)
        }
    }

    /// A short human name of the node's kind, for error messages.
    package var kindDescription: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar:
            switch resolved {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            default: return "a string"
            }
        }
    }
}

package struct YAMLPair: Sendable {
    package let key: YAMLNode
    package let value: YAMLNode
}

package enum ResolvedScalar: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
}

/// Every mapping under some nodes (theirs included), walked with a stack instead of recursion, so
/// that a document nested thousands deep does not exhaust the stack: last root first, then each
/// mapping's values, last first. The one walk the YAML and JSON readers share.
struct YAMLMappings: Sequence, IteratorProtocol {
    private var pending: [YAMLNode]

    init(under roots: [YAMLNode]) { pending = roots }

    mutating func next() -> (node: YAMLNode, pairs: [YAMLPair])? {
        while let node = pending.popLast() {
            switch node.content {
            case .scalar: continue
            case .sequence(let items): pending += items
            case .mapping(let pairs):
                pending += pairs.map(\.value)
                return (node, pairs)
            }
        }
        return nil
    }
}
