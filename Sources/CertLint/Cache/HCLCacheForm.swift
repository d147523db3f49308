/// Parsed HCL in the fact cache, written by hand: a Terraform file's syntax tree is most of what
/// the cache holds, and going through `Codable` field by field cost more than parsing the file
/// again. Each node is a tag byte and its fields in order; the reader bounds nesting as the
/// parser does.
extension HCLBody: FactCachePrimitive {
    func write(to encoder: FactCacheEncoder) {
        encoder.writeLength(items.count)
        for item in items {
            switch item {
            case .attribute(let attribute):
                encoder.writeUnsigned(0)
                encoder.write(attribute.name)
                attribute.expression.write(to: encoder)
                attribute.range.write(to: encoder)
            case .block(let block):
                encoder.writeUnsigned(1)
                encoder.write(block.type)
                encoder.writeLength(block.labels.count)
                for label in block.labels { encoder.write(label) }
                block.body.write(to: encoder)
                block.range.write(to: encoder)
            }
        }
        range.write(to: encoder)
    }

    static func read(from reader: FactCacheReader) throws -> HCLBody {
        try reader.nested {
            let count = try reader.readLength()
            var items: [Item] = []
            for _ in 0..<count {
                switch try reader.readUnsigned() {
                case 0:
                    items.append(
                        .attribute(
                            HCLAttribute(
                                name: try reader.readString(), expression: try HCLExpression.read(from: reader),
                                range: try SourceRange.read(from: reader))))
                case 1:
                    let type = try reader.readString()
                    let labels = try (0..<reader.readLength()).map { _ in try reader.readString() }
                    items.append(
                        .block(
                            HCLBlock(
                                type: type, labels: labels, body: try HCLBody.read(from: reader),
                                range: try SourceRange.read(from: reader))))
                default: throw reader.damaged("an HCL body item")
                }
            }
            return HCLBody(items: items, range: try SourceRange.read(from: reader))
        }
    }
}

extension SourceRange: FactCachePrimitive {
    func write(to encoder: FactCacheEncoder) {
        start.write(to: encoder)
        end.write(to: encoder)
    }

    static func read(from reader: FactCacheReader) throws -> SourceRange {
        SourceRange(try TextPosition.read(from: reader), try TextPosition.read(from: reader))
    }
}

extension TextPosition: FactCachePrimitive {
    func write(to encoder: FactCacheEncoder) {
        encoder.writeSigned(Int64(line))
        encoder.writeSigned(Int64(column))
    }

    static func read(from reader: FactCacheReader) throws -> TextPosition {
        TextPosition(line: try reader.readInt(), column: try reader.readInt())
    }
}

extension HCLExpression {
    private enum Tag: UInt64 {
        case number, bool, null, template, variable, traversal, splat, call, tuple, object, unary, binary
        case conditional, forTuple, forObject, parenthesized
    }

    func write(to encoder: FactCacheEncoder) {
        switch self {
        case .number(let value, _): encoder.tag(Tag.number.rawValue, value)
        case .bool(let value, _): encoder.tag(Tag.bool.rawValue, value)
        case .null: encoder.writeUnsigned(Tag.null.rawValue)
        case .template(let parts, _):
            encoder.writeUnsigned(Tag.template.rawValue)
            parts.write(to: encoder)
        case .variable(let name, _): encoder.tag(Tag.variable.rawValue, name)
        case .traversal(let base, let steps, _), .splat(let base, let steps, _):
            encoder.writeUnsigned((isSplat ? Tag.splat : Tag.traversal).rawValue)
            base.write(to: encoder)
            steps.write(to: encoder)
        case .call(let name, let arguments, let expandFinal, _):
            encoder.tag(Tag.call.rawValue, name)
            arguments.write(to: encoder)
            expandFinal.write(to: encoder)
        case .tuple(let elements, _):
            encoder.writeUnsigned(Tag.tuple.rawValue)
            elements.write(to: encoder)
        case .object(let items, _):
            encoder.writeUnsigned(Tag.object.rawValue)
            encoder.writeLength(items.count)
            for item in items {
                item.key.write(to: encoder)
                item.value.write(to: encoder)
            }
        case .unary(let operation, let operand, _):
            encoder.tag(Tag.unary.rawValue, operation)
            operand.write(to: encoder)
        case .binary(let operation, let left, let right, _):
            encoder.tag(Tag.binary.rawValue, operation)
            left.write(to: encoder)
            right.write(to: encoder)
        case .conditional(let condition, let then, let otherwise, _):
            encoder.writeUnsigned(Tag.conditional.rawValue)
            [condition, then, otherwise].write(to: encoder)
        case .forTuple(let loop, _), .forObject(let loop, _):
            encoder.writeUnsigned((isForObject ? Tag.forObject : Tag.forTuple).rawValue)
            loop.write(to: encoder)
        case .parenthesized(let inner, _):
            encoder.writeUnsigned(Tag.parenthesized.rawValue)
            inner.write(to: encoder)
        }
        range.write(to: encoder)
    }

    private var isSplat: Bool { if case .splat = self { true } else { false } }
    private var isForObject: Bool { if case .forObject = self { true } else { false } }

    static func read(from reader: FactCacheReader) throws -> HCLExpression {
        try reader.nested {
            guard let tag = Tag(rawValue: try reader.readUnsigned()) else { throw reader.damaged("an HCL expression") }
            let expression = try readFields(tag, from: reader)
            return try expression(SourceRange.read(from: reader))
        }
    }

    /// The expression's fields, then a function that adds its range (written last).
    private static func readFields(_ tag: Tag, from reader: FactCacheReader) throws -> (SourceRange) -> HCLExpression {
        switch tag {
        case .number:
            let value = try Double.read(from: reader)
            return { .number(value, $0) }
        case .bool:
            let value = try Bool.read(from: reader)
            return { .bool(value, $0) }
        case .null: return { .null($0) }
        case .template:
            let parts = try [HCLTemplatePart].read(from: reader)
            return { .template(parts, $0) }
        case .variable:
            let name = try reader.readString()
            return { .variable(name, $0) }
        case .traversal, .splat:
            let base = try read(from: reader)
            let steps = try [HCLTraverser].read(from: reader)
            return tag == .splat ? { .splat(base, steps, $0) } : { .traversal(base, steps, $0) }
        case .call:
            let name = try reader.readString()
            let arguments = try [HCLExpression].read(from: reader)
            let expandFinal = try Bool.read(from: reader)
            return { .call(name, arguments, expandFinal: expandFinal, $0) }
        case .tuple:
            let elements = try [HCLExpression].read(from: reader)
            return { .tuple(elements, $0) }
        case .object:
            let items = try (0..<reader.readLength()).map { _ in
                HCLObjectItem(key: try read(from: reader), value: try read(from: reader))
            }
            return { .object(items, $0) }
        case .unary:
            let operation = try reader.readString()
            let operand = try read(from: reader)
            return { .unary(operation, operand, $0) }
        case .binary:
            let operation = try reader.readString()
            let left = try read(from: reader)
            let right = try read(from: reader)
            return { .binary(operation, left, right, $0) }
        case .conditional:
            let parts = try [HCLExpression].read(from: reader)
            guard parts.count == 3 else { throw reader.damaged("a conditional of three parts") }
            return { .conditional(parts[0], parts[1], parts[2], $0) }
        case .forTuple, .forObject:
            let loop = try HCLFor.read(from: reader)
            return tag == .forObject ? { .forObject(loop, $0) } : { .forTuple(loop, $0) }
        case .parenthesized:
            let inner = try read(from: reader)
            return { .parenthesized(inner, $0) }
        }
    }
}

extension HCLFor {
    func write(to encoder: FactCacheEncoder) {
        encoder.optional(keyVariable) { encoder.write($0) }
        encoder.write(valueVariable)
        collection.write(to: encoder)
        encoder.optional(key) { $0.write(to: encoder) }
        value.write(to: encoder)
        encoder.optional(condition) { $0.write(to: encoder) }
        grouping.write(to: encoder)
    }

    static func read(from reader: FactCacheReader) throws -> HCLFor {
        HCLFor(
            keyVariable: try reader.optional { try reader.readString() }, valueVariable: try reader.readString(),
            collection: try HCLExpression.read(from: reader),
            key: try reader.optional { try HCLExpression.read(from: reader) },
            value: try HCLExpression.read(from: reader),
            condition: try reader.optional { try HCLExpression.read(from: reader) },
            grouping: try Bool.read(from: reader)
        )
    }
}

extension HCLTraverser {
    func write(to encoder: FactCacheEncoder) {
        switch self {
        case .attribute(let name): encoder.tag(0, name)
        case .index(let expression):
            encoder.writeUnsigned(1)
            expression.write(to: encoder)
        }
    }

    static func read(from reader: FactCacheReader) throws -> HCLTraverser {
        switch try reader.readUnsigned() {
        case 0: return .attribute(try reader.readString())
        case 1: return .index(try HCLExpression.read(from: reader))
        default: throw reader.damaged("an HCL traverser")
        }
    }
}

extension HCLTemplatePart {
    func write(to encoder: FactCacheEncoder) {
        switch self {
        case .literal(let text): encoder.tag(0, text)
        case .interpolation(let expression):
            encoder.writeUnsigned(1)
            expression.write(to: encoder)
        case .conditional(let condition, let then, let otherwise):
            encoder.writeUnsigned(2)
            condition.write(to: encoder)
            then.write(to: encoder)
            otherwise.write(to: encoder)
        case .loop(let key, let value, let collection, let body):
            encoder.writeUnsigned(3)
            encoder.optional(key) { encoder.write($0) }
            encoder.write(value)
            collection.write(to: encoder)
            body.write(to: encoder)
        }
    }

    static func read(from reader: FactCacheReader) throws -> HCLTemplatePart {
        try reader.nested {
            switch try reader.readUnsigned() {
            case 0: return .literal(try reader.readString())
            case 1: return .interpolation(try HCLExpression.read(from: reader))
            case 2:
                return .conditional(
                    condition: try HCLExpression.read(from: reader), then: try [HCLTemplatePart].read(from: reader),
                    otherwise: try [HCLTemplatePart].read(from: reader))
            case 3:
                return .loop(
                    key: try reader.optional { try reader.readString() }, value: try reader.readString(),
                    collection: try HCLExpression.read(from: reader), body: try [HCLTemplatePart].read(from: reader))
            default: throw reader.damaged("an HCL template part")
            }
        }
    }
}

/// Lists of HCL nodes: a count, then each node.
protocol HCLCacheNode {
    func write(to encoder: FactCacheEncoder)
    static func read(from reader: FactCacheReader) throws -> Self
}

extension HCLExpression: HCLCacheNode {}
extension HCLTraverser: HCLCacheNode {}
extension HCLTemplatePart: HCLCacheNode {}

extension Array where Element: HCLCacheNode {
    func write(to encoder: FactCacheEncoder) {
        encoder.writeLength(count)
        for element in self { element.write(to: encoder) }
    }

    static func read(from reader: FactCacheReader) throws -> [Element] {
        try (0..<reader.readLength()).map { _ in try Element.read(from: reader) }
    }
}
