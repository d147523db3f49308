/// An HAProxy configuration as sections of directives, with positions.
struct HAProxyConfig: Sendable {
    let sections: [HAProxySection]
}

struct HAProxySection: Sendable {
    /// `global`, `defaults`, `frontend`, `backend`, `listen`, or another section keyword.
    let kind: String
    let name: String?
    /// `from NAME`: the named defaults section it takes its defaults from.
    let defaultsName: String?
    let line: Int
    let directives: [HAProxyDirective]
}

struct HAProxyDirective: Sendable {
    let words: [HAProxyWord]
    let line: Int

    var keyword: String { words.first?.text ?? "" }
    var column: Int { words.first?.column ?? 1 }
    var arguments: ArraySlice<HAProxyWord> { words.dropFirst() }

    /// The word after `name` among the arguments (`crt /x.pem` → `/x.pem`).
    func value(after name: String) -> HAProxyWord? {
        let args = arguments
        guard let index = args.firstIndex(where: { $0.text == name }), index + 1 < args.endIndex else { return nil }
        return args[index + 1]
    }

    func has(_ word: String) -> Bool { arguments.contains { $0.text == word } }
}

/// A word of an HAProxy line.
typealias HAProxyWord = ConfigWord

/// Reads HAProxy's configuration grammar: one directive a line, words split on blanks, `"…"`
/// (with backslash escapes) and `'…'` quoting, backslash-escaped characters, `#` comments.
enum HAProxyParser {
    static let sectionKeywords: Set<String> = [
        "global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist",
        "mailers", "program", "http-errors", "ring", "cache", "crt-store", "traces", "log-forward",
        "fcgi-app", "acme", "dynamic-update",
    ]

    static func parse(_ text: String) throws(FormatError) -> HAProxyConfig {
        var sections: [HAProxySection] = []
        var current: (kind: String, name: String?, from: String?, line: Int, directives: [HAProxyDirective])?
        var lineNumber = 0
        for rawLine in text.textLines {
            lineNumber += 1
            let words = try splitWords(rawLine, line: lineNumber)
            guard let first = words.first else { continue }
            if sectionKeywords.contains(first.text) {
                if let open = current {
                    sections.append(
                        HAProxySection(
                            kind: open.kind, name: open.name, defaultsName: open.from, line: open.line,
                            directives: open.directives))
                }
                var from: String?
                if words.count >= 4, words[2].text == "from" { from = words[3].text }
                current = (first.text, words.count > 1 ? words[1].text : nil, from, lineNumber, [])
                continue
            }
            guard current != nil else {
                throw FormatError(
                    "'\(first.text)' stands outside any section; HAProxy expects 'global', 'defaults', 'frontend', 'backend' or 'listen' first",
                    line: lineNumber, column: first.column)
            }
            current!.directives.append(HAProxyDirective(words: words, line: lineNumber))
        }
        if let open = current {
            sections.append(
                HAProxySection(
                    kind: open.kind, name: open.name, defaultsName: open.from, line: open.line,
                    directives: open.directives))
        }
        return HAProxyConfig(sections: sections)
    }

    static func splitWords(_ line: Substring, line number: Int) throws(FormatError) -> [HAProxyWord] {
        try QuotedWords.haproxy.split(line, line: number)
    }
}
