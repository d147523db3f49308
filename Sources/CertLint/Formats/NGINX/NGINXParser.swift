/// An NGINX configuration: directives (`name arg…;`) and blocks (`name arg… { … }`), with lines.
public struct NGINXDirective: Sendable, Hashable {
    /// The file the directive is written in (kept when includes are spliced in).
    public let path: String
    public let name: String
    public let arguments: [String]
    public let line: Int
    public let column: Int
    /// The directives inside `{ … }`; nil for a simple directive.
    public let block: [NGINXDirective]?

    public func children(_ name: String) -> [NGINXDirective] { (block ?? []).filter { $0.name == name } }
    public var location: SourceLocation { SourceLocation(path: path, line: line, column: column) }

    func with(block: [NGINXDirective]) -> NGINXDirective {
        NGINXDirective(path: path, name: name, arguments: arguments, line: line, column: column, block: block)
    }
    public func child(_ name: String) -> NGINXDirective? { block?.first { $0.name == name } }
}

/// Reads NGINX's configuration grammar: words, `"…"`/`'…'` strings with backslash escapes, `#`
/// comments, `;` ending a directive, `{ }` blocks.
public enum NGINXParser {
    public static func parse(_ text: String, path: String) throws(FormatError) -> [NGINXDirective] {
        var parser = Parser(Array(text.unicodeScalars), path: path)
        let directives = try parser.directives(closing: false)
        return directives
    }

    private struct Parser {
        let text: [Unicode.Scalar]
        let path: String
        var index = 0
        var line = 1
        var column = 1

        init(_ text: [Unicode.Scalar], path: String) {
            self.text = text
            self.path = path
        }

        mutating func advance() {
            if text[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }

        mutating func skipBlanks() {
            while index < text.count {
                let scalar = text[index]
                if scalar == "#" {
                    while index < text.count && text[index] != "\n" { advance() }
                } else if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                    advance()
                } else {
                    return
                }
            }
        }

        /// One word or quoted string; nil at `;`, `{`, `}` or the end.
        mutating func word() throws(FormatError) -> String? {
            skipBlanks()
            guard index < text.count else { return nil }
            let scalar = text[index]
            if scalar == ";" || scalar == "{" || scalar == "}" { return nil }
            var result = ""
            if scalar == "\"" || scalar == "'" {
                let (startLine, startColumn) = (line, column)
                advance()
                while index < text.count && text[index] != scalar {
                    if text[index] == "\\" && index + 1 < text.count {
                        advance()
                    }
                    result.unicodeScalars.append(text[index])
                    advance()
                }
                guard index < text.count else { throw FormatError("the quote \(Character(scalar)) opened here is not closed", line: startLine, column: startColumn) }
                advance()
                return result
            }
            while index < text.count {
                let next = text[index]
                if next == " " || next == "\t" || next == "\r" || next == "\n" || next == ";" || next == "{" || next == "#" { break }
                // `}` ends a word unless it closes a `${…}` variable.
                if next == "}" && !result.contains("${") { break }
                if next == "\\" && index + 1 < text.count { advance() }
                result.unicodeScalars.append(text[index])
                advance()
            }
            return result
        }

        /// Blocks nested deeper than this are CP900 (NGINX's own contexts nest a few levels).
        static let maximumDepth = 100

        mutating func directives(closing: Bool, depth: Int = 0) throws(FormatError) -> [NGINXDirective] {
            guard depth <= Self.maximumDepth else {
                throw FormatError("blocks nest deeper than \(Self.maximumDepth) levels; certlint does not read further", line: line, column: column)
            }
            var result: [NGINXDirective] = []
            while true {
                skipBlanks()
                guard index < text.count else {
                    if closing { throw FormatError("unexpected end of file, expecting \"}\"", line: line, column: column) }
                    return result
                }
                if text[index] == "}" {
                    guard closing else { throw FormatError("unexpected \"}\"", line: line, column: column) }
                    advance()
                    return result
                }
                if text[index] == ";" || text[index] == "{" {
                    throw FormatError("unexpected \"\(Character(text[index]))\"", line: line, column: column)
                }
                let (startLine, startColumn) = (line, column)
                guard let name = try word() else { continue }
                var arguments: [String] = []
                while let argument = try word() { arguments.append(argument) }
                guard index < text.count else {
                    throw FormatError("unexpected end of file, expecting \";\" or \"}\" after \"\(name)\"", line: line, column: column)
                }
                switch text[index] {
                case ";":
                    advance()
                    result.append(NGINXDirective(path: path, name: name, arguments: arguments, line: startLine, column: startColumn, block: nil))
                case "{":
                    advance()
                    let inner = try directives(closing: true, depth: depth + 1)
                    result.append(NGINXDirective(path: path, name: name, arguments: arguments, line: startLine, column: startColumn, block: inner))
                default:
                    throw FormatError("directive \"\(name)\" is not terminated by \";\"", line: line, column: column)
                }
            }
        }
    }
}
