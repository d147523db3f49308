import Foundation

/// One `certlint:ignore` directive: which rules, why, until when, and which lines it covers.
///
/// Comment form (YAML, HCL, HAProxy, NGINX, ns.conf), on the finding's line or the line above:
/// `# certlint:ignore CP002 reason="5263 kept for the migration" until=2027-03-01`.
/// JSON form, covering the object it stands in:
/// `"certlint:ignore": "CP002 reason=\"…\" until=2027-03-01"` (or a `"//"` key whose value starts
/// with `certlint:ignore`).
struct SuppressionDirective: Sendable, Hashable, Codable {
    let rules: [String]
    let reason: String?
    let until: String?
    let location: SourceLocation
    let lines: ClosedRange<Int>
    /// What is wrong with the directive's own text, if anything.
    let problems: [String]

    static let marker = "certlint:ignore"

    /// Directives in a text, from `#` and `//` comments, or from JSON properties for `.json` files.
    static func find(in text: String, path: String) -> [SuppressionDirective] {
        guard text.contains(marker) else { return [] }
        if path.lowercased().hasSuffix(".json") { return findInJSON(text, path: path) }
        var found: [SuppressionDirective] = []
        for (index, line) in text.textLines.enumerated() where line.contains(marker) {
            guard let range = line.range(of: marker) else { continue }
            let before = line[..<range.lowerBound]
            // Only inside a comment: a `#` or `//` earlier on the line.
            guard
                let comment = [before.range(of: "#"), before.range(of: "//")].compactMap({ $0 }).min(by: {
                    $0.lowerBound < $1.lowerBound
                })
            else { continue }
            let column = line.distance(from: line.startIndex, to: comment.lowerBound) + 1
            let location = SourceLocation(path: path, line: index + 1, column: column)
            found.append(parse(String(line[range.upperBound...]), location: location, lines: (index + 1)...(index + 2)))
        }
        return found
    }

    static func findInJSON(_ text: String, path: String) -> [SuppressionDirective] {
        guard let documents = try? YAMLParser().parse(text) else { return [] }
        var found: [SuppressionDirective] = []
        for (node, pairs) in YAMLMappings(under: documents) {
            for pair in pairs {
                for value in pair.value.sequence ?? [pair.value] {
                    guard let text = value.scalar else { continue }
                    var body: Substring
                    if pair.key.scalar == marker {
                        body = Substring(text)
                    } else if pair.key.scalar == "//", text.hasPrefix(marker) {
                        body = text.dropFirst(marker.count)
                    } else {
                        continue
                    }
                    let location = SourceLocation(path: path, line: pair.key.start.line, column: pair.key.start.column)
                    found.append(
                        parse(
                            String(body), location: location,
                            lines: node.start.line...max(node.end.line, node.start.line)))
                }
            }
        }
        return found.sorted { $0.location < $1.location }
    }

    /// `CP002,CP004 reason="…" until=2027-03-01`
    static func parse(_ text: String, location: SourceLocation, lines: ClosedRange<Int>) -> SuppressionDirective {
        var rules: [String] = []
        var reason: String?
        var until: String?
        var problems: [String] = []
        var rest = Substring(text)
        func skipBlanks() { rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," } }
        skipBlanks()
        while let first = rest.first, first != "\"" {
            let word = rest.prefix { $0 != " " && $0 != "\t" && $0 != "," && $0 != "=" }
            if word.isEmpty { break }
            let after = rest.dropFirst(word.count)
            if after.first == "=" {
                let key = String(word)
                var value: Substring = after.dropFirst()
                var parsed: String
                if let quote = value.first, quote == "\"" || quote == "'" {
                    value = value.dropFirst()
                    guard let close = value.firstIndex(of: quote) else {
                        problems.append("the \(key)= value has no closing \(quote)")
                        break
                    }
                    parsed = String(value[..<close])
                    rest = value[value.index(after: close)...]
                } else {
                    let token = value.prefix { $0 != " " && $0 != "\t" && $0 != "," }
                    parsed = String(token)
                    rest = value.dropFirst(token.count)
                }
                switch key {
                case "reason": reason = parsed
                case "until": until = parsed
                default: problems.append("unknown setting '\(key)=' (expected reason= and until=)")
                }
            } else {
                let candidate = String(word)
                if candidate.hasPrefix("-->") || candidate.hasPrefix("*/") { break }  // end of an HTML or C comment
                rules.append(candidate.uppercased())
                rest = after
            }
            skipBlanks()
        }
        return SuppressionDirective(
            rules: rules, reason: reason, until: until, location: location, lines: lines, problems: problems)
    }
}
