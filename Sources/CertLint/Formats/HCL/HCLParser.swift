import Foundation

/// A parser for HCL's native syntax (the language of Terraform's `.tf` files): bodies, blocks,
/// attributes, comments, every literal form, quoted and heredoc templates with interpolation,
/// directives and strip markers, collections, function calls, operators with HCL's precedence,
/// conditionals, `for` expressions and traversals (attribute, index, legacy `.0`, splats).
/// Syntax errors are `FormatError`s with line, column and an HCL-style summary.
struct HCLParser {
    private let text: [Unicode.Scalar]
    private var index = 0
    private let lineStarts: [Int]
    /// How many brackets of an expression are open: inside them newlines are blanks.
    private var nesting = 0
    /// How deep blocks, expressions and templates nest; past `maximumDepth` the file is a
    /// syntax error (CP900) instead of a recursion that could exhaust the stack.
    private var depth = 0
    static let maximumDepth = 128

    /// Enters one level of nesting; the caller leaves it with `depth -= 1`.
    private mutating func enter() throws(FormatError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw error(
                "Nesting too deep",
                "blocks, expressions and templates nest deeper than \(Self.maximumDepth) levels here; certlint does not read further"
            )
        }
    }

    static func parse(_ source: String) throws(FormatError) -> HCLBody {
        var parser = HCLParser(source)
        let body = try parser.body(endingAt: nil)
        return body
    }

    private init(_ source: String) {
        text = Array(source.unicodeScalars)
        var starts = [0]
        for (offset, scalar) in text.enumerated() where scalar == "\n" { starts.append(offset + 1) }
        lineStarts = starts
    }

    // MARK: - Positions and errors

    private func position(_ offset: Int) -> TextPosition {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return TextPosition(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    private func range(from start: Int) -> SourceRange { SourceRange(position(start), position(index)) }

    private func error(_ summary: String, _ detail: String, at offset: Int? = nil) -> FormatError {
        FormatError("\(summary): \(detail)", at: position(offset ?? index))
    }

    private var current: Unicode.Scalar? { index < text.count ? text[index] : nil }
    private func peek(_ offset: Int = 1) -> Unicode.Scalar? { index + offset < text.count ? text[index + offset] : nil }

    private func describeCurrent() -> String {
        guard let scalar = current else { return "the end of the file" }
        switch scalar {
        case "\n": return "a newline"
        case "\"": return "a quote"
        default: return "'\(Character(scalar))'"
        }
    }

    // MARK: - Blanks and comments

    /// Skips spaces, tabs, comments, and newlines when `newlines` (or inside brackets, unless
    /// `keepNewlines`).
    private mutating func skipBlanks(newlines: Bool = false, keepNewlines: Bool = false) throws(FormatError) {
        while let scalar = current {
            switch scalar {
            case " ", "\t", "\r":
                index += 1
            case "\n":
                guard !keepNewlines, newlines || nesting > 0 else { return }
                index += 1
            case "#":
                skipLineComment()
            case "/" where peek() == "/":
                skipLineComment()
            case "/" where peek() == "*":
                let start = index
                index += 2
                while index < text.count && !(text[index] == "*" && peek() == "/") { index += 1 }
                guard index < text.count else {
                    throw error("Unterminated comment", "this /* comment has no closing */", at: start)
                }
                index += 2
            default:
                return
            }
        }
    }

    private mutating func skipLineComment() {
        while let scalar = current, scalar != "\n" { index += 1 }
    }

    // MARK: - Bodies

    private mutating func body(endingAt closer: Unicode.Scalar?) throws(FormatError) -> HCLBody {
        let start = index
        var items: [HCLBody.Item] = []
        while true {
            try skipBlanks(newlines: true)
            guard let scalar = current else {
                if closer != nil {
                    throw error("Unclosed configuration block", "there is no closing brace for the block opened above")
                }
                return HCLBody(items: items, range: range(from: start))
            }
            if scalar == closer { return HCLBody(items: items, range: range(from: start)) }
            guard isIdentifierStart(scalar) else {
                throw error(
                    "Argument or block definition required",
                    "an argument or block definition is required here, found \(describeCurrent())")
            }
            let itemStart = index
            let name = identifier()
            try skipBlanks()
            if current == "=" && peek() != "=" {
                index += 1
                try skipBlanks()
                let expression = try self.expression()
                items.append(
                    .attribute(HCLAttribute(name: name, expression: expression, range: range(from: itemStart))))
                try endOfItem(closer: closer, what: "argument")
                continue
            }
            let labels = try blockLabels()
            guard current == "{" else {
                throw error(
                    "Invalid block definition", "expected \"{\" after the block header, found \(describeCurrent())")
            }
            index += 1
            try enter()
            let blockBody = try body(endingAt: "}")
            depth -= 1
            index += 1
            items.append(.block(HCLBlock(type: name, labels: labels, body: blockBody, range: range(from: itemStart))))
            try endOfItem(closer: closer, what: "block definition")
        }
    }

    /// The labels of a block header, up to its `{`: quoted strings without interpolation, or names.
    private mutating func blockLabels() throws(FormatError) -> [String] {
        var labels: [String] = []
        while let next = current, next != "{" {
            if next == "\"" {
                let labelStart = index
                guard case .template(let parts, _) = try quotedTemplate(),
                    parts.allSatisfy({ if case .literal = $0 { return true } else { return false } })
                else {
                    throw error(
                        "Invalid block label", "block labels are plain strings without interpolation",
                        at: labelStart)
                }
                labels.append(
                    parts.map { if case .literal(let text) = $0 { return text } else { return "" } }.joined())
            } else if isIdentifierStart(next) {
                labels.append(identifier())
            } else {
                throw error(
                    "Invalid block definition",
                    "a block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header; found \(describeCurrent())"
                )
            }
            try skipBlanks()
        }
        return labels
    }

    /// An item ends at a newline, the end of the file, or the closing brace of a one-line block.
    private mutating func endOfItem(closer: Unicode.Scalar?, what: String) throws(FormatError) {
        try skipBlanks()
        guard let scalar = current else { return }
        if scalar == "\n" || scalar == closer { return }
        throw error("Missing newline after \(what)", "an \(what) must end with a newline, found \(describeCurrent())")
    }

    // MARK: - Expressions

    private static let binaryLevels: [[String]] = [
        ["||"], ["&&"], ["==", "!="], [">=", "<=", ">", "<"], ["+", "-"], ["*", "/", "%"],
    ]
    /// The operators of each level as scalars, longest first, built once.
    private static let operatorScalars: [[(String, [Unicode.Scalar])]] = binaryLevels.map { level in
        level.sorted { $0.count > $1.count }.map { ($0, Array($0.unicodeScalars)) }
    }

    mutating func expression() throws(FormatError) -> HCLExpression {
        try enter()
        defer { depth -= 1 }
        let start = index
        let condition = try binary(level: 0)
        let save = index
        try skipBlanks()
        guard current == "?" else {
            index = save
            return condition
        }
        index += 1
        try skipBlanks()
        let then = try expression()
        try skipBlanks()
        guard current == ":" else {
            throw error(
                "Missing false expression in conditional",
                "the conditional operator (...?...:...) requires a false expression, delimited by a colon")
        }
        index += 1
        try skipBlanks()
        let otherwise = try expression()
        return .conditional(condition, then, otherwise, range(from: start))
    }

    private mutating func binary(level: Int) throws(FormatError) -> HCLExpression {
        guard level < Self.binaryLevels.count else { return try unary() }
        let start = index
        var left = try binary(level: level + 1)
        while true {
            let save = index
            try skipBlanks()
            guard let op = matchOperator(level) else {
                index = save
                return left
            }
            index += op.unicodeScalars.count
            try skipBlanks()
            let right = try binary(level: level + 1)
            left = .binary(op, left, right, range(from: start))
        }
    }

    private func matchOperator(_ level: Int) -> String? {
        // Longest first, so ">=" is not read as ">".
        guard let first = current, "|&=!<>+-*/%".unicodeScalars.contains(first) else { return nil }
        for (op, scalars) in Self.operatorScalars[level] {
            guard index + scalars.count <= text.count, text[index] == scalars[0],
                scalars.count == 1 || text[index + 1] == scalars[1]
            else { continue }
            if op == ">" || op == "<", let next = peek(), next == "=" { continue }
            if op == "=" { continue }
            if op == "*" || op == "/", let next = peek(), next == "/" || next == "*" { continue }  // a comment
            return op
        }
        return nil
    }

    private mutating func unary() throws(FormatError) -> HCLExpression {
        let start = index
        if let scalar = current, scalar == "-" || scalar == "!" {
            index += 1
            try skipBlanks()
            try enter()
            defer { depth -= 1 }
            let operand = try unary()
            return .unary(String(Character(scalar)), operand, range(from: start))
        }
        return try postfix(try primary())
    }

    /// Attribute access, index, legacy index and splats after a term.
    private mutating func postfix(_ base: HCLExpression) throws(FormatError) -> HCLExpression {
        var expression = base
        var steps: [HCLTraverser] = []
        let baseStart = base.range.start
        func flush() {
            if !steps.isEmpty {
                expression = .traversal(expression, steps, SourceRange(baseStart, position(index)))
                steps = []
            }
        }
        while true {
            let save = index
            if nesting > 0 { try skipBlanks() }
            if current == "." && peek() == "." {
                index = save  // the `...` expansion symbol, not a traversal
                break
            }
            if current == "." {
                index += 1
                guard current == "*" else {
                    steps.append(try attributeOrLegacyIndex())
                    continue
                }
                index += 1
                flush()
                expression = .splat(expression, try attributeSplatSteps(), SourceRange(baseStart, position(index)))
            } else if current == "[" {
                index += 1
                if let key = try indexKeyOrFullSplat() {
                    steps.append(.index(key))
                    continue
                }
                flush()
                expression = .splat(expression, try fullSplatSteps(), SourceRange(baseStart, position(index)))
            } else {
                index = save
                break
            }
        }
        flush()
        return expression
    }

    /// After `.*`: the attribute steps that apply to each element.
    private mutating func attributeSplatSteps() throws(FormatError) -> [HCLTraverser] {
        var rest: [HCLTraverser] = []
        while current == ".", let next = peek(), isIdentifierStart(next) || next.properties.numericType != nil {
            index += 1
            rest.append(try attributeOrLegacyIndex())
        }
        return rest
    }

    /// After `[`: the index key up to its `]`, or nil for a full splat `[*]` (read up to its `]`).
    private mutating func indexKeyOrFullSplat() throws(FormatError) -> HCLExpression? {
        nesting += 1
        try skipBlanks()
        if current == "*" {
            index += 1
            try skipBlanks()
            guard current == "]" else { throw error("Invalid splat", "expected \"]\" after \"[*\"") }
            index += 1
            nesting -= 1
            return nil
        }
        let key = try self.expression()
        try skipBlanks()
        guard current == "]" else {
            throw error(
                "Missing close bracket on index",
                "the index operator must end with a closing bracket (\"]\"), found \(describeCurrent())")
        }
        index += 1
        nesting -= 1
        return key
    }

    /// After `[*]`: everything that follows applies to each element. Each `[*]` nests one level
    /// (bounded by `maximumDepth`: `a[*][*]…` a million times long is an error, not a stack overflow).
    private mutating func fullSplatSteps() throws(FormatError) -> [HCLTraverser] {
        try enter()
        defer { depth -= 1 }
        let rest = try postfix(.variable("", SourceRange(position(index), position(index))))
        if case .traversal(_, let tail, _) = rest { return tail }
        return []
    }

    private mutating func attributeOrLegacyIndex() throws(FormatError) -> HCLTraverser {
        if let scalar = current, scalar.properties.numericType != nil, scalar.isASCII {
            let start = index
            while let digit = current, digit.isASCII, digit.properties.numericType != nil { index += 1 }
            let digits = String(String.UnicodeScalarView(text[start..<index]))
            return .index(.number(Double(digits) ?? 0, range(from: start)))
        }
        guard let scalar = current, isIdentifierStart(scalar) else {
            throw error(
                "Invalid attribute name", "an attribute name is required after a dot, found \(describeCurrent())")
        }
        return .attribute(identifier())
    }

    private mutating func primary() throws(FormatError) -> HCLExpression {
        let start = index
        guard let scalar = current else {
            throw error("Invalid expression", "expected the start of an expression, but found the end of the file")
        }
        switch scalar {
        case "\"":
            return try quotedTemplate()
        case "<" where peek() == "<":
            return try heredoc()
        case "(":
            index += 1
            nesting += 1
            try skipBlanks()
            let inner = try expression()
            try skipBlanks()
            guard current == ")" else {
                throw error("Unbalanced parentheses", "expected a closing parenthesis, found \(describeCurrent())")
            }
            index += 1
            nesting -= 1
            return .parenthesized(inner, range(from: start))
        case "[":
            return try tupleOrFor()
        case "{":
            return try objectOrFor()
        default:
            if scalar.isASCII, scalar.properties.numericType != nil { return try number() }
            if isIdentifierStart(scalar) {
                var name = identifier()
                // Provider-defined functions: provider::name::function(...). `::` is a token of
                // its own, so blanks may stand around it (hclsyntax).
                while true {
                    let beforeBlanks = index
                    while current == " " || current == "\t" { index += 1 }
                    guard current == ":" && peek() == ":" else {
                        index = beforeBlanks
                        break
                    }
                    index += 2
                    while current == " " || current == "\t" { index += 1 }
                    guard let next = current, isIdentifierStart(next) else {
                        throw error("Invalid function name", "expected a name after \"::\", found \(describeCurrent())")
                    }
                    name += "::" + identifier()
                }
                let afterName = index
                try skipBlanks()
                if current == "(" { return try call(name, start: start) }
                index = afterName
                switch name {
                case "true": return .bool(true, range(from: start))
                case "false": return .bool(false, range(from: start))
                case "null": return .null(range(from: start))
                default: return .variable(name, range(from: start))
                }
            }
            throw error("Invalid expression", "expected the start of an expression, but found \(describeCurrent())")
        }
    }

    private mutating func number() throws(FormatError) -> HCLExpression {
        let start = index
        func digits() { while let d = current, d.isASCII, d.properties.numericType != nil { index += 1 } }
        digits()
        if current == ".", let next = peek(), next.isASCII, next.properties.numericType != nil {
            index += 1
            digits()
        }
        if let e = current, e == "e" || e == "E" {
            let save = index
            index += 1
            if let sign = current, sign == "+" || sign == "-" { index += 1 }
            if let d = current, d.isASCII, d.properties.numericType != nil { digits() } else { index = save }
        }
        let literal = String(String.UnicodeScalarView(text[start..<index]))
        guard let value = Double(literal) else {
            throw error("Invalid number literal", "'\(literal)' is not a number", at: start)
        }
        return .number(value, range(from: start))
    }

    private mutating func call(_ name: String, start: Int) throws(FormatError) -> HCLExpression {
        index += 1  // (
        nesting += 1
        var arguments: [HCLExpression] = []
        var expandFinal = false
        try skipBlanks()
        while current != ")" {
            arguments.append(try expression())
            try skipBlanks()
            if current == "." && peek() == "." && peek(2) == "." {
                index += 3
                expandFinal = true
                try skipBlanks()
                guard current == ")" else {
                    throw error("Missing close parenthesis", "the expansion symbol (...) must be on the final argument")
                }
                break
            }
            if current == "," {
                index += 1
                try skipBlanks()
                continue
            }
            guard current == ")" else {
                throw error(
                    "Missing argument separator",
                    "a comma is required to separate each function argument from the next, found \(describeCurrent())")
            }
        }
        index += 1
        nesting -= 1
        return .call(name, arguments, expandFinal: expandFinal, range(from: start))
    }

    private mutating func keyword(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        guard index + scalars.count <= text.count, Array(text[index..<index + scalars.count]) == scalars else {
            return false
        }
        if index + scalars.count < text.count, isIdentifierPart(text[index + scalars.count]) { return false }
        return true
    }

    private mutating func tupleOrFor() throws(FormatError) -> HCLExpression {
        let start = index
        index += 1
        nesting += 1
        try skipBlanks()
        if keyword("for") {
            let clause = try forClause(object: false, closer: "]")
            nesting -= 1
            return .forTuple(clause, range(from: start))
        }
        var items: [HCLExpression] = []
        while current != "]" {
            guard current != nil else {
                throw error("Missing close bracket", "there is no closing bracket for the list opened here", at: start)
            }
            items.append(try expression())
            try skipBlanks()
            if current == "," {
                index += 1
                try skipBlanks()
            } else if current != "]" {
                throw error(
                    "Missing item separator",
                    "expected a comma to mark the beginning of the next item, found \(describeCurrent())")
            }
        }
        index += 1
        nesting -= 1
        return .tuple(items, range(from: start))
    }

    private mutating func objectOrFor() throws(FormatError) -> HCLExpression {
        let start = index
        index += 1
        nesting += 1
        try skipBlanks()
        if keyword("for") {
            let clause = try forClause(object: true, closer: "}")
            nesting -= 1
            return .forObject(clause, range(from: start))
        }
        var items: [HCLObjectItem] = []
        while current != "}" {
            guard current != nil else {
                throw error("Missing close brace", "there is no closing brace for the object opened here", at: start)
            }
            let key = try expression()
            try skipBlanks()
            guard current == "=" || current == ":" else {
                throw error(
                    "Missing key/value separator",
                    "expected an equals sign (\"=\") to mark the beginning of the attribute value, found \(describeCurrent())"
                )
            }
            index += 1
            try skipBlanks()
            let value = try expression()
            items.append(HCLObjectItem(key: key, value: value))
            // Items are separated by commas or newlines.
            try skipBlanks(keepNewlines: true)
            if current == "," || current == "\n" {
                index += 1
            } else if current != "}" {
                throw error(
                    "Missing attribute separator",
                    "expected a newline or comma to mark the beginning of the next attribute, found \(describeCurrent())"
                )
            }
            try skipBlanks()
        }
        index += 1
        nesting -= 1
        return .object(items, range(from: start))
    }

    /// `for k, v in coll : [key =>] value [...] [if cond]` up to the closing bracket.
    /// `for v` or `for k, v`: the iteration variables.
    private mutating func forVariables() throws(FormatError) -> (key: String?, value: String) {
        try skipBlanks()
        guard let first = current, isIdentifierStart(first) else {
            throw error("Invalid 'for' expression", "a 'for' expression needs an iteration variable")
        }
        let named = identifier()
        try skipBlanks()
        guard current == "," else { return (nil, named) }
        index += 1
        try skipBlanks()
        let value = identifier()
        try skipBlanks()
        return (named, value)
    }

    private mutating func forClause(object: Bool, closer: Unicode.Scalar) throws(FormatError) -> HCLFor {
        index += 3
        let (keyVariable, valueVariable) = try forVariables()
        guard keyword("in") else {
            throw error(
                "Invalid 'for' expression",
                "the 'in' keyword must follow the iteration variables, found \(describeCurrent())")
        }
        index += 2
        try skipBlanks()
        let collection = try expression()
        try skipBlanks()
        guard current == ":" else {
            throw error(
                "Invalid 'for' expression",
                "a colon is required after the collection expression, found \(describeCurrent())")
        }
        index += 1
        try skipBlanks()
        var key: HCLExpression?
        var value = try expression()
        try skipBlanks()
        if object {
            guard current == "=" && peek() == ">" else {
                throw error("Invalid 'for' expression", "an object 'for' expression needs \"=>\" between key and value")
            }
            index += 2
            try skipBlanks()
            key = value
            value = try expression()
            try skipBlanks()
        }
        var grouping = false
        if object && current == "." && peek() == "." && peek(2) == "." {
            index += 3
            grouping = true
            try skipBlanks()
        }
        var condition: HCLExpression?
        if keyword("if") {
            index += 2
            try skipBlanks()
            condition = try expression()
            try skipBlanks()
        }
        guard current == closer else {
            throw error(
                "Invalid 'for' expression",
                "expected \"\(Character(closer))\" to close the 'for' expression, found \(describeCurrent())")
        }
        index += 1
        return HCLFor(
            keyVariable: keyVariable, valueVariable: valueVariable, collection: collection, key: key, value: value,
            condition: condition, grouping: grouping)
    }

    // MARK: - Templates

    private mutating func quotedTemplate() throws(FormatError) -> HCLExpression {
        let start = index
        index += 1
        let parts = try templateParts(quoted: true, until: { parser in parser.current == "\"" }, directiveEnds: [])
        guard current == "\"" else {
            throw error("Unterminated template string", "no closing marker was found for the string", at: start)
        }
        index += 1
        return .template(parts.parts, range(from: start))
    }

    private mutating func heredoc() throws(FormatError) -> HCLExpression {
        let start = index
        index += 2
        let flush = current == "-"
        if flush { index += 1 }
        guard let first = current, isIdentifierStart(first) else {
            throw error("Invalid heredoc", "a heredoc needs a delimiter word after <<")
        }
        let marker = identifier()
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\r" { index += 1 }
        guard current == "\n" else {
            throw error("Invalid heredoc", "the heredoc delimiter must be followed by a newline")
        }
        index += 1
        // Find the closing line first: a line holding only the marker (after blanks).
        var lineStart = index
        var closing: Int?
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != "\n" { lineEnd += 1 }
            let line = String(String.UnicodeScalarView(text[lineStart..<lineEnd])).trimmingCharacters(in: .whitespaces)
            if line == marker {
                closing = lineStart
                break
            }
            lineStart = lineEnd + 1
        }
        guard let closingLine = closing else {
            throw error(
                "Unterminated template string", "no closing marker \(marker) was found for the heredoc", at: start)
        }
        let contentStart = index
        var parsed = try templateParts(
            quoted: false, until: { parser in parser.index >= closingLine }, directiveEnds: [])
        index = closingLine
        while let scalar = current, scalar != "\n" { index += 1 }
        if flush {
            let lines = String(String.UnicodeScalarView(text[contentStart..<closingLine])).split(
                separator: "\n", omittingEmptySubsequences: false)
            let indents = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map {
                $0.prefix { $0 == " " || $0 == "\t" }.count
            }
            parsed.parts = Self.stripIndent(parsed.parts, by: indents.min() ?? 0)
        }
        return .template(parsed.parts, range(from: start))
    }

    /// Removes `count` leading blanks from each line of the literal parts (the `<<-` form).
    static func stripIndent(_ parts: [HCLTemplatePart], by count: Int) -> [HCLTemplatePart] {
        guard count > 0 else { return parts }
        var atLineStart = true
        return parts.map { part in
            guard case .literal(let text) = part else {
                atLineStart = false
                return part
            }
            var out = ""
            var removed = 0
            for character in text {
                if atLineStart && removed < count && (character == " " || character == "\t") {
                    removed += 1
                    continue
                }
                atLineStart = false
                out.append(character)
                if character == "\n" {
                    atLineStart = true
                    removed = 0
                }
            }
            return .literal(out)
        }
    }

    private struct TemplateResult {
        var parts: [HCLTemplatePart]
        /// The directive keyword that ended the parts (`else`, `endif`, `endfor`), if any.
        var endedBy: String?
        /// That directive closed with `~}`: strip the blanks that follow it.
        var stripAfterEnd = false
    }

    /// The parts of a template read so far, and the literal text being read.
    private struct TemplateText {
        var parts: [HCLTemplatePart] = []
        var literal = ""
        /// The sequence before closed with `~}`: strip the blanks that start the next literal.
        var stripNextLeading: Bool

        mutating func flushLiteral(stripTrailing: Bool = false) {
            let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            var text = literal
            if stripNextLeading { text = String(text.drop(while: blank)) }
            if stripTrailing {
                while let last = text.last, blank(last) { text.removeLast() }
            }
            if !text.isEmpty { parts.append(.literal(text)) }
            literal = ""
            stripNextLeading = false
        }
    }

    /// Reads template text up to `until`, or up to a `%{ else }`/`%{ endif }`/`%{ endfor }` when
    /// `directiveEnds` names it.
    private mutating func templateParts(
        quoted: Bool, until: (HCLParser) -> Bool, directiveEnds: Set<String>, stripLeading: Bool = false
    ) throws(FormatError) -> TemplateResult {
        try enter()
        defer { depth -= 1 }
        var template = TemplateText(stripNextLeading: stripLeading)
        while index < text.count && !until(self) {
            let scalar = text[index]
            if quoted && scalar == "\n" {
                throw error(
                    "Unterminated template string",
                    "a quoted string cannot span lines; use a heredoc (<<EOT) for text over several lines")
            }
            if quoted && scalar == "\\" {
                template.literal.unicodeScalars.append(try escape())
            } else if (scalar == "$" || scalar == "%") && peek() == "{" {
                let ended = try sequence(
                    scalar, into: &template, quoted: quoted, until: until, directiveEnds: directiveEnds)
                if let ended { return ended }
            } else {
                template.literal.unicodeScalars.append(scalar)
                index += 1
            }
        }
        template.flushLiteral()
        return TemplateResult(parts: template.parts, endedBy: nil)
    }

    /// A `${ … }` interpolation or a `%{ … }` directive (or the escapes `$${` and `%%{`), added to
    /// `template`; the result when it is one of the `directiveEnds`, which end this template.
    private mutating func sequence(
        _ scalar: Unicode.Scalar, into template: inout TemplateText, quoted: Bool, until: (HCLParser) -> Bool,
        directiveEnds: Set<String>
    ) throws(FormatError) -> TemplateResult? {
        if index > 0 && text[index - 1] == scalar && template.literal.unicodeScalars.last == scalar {
            // `$${` and `%%{` are literal `${` and `%{`.
            template.literal.unicodeScalars.removeLast()
            template.literal.unicodeScalars.append(scalar)
            template.literal.unicodeScalars.append("{")
            index += 2
            return nil
        }
        let open = index
        index += 2
        let stripBefore = current == "~"
        if stripBefore { index += 1 }
        template.flushLiteral(stripTrailing: stripBefore)
        nesting += 1
        try skipBlanks()
        if scalar == "$" {
            let expression = try self.expression()
            try skipBlanks()
            let stripAfter = try closeTemplateSequence(open)
            nesting -= 1
            template.parts.append(.interpolation(expression))
            template.stripNextLeading = stripAfter
            return nil
        }
        let word = identifier()
        let part: (HCLTemplatePart, Bool)
        switch word {
        case "if": part = try ifDirective(open, quoted: quoted, until: until)
        case "for": part = try forDirective(open, quoted: quoted, until: until)
        case "else", "endif", "endfor":
            guard directiveEnds.contains(word) else {
                throw error("Unexpected template directive", "%{\(word)} has no matching opening directive", at: open)
            }
            try skipBlanks()
            let strip = try closeTemplateSequence(open)
            nesting -= 1
            // Text after the closing directive belongs to the caller, stripped if asked.
            return TemplateResult(parts: template.parts, endedBy: word, stripAfterEnd: strip)
        default:
            throw error(
                "Invalid template directive", "'\(word)' is not a template directive (if, else, endif, for, endfor)",
                at: open)
        }
        template.parts.append(part.0)
        template.stripNextLeading = part.1
        return nil
    }

    /// `%{ if COND }…%{ else }…%{ endif }`, after its keyword; returns the part and whether the
    /// `%{ endif }` strips the blanks after it.
    private mutating func ifDirective(_ open: Int, quoted: Bool, until: (HCLParser) -> Bool) throws(FormatError) -> (
        HCLTemplatePart, Bool
    ) {
        try skipBlanks()
        let condition = try expression()
        try skipBlanks()
        let stripThen = try closeTemplateSequence(open)
        nesting -= 1
        let then = try templateParts(
            quoted: quoted, until: until, directiveEnds: ["else", "endif"], stripLeading: stripThen)
        var otherwise = TemplateResult(parts: [], endedBy: then.endedBy, stripAfterEnd: then.stripAfterEnd)
        if then.endedBy == "else" {
            otherwise = try templateParts(
                quoted: quoted, until: until, directiveEnds: ["endif"], stripLeading: then.stripAfterEnd)
        }
        guard otherwise.endedBy == "endif" else {
            throw error("Unterminated template directive", "the %{if} directive opened here has no %{endif}", at: open)
        }
        return (
            .conditional(condition: condition, then: then.parts, otherwise: otherwise.parts), otherwise.stripAfterEnd
        )
    }

    /// `%{ for k, v in COLL }…%{ endfor }`, after its keyword; returns the part and whether the
    /// `%{ endfor }` strips the blanks after it.
    private mutating func forDirective(_ open: Int, quoted: Bool, until: (HCLParser) -> Bool) throws(FormatError) -> (
        HCLTemplatePart, Bool
    ) {
        let (key, value) = try forVariables()
        guard keyword("in") else {
            throw error("Invalid template directive", "the 'in' keyword must follow the %{for} variables")
        }
        index += 2
        try skipBlanks()
        let collection = try expression()
        try skipBlanks()
        let stripBody = try closeTemplateSequence(open)
        nesting -= 1
        let loopBody = try templateParts(
            quoted: quoted, until: until, directiveEnds: ["endfor"], stripLeading: stripBody)
        guard loopBody.endedBy == "endfor" else {
            throw error(
                "Unterminated template directive", "the %{for} directive opened here has no %{endfor}", at: open)
        }
        return (.loop(key: key, value: value, collection: collection, body: loopBody.parts), loopBody.stripAfterEnd)
    }

    /// Reads the `~}` or `}` that closes `${ … }` or `%{ … }`; returns whether it strips.
    private mutating func closeTemplateSequence(_ open: Int) throws(FormatError) -> Bool {
        var strip = false
        if current == "~" {
            strip = true
            index += 1
        }
        guard current == "}" else {
            throw error(
                "Extra characters after interpolation expression",
                "expected a closing brace to end the interpolation expression, found \(describeCurrent())")
        }
        index += 1
        return strip
    }

    private mutating func escape() throws(FormatError) -> Unicode.Scalar {
        let start = index
        index += 1
        guard let scalar = current else {
            throw error("Invalid escape sequence", "the string ends in a backslash", at: start)
        }
        index += 1
        switch scalar {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = scalar == "u" ? 4 : 8
            guard index + count <= text.count else {
                throw error("Invalid escape sequence", "\\\(scalar) needs \(count) hex digits", at: start)
            }
            let hex = String(String.UnicodeScalarView(text[index..<index + count]))
            index += count
            guard let value = UInt32(hex, radix: 16), let result = Unicode.Scalar(value) else {
                throw error("Invalid escape sequence", "\\\(scalar)\(hex) is not a Unicode character", at: start)
            }
            return result
        default:
            throw error(
                "Invalid escape sequence",
                "the symbol \"\(Character(scalar))\" is not a valid escape sequence selector", at: start)
        }
    }

    // MARK: - Identifiers

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return value == 95 || (value >= 65 && value <= 90) || (value >= 97 && value <= 122)
        }
        return scalar.properties.isAlphabetic
    }

    private func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return value == 95 || value == 45 || (value >= 48 && value <= 57) || (value >= 65 && value <= 90)
                || (value >= 97 && value <= 122)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private mutating func identifier() -> String {
        let start = index
        while let scalar = current, isIdentifierPart(scalar) { index += 1 }
        return String(String.UnicodeScalarView(text[start..<index]))
    }
}
