/// A span of source text: from `start` up to (not including) `end`.
struct SourceRange: Sendable, Hashable {
    let start: TextPosition
    let end: TextPosition
    init(_ start: TextPosition, _ end: TextPosition) {
        self.start = start
        self.end = end
    }
}

/// An HCL native-syntax file: a body of attributes and blocks, in source order.
struct HCLBody: Sendable, Hashable {
    enum Item: Sendable, Hashable {
        case attribute(HCLAttribute)
        case block(HCLBlock)
    }
    let items: [Item]
    let range: SourceRange

    var attributes: [HCLAttribute] {
        items.compactMap { if case .attribute(let attribute) = $0 { return attribute } else { return nil } }
    }
    var blocks: [HCLBlock] {
        items.compactMap { if case .block(let block) = $0 { return block } else { return nil } }
    }
    func attribute(_ name: String) -> HCLAttribute? { attributes.first { $0.name == name } }
    func blocks(_ type: String) -> [HCLBlock] { blocks.filter { $0.type == type } }
}

/// `name = expression`
struct HCLAttribute: Sendable, Hashable {
    let name: String
    let expression: HCLExpression
    let range: SourceRange
}

/// `type "label" label { body }`
struct HCLBlock: Sendable, Hashable {
    let type: String
    let labels: [String]
    let body: HCLBody
    let range: SourceRange
}

/// One step of a traversal: `.name`, `[key]`, legacy `.0`.
enum HCLTraverser: Sendable, Hashable {
    case attribute(String)
    case index(HCLExpression)
}

/// A piece of a string template.
indirect enum HCLTemplatePart: Sendable, Hashable {
    case literal(String)
    case interpolation(HCLExpression)
    case conditional(condition: HCLExpression, then: [HCLTemplatePart], otherwise: [HCLTemplatePart])
    case loop(key: String?, value: String, collection: HCLExpression, body: [HCLTemplatePart])
}

/// An HCL expression with the source range it was read from.
indirect enum HCLExpression: Sendable, Hashable {
    case number(Double, SourceRange)
    case bool(Bool, SourceRange)
    case null(SourceRange)
    case template([HCLTemplatePart], SourceRange)
    case variable(String, SourceRange)
    case traversal(HCLExpression, [HCLTraverser], SourceRange)
    /// `source[*].rest` or `source.*.rest`: `rest` applies to each element.
    case splat(HCLExpression, [HCLTraverser], SourceRange)
    case call(String, [HCLExpression], expandFinal: Bool, SourceRange)
    case tuple([HCLExpression], SourceRange)
    case object([HCLObjectItem], SourceRange)
    case unary(String, HCLExpression, SourceRange)
    case binary(String, HCLExpression, HCLExpression, SourceRange)
    case conditional(HCLExpression, HCLExpression, HCLExpression, SourceRange)
    case forTuple(HCLFor, SourceRange)
    case forObject(HCLFor, SourceRange)
    case parenthesized(HCLExpression, SourceRange)

    var range: SourceRange {
        switch self {
        case .number(_, let r), .bool(_, let r), .null(let r), .template(_, let r), .variable(_, let r),
            .traversal(_, _, let r), .splat(_, _, let r), .call(_, _, _, let r), .tuple(_, let r), .object(_, let r),
            .unary(_, _, let r), .binary(_, _, _, let r), .conditional(_, _, _, let r), .forTuple(_, let r),
            .forObject(_, let r), .parenthesized(_, let r):
            return r
        }
    }

    /// The dotted name of a plain reference (`aws_lb.main.arn`), or nil for anything else.
    var referenceName: String? {
        switch self {
        case .variable(let name, _): return name
        case .traversal(let base, let steps, _):
            guard var name = base.referenceName else { return nil }
            for step in steps {
                switch step {
                case .attribute(let attribute): name += "." + attribute
                case .index(.number(let number, _)):
                    name += "[\(Int(exactly: number).map(String.init) ?? String(number))]"
                case .index(.template(let parts, _)):
                    guard parts.count == 1, case .literal(let key) = parts[0] else { return nil }
                    name += "[\"\(key)\"]"
                default: return nil
                }
            }
            return name
        default: return nil
        }
    }
}

/// `key = value` or `key: value` in an object constructor.
struct HCLObjectItem: Sendable, Hashable {
    let key: HCLExpression
    let value: HCLExpression
}

/// The parts of a `for` expression.
struct HCLFor: Sendable, Hashable {
    let keyVariable: String?
    let valueVariable: String
    let collection: HCLExpression
    let key: HCLExpression?
    let value: HCLExpression
    let condition: HCLExpression?
    let grouping: Bool
}
