import CLibYAML

/// Reads YAML and JSON through the system libyaml, keeping the position of every node.
///
/// Anchors and aliases are resolved; an alias re-uses the anchored node, and the number of nodes
/// reachable after expansion is bounded (`maxExpandedNodes`) so an alias bomb ends as a format
/// error instead of exhausting memory. Nesting is bounded too (`maxDepth`).
package struct YAMLParser: Sendable {
    var maxExpandedNodes = 1_000_000
    var maxDepth = 400

    package init() {}

    /// Every document of the stream, in order.
    package func parse(_ text: String) throws(FormatError) -> [YAMLNode] {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
        let result: Result<[YAMLNode], FormatError> = bytes.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return .failure(FormatError("libyaml could not be initialised", line: 1))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder(maxExpandedNodes: maxExpandedNodes, maxDepth: maxDepth)
            do {
                try builder.run(&parser)
                return .success(builder.documents)
            } catch let error as FormatError {
                return .failure(error)
            } catch {
                return .failure(FormatError("\(error)", line: 1))
            }
        }
        return try result.get()
    }
}

/// Turns libyaml's event stream into nodes with an explicit stack (no recursion, so deep
/// nesting cannot overflow the call stack).
private struct Builder {
    let maxExpandedNodes: Int
    let maxDepth: Int
    var documents: [YAMLNode] = []
    var anchors: [String: YAMLNode] = [:]
    var expanded = 0

    /// An open collection. A struct mutated in place on the stack, so appending a child does
    /// not copy the children before it (an enum payload would be copied out and back: quadratic).
    private struct Frame {
        let isSequence: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        let tag: String?
        let anchor: String?
        let start: TextPosition
        var weight = 1
    }
    private var stack: [Frame] = []
    private var documentRoot: YAMLNode?

    init(maxExpandedNodes: Int, maxDepth: Int) {
        self.maxExpandedNodes = maxExpandedNodes
        self.maxDepth = maxDepth
    }

    mutating func run(_ parser: inout yaml_parser_t) throws {
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw Self.error(of: parser)
            }
            defer { yaml_event_delete(&event) }
            let start = Self.position(event.start_mark)
            let end = Self.position(event.end_mark)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_DOCUMENT_START_EVENT:
                documentRoot = nil
                anchors = [:]
            case YAML_DOCUMENT_END_EVENT:
                if let root = documentRoot { documents.append(root) }
                documentRoot = nil
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let value = Self.string(scalar.value, length: scalar.length) ?? ""
                let quoted = scalar.style != YAML_PLAIN_SCALAR_STYLE && scalar.style != YAML_ANY_SCALAR_STYLE
                let node = YAMLNode(
                    content: .scalar(value, quoted: quoted), tag: Self.string(scalar.tag),
                    start: start, end: end, weight: 1 + Int(scalar.length) / Self.bytesPerNode)
                try add(node, anchor: Self.string(scalar.anchor))
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                guard let target = anchors[name] else {
                    throw FormatError("alias *\(name) names no anchor defined before it", at: start)
                }
                try add(target, anchor: nil, aliasAt: start)
            case YAML_SEQUENCE_START_EVENT:
                try push(start)
                let data = event.data.sequence_start
                stack.append(
                    Frame(isSequence: true, tag: Self.string(data.tag), anchor: Self.string(data.anchor), start: start))
            case YAML_MAPPING_START_EVENT:
                try push(start)
                let data = event.data.mapping_start
                stack.append(
                    Frame(isSequence: false, tag: Self.string(data.tag), anchor: Self.string(data.anchor), start: start)
                )
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { continue }
                let content: YAMLNode.Content = frame.isSequence ? .sequence(frame.items) : .mapping(frame.pairs)
                try add(
                    YAMLNode(content: content, tag: frame.tag, start: frame.start, end: end, weight: frame.weight),
                    anchor: frame.anchor, counted: true)
            default:
                break
            }
        }
    }

    private mutating func push(_ position: TextPosition) throws {
        if stack.count >= maxDepth {
            throw FormatError("nesting is deeper than \(maxDepth) levels", at: position)
        }
    }

    /// Attaches a finished node to its parent (or makes it the document root).
    private mutating func add(_ node: YAMLNode, anchor: String?, aliasAt: TextPosition? = nil, counted: Bool = false)
        throws
    {
        // A collection's own weight was counted as its children arrived; scalars and aliases count now.
        if !counted {
            expanded += node.weight
            if expanded > maxExpandedNodes {
                throw FormatError(
                    "aliases expand to more than \(maxExpandedNodes) nodes (or \((maxExpandedNodes * Self.bytesPerNode) >> 20) MiB of text); refusing to expand further (alias bomb?)",
                    at: aliasAt ?? node.start)
            }
        }
        if let anchor { anchors[anchor] = node }
        guard !stack.isEmpty else {
            documentRoot = node
            return
        }
        let top = stack.count - 1
        stack[top].weight += node.weight
        if stack[top].isSequence {
            stack[top].items.append(node)
        } else if let key = stack[top].pendingKey {
            stack[top].pairs.append(YAMLPair(key: key, value: node))
            stack[top].pendingKey = nil
        } else {
            stack[top].pendingKey = node
        }
    }

    /// A scalar weighs one node per this many bytes, so aliases to long text count what they copy.
    static let bytesPerNode = 64

    private static func position(_ mark: yaml_mark_t) -> TextPosition {
        TextPosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String? {
        guard let pointer else { return nil }
        let count = length ?? strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private static func error(of parser: yaml_parser_t) -> FormatError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            message =
                "\(problem) (\(context) at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1))"
        }
        return FormatError(message, at: position(parser.problem_mark))
    }
}
