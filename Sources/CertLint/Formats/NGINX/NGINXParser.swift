/// An NGINX configuration: directives (`name arg…;`) and blocks (`name arg… { … }`), with lines.
struct NGINXDirective: Sendable, Hashable, Codable {
    /// The file the directive is written in (kept when includes are spliced in).
    let path: String
    let name: String
    let arguments: [String]
    let line: Int
    let column: Int
    /// The directives inside `{ … }`; nil for a simple directive.
    let block: [NGINXDirective]?

    func children(_ name: String) -> [NGINXDirective] { (block ?? []).filter { $0.name == name } }
    var location: SourceLocation { SourceLocation(path: path, line: line, column: column) }

    func with(block: [NGINXDirective]) -> NGINXDirective {
        NGINXDirective(path: path, name: name, arguments: arguments, line: line, column: column, block: block)
    }
    func child(_ name: String) -> NGINXDirective? { block?.first { $0.name == name } }
}

/// Reads NGINX's configuration grammar as `ngx_conf_file.c` does: words, `"…"`/`'…'` strings
/// with backslash escapes, `#` comments, `;` ending a directive, `{ }` blocks, and OpenResty's
/// `*_by_lua_block { … }` bodies passed over as Lua.
enum NGINXParser {
    static func parse(_ text: String, path: String) throws(FormatError) -> [NGINXDirective] {
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

        /// One word or quoted string; nil at `;`, `{`, `}` or the end. As NGINX's
        /// `ngx_conf_read_token`: a quote opens a string only at the start of a word, `#`
        /// starts a comment only there, `}` ends nothing inside a word, `{` right after `$` stays
        /// in the word (`${var}`), a backslash keeps the next character from ending anything.
        mutating func word() throws(FormatError) -> String? {
            skipBlanks()
            guard index < text.count else { return nil }
            let first = text[index]
            if first == ";" || first == "{" || first == "}" { return nil }
            var raw: [Unicode.Scalar] = []
            if first == "\"" || first == "'" {
                let (startLine, startColumn) = (line, column)
                advance()
                while index < text.count && text[index] != first {
                    if text[index] == "\\" && index + 1 < text.count {
                        raw.append(text[index])
                        advance()
                    }
                    raw.append(text[index])
                    advance()
                }
                guard index < text.count else {
                    throw FormatError(
                        "the quote \(Character(first)) opened here is not closed", line: startLine, column: startColumn)
                }
                advance()
                // NGINX wants a blank, `;`, `{` or `)` after a closing quote.
                if index < text.count, !" \t\r\n;{)".unicodeScalars.contains(text[index]) {
                    throw FormatError(
                        "unexpected \"\(Character(text[index]))\" after the quoted string", line: line, column: column)
                }
                return Self.unescaped(raw)
            }
            var afterDollar = false
            while index < text.count {
                let next = text[index]
                if next == " " || next == "\t" || next == "\r" || next == "\n" || next == ";" { break }
                if next == "{" && !afterDollar { break }
                afterDollar = next == "$"
                if next == "\\" && index + 1 < text.count {
                    raw.append(next)
                    advance()
                    afterDollar = false
                }
                raw.append(text[index])
                advance()
            }
            return Self.unescaped(raw)
        }

        /// NGINX's unescaping: `\"`, `\'` and `\\` give the character, `\t`, `\r` and `\n`
        /// the control character; any other backslash stays.
        static func unescaped(_ raw: [Unicode.Scalar]) -> String {
            var result = String.UnicodeScalarView()
            var position = 0
            while position < raw.count {
                if raw[position] == "\\", position + 1 < raw.count {
                    switch raw[position + 1] {
                    case "\"", "'", "\\":
                        result.append(raw[position + 1])
                        position += 2
                        continue
                    case "t", "r", "n":
                        result.append(raw[position + 1] == "t" ? "\t" : raw[position + 1] == "r" ? "\r" : "\n")
                        position += 2
                        continue
                    default: break
                    }
                }
                result.append(raw[position])
                position += 1
            }
            return String(result)
        }

        /// Skips the Lua body of an OpenResty `*_by_lua_block { … }` (its braces may sit in Lua
        /// strings and comments), up to and past its closing brace.
        mutating func skipLuaBlock(name: String) throws(FormatError) {
            let (startLine, startColumn) = (line, column)
            var depth = 1
            while index < text.count {
                let scalar = text[index]
                switch scalar {
                case "{": depth += 1
                case "}":
                    depth -= 1
                    if depth == 0 {
                        advance()
                        return
                    }
                case "\"", "'":
                    advance()
                    while index < text.count && text[index] != scalar && text[index] != "\n" {
                        if text[index] == "\\" { advance() }
                        if index < text.count { advance() }
                    }
                case "-" where index + 1 < text.count && text[index + 1] == "-":
                    advance()
                    advance()
                    if let level = longBracketLevel() {
                        skipLongBracket(level)
                        continue
                    }
                    while index < text.count && text[index] != "\n" { advance() }
                    continue
                case "[":
                    if let level = longBracketLevel() {
                        skipLongBracket(level)
                        continue
                    }
                default: break
                }
                if index < text.count { advance() }
            }
            throw FormatError(
                "the Lua block of \"\(name)\" opened here is not closed", line: startLine, column: startColumn)
        }

        /// At `[[` or `[==[`: the number of `=`; nil otherwise.
        private func longBracketLevel() -> Int? {
            guard index < text.count, text[index] == "[" else { return nil }
            var probe = index + 1
            var level = 0
            while probe < text.count && text[probe] == "=" {
                level += 1
                probe += 1
            }
            return probe < text.count && text[probe] == "[" ? level : nil
        }

        /// Skips a Lua long string or comment `[==[ … ]==]` from its opening bracket.
        private mutating func skipLongBracket(_ level: Int) {
            for _ in 0..<(level + 2) { advance() }
            let close = ["]"] + Array(repeating: "=", count: level) + ["]"] as [Unicode.Scalar]
            while index < text.count {
                if index + close.count <= text.count && Array(text[index..<(index + close.count)]) == close {
                    for _ in close { advance() }
                    return
                }
                advance()
            }
        }

        /// Blocks nested deeper than this are CP900 (NGINX's own contexts nest a few levels).
        static let maximumDepth = 100

        mutating func directives(closing: Bool, depth: Int = 0) throws(FormatError) -> [NGINXDirective] {
            guard depth <= Self.maximumDepth else {
                throw FormatError(
                    "blocks nest deeper than \(Self.maximumDepth) levels; certlint does not read further", line: line,
                    column: column)
            }
            var result: [NGINXDirective] = []
            while true {
                skipBlanks()
                guard index < text.count else {
                    if closing {
                        throw FormatError("unexpected end of file, expecting \"}\"", line: line, column: column)
                    }
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
                    throw FormatError(
                        "unexpected end of file, expecting \";\" or \"}\" after \"\(name)\"", line: line, column: column
                    )
                }
                switch text[index] {
                case ";":
                    advance()
                    result.append(
                        NGINXDirective(
                            path: path, name: name, arguments: arguments, line: startLine, column: startColumn,
                            block: nil))
                case "{" where name.hasSuffix("_by_lua_block"):
                    advance()
                    try skipLuaBlock(name: name)
                    result.append(
                        NGINXDirective(
                            path: path, name: name, arguments: arguments, line: startLine, column: startColumn,
                            block: []))
                case "{":
                    advance()
                    let inner = try directives(closing: true, depth: depth + 1)
                    result.append(
                        NGINXDirective(
                            path: path, name: name, arguments: arguments, line: startLine, column: startColumn,
                            block: inner))
                default:
                    throw FormatError("directive \"\(name)\" is not terminated by \";\"", line: line, column: column)
                }
            }
        }
    }
}
