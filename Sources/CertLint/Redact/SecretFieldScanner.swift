/// Finds the values of fields that carry private keys or their passphrases, as JSON, YAML, HCL
/// and `name=value` text write them: `"privateKey": "…"` (AS3), `key: …` (Avi), `tls.key: …`
/// (Kubernetes Secrets), `private_key = "…"` (Terraform), `"passphrase": {"ciphertext": "…"}`.
/// References and expressions (`file("key.pem")`, `var.key`, `!Ref Key`) are kept: they are
/// not secrets, and they say where the key comes from.
struct SecretFieldScanner {
    private let scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    /// Field names (lower case) whose values are key material, and what the marker calls them.
    static let fields: [String: String] = [
        "privatekey": "private key", "private_key": "private key", "private_key_pem": "private key",
        "privatekeypem": "private key", "key": "private key", "key_pem": "private key", "tls.key": "private key",
        "ssl_key": "private key", "sslkey": "private key", "keydata": "private key", "key_data": "private key",
        "passphrase": "passphrase", "key_passphrase": "passphrase", "keypassphrase": "passphrase",
        "ssl_key_passphrase": "passphrase", "password": "passphrase", "ciphertext": "passphrase",
    ]

    private static let lengths = Set(fields.keys.map(\.unicodeScalars.count))
    private static let initials = Set(fields.keys.compactMap(\.unicodeScalars.first))

    func spans() -> [Redactor.Span] {
        var spans: [Redactor.Span] = []
        var index = 0
        while index < scalars.count {
            guard Self.isName(scalars[index]), index == 0 || Self.isBoundary(scalars[index - 1]) else {
                index += 1
                continue
            }
            let nameStart = index
            while index < scalars.count, Self.isName(scalars[index]) { index += 1 }
            // Most words are not field names: look a name up only when its length and first letter fit one.
            guard Self.lengths.contains(index - nameStart),
                Self.initials.contains(scalars[nameStart].properties.lowercaseMapping.unicodeScalars.first!)
            else { continue }
            let name = String(String.UnicodeScalarView(scalars[nameStart..<index])).lowercased()
            guard let what = Self.fields[name], let value = valueRange(afterName: index) else { continue }
            if !value.isEmpty, !Redactor.isMarker(scalars, at: value.lowerBound), !isReference(value) {
                spans.append(Redactor.Span(range: value, marker: Redactor.marker(what, count: value.count)))
            }
            index = max(index, value.upperBound)
        }
        return spans
    }

    /// After a field name: an optional closing quote, `:` or `=`, and the value — the inside of a
    /// quoted string (to its end, or the end of the text when cut short) or a bare word to the end
    /// of the line or the next `,` `;` `}`. Nil when no value follows (`=>`, `==`, a nested
    /// object or list, a YAML block scalar).
    private func valueRange(afterName end: Int) -> Range<Int>? {
        var index = end
        if index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" { index += 1 }
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        guard index < scalars.count, scalars[index] == ":" || scalars[index] == "=" else { return nil }
        index += 1
        if index < scalars.count, scalars[index] == "=" || scalars[index] == ">" { return nil }
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        guard index < scalars.count else { return nil }
        let first = scalars[index]
        if first == "\"" || first == "'" {
            var close = index + 1
            while close < scalars.count, scalars[close] != first {
                close += scalars[close] == "\\" ? 2 : 1
            }
            return (index + 1)..<min(close, scalars.count)
        }
        if "{[|>".unicodeScalars.contains(first) { return nil }
        var close = index
        while close < scalars.count, !"\n\r,;}".unicodeScalars.contains(scalars[close]) { close += 1 }
        while close > index, scalars[close - 1] == " " || scalars[close - 1] == "\t" { close -= 1 }
        return index..<close
    }

    /// A bare value that names where a key comes from rather than holding it.
    private func isReference(_ range: Range<Int>) -> Bool {
        let text = String(String.UnicodeScalarView(scalars[range]))
        if text.contains("(") || text.hasPrefix("${") || text.hasPrefix("!") || text.hasPrefix("{{")
            || text.hasPrefix("$")
        {
            return true
        }
        if ["null", "true", "false", "~"].contains(text) { return true }
        let prefixes = ["var.", "local.", "module.", "data.", "each.", "self.", "path."]
        return prefixes.contains { text.hasPrefix($0) } && !text.contains(" ")
    }

    private static func isName(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            || scalar == "."
    }

    private static func isBoundary(_ scalar: Unicode.Scalar) -> Bool {
        " \t\n\r\"'{,[(-".unicodeScalars.contains(scalar)
    }
}
