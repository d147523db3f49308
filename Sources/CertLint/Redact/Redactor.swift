import Foundation

/// Keeps key material out of everything certlint prints. Every message, snippet, note and
/// related location passes through `redact(_:)` when it is made (`Finding`, `ScanNote`,
/// `RelatedLocation`), and the other outputs (baselines, the proxy's report, error messages)
/// call it before they are written.
///
/// What is replaced by a marker such as `[private key redacted, 1,704 bytes]`:
/// - PEM private-key blocks (any label with `PRIVATE KEY`), multi-line, one-line, with escaped
///   line breaks (`\n` inside a JSON string), complete or cut short at either end;
/// - base64 runs that decode to a private key (DER in PKCS#1, PKCS#8, SEC1 or encrypted
///   PKCS#8 shape, an OpenSSH key, or PEM text holding one);
/// - values of fields that carry keys and their secrets (`privateKey`, `private_key`, `key`,
///   `tls.key`, `passphrase`, `ciphertext`, …) in JSON, YAML, HCL and `key=value` text.
package enum Redactor {
    /// Longest snippet, in characters, that outputs carry; longer lines are cut around the column.
    static let snippetLimit = 200

    /// The text with every piece of key material replaced by a marker.
    package static func redact(_ text: String) -> String {
        let spans = secretSpans(in: text)
        guard !spans.isEmpty else { return text }
        return apply(spans, to: text).text
    }

    /// A finding's snippet: the line redacted, then cut to `snippetLimit` characters around
    /// `column` (Unicode scalars, 1-based). Returns the snippet and the finding's column in it.
    static func snippet(_ line: String, column: Int) -> (text: String, column: Int) {
        let redacted = apply(secretSpans(in: line), to: line, column: column)
        let scalars = Array(redacted.text.unicodeScalars)
        guard scalars.count > snippetLimit else { return redacted }
        let target = min(max(redacted.column - 1, 0), scalars.count)
        let start = max(0, min(target - snippetLimit / 3, scalars.count - snippetLimit))
        let end = min(scalars.count, start + snippetLimit)
        var text = String(String.UnicodeScalarView(scalars[start..<end]))
        var column = target - start + 1
        if start > 0 {
            text = "…" + text
            column += 1
        }
        if end < scalars.count { text += "…" }
        return (text, column)
    }

    // MARK: - Applying spans

    /// A range of Unicode scalar offsets to replace, and its replacement.
    struct Span: Equatable {
        var range: Range<Int>
        var marker: String
    }

    private static func apply(_ spans: [Span], to text: String, column: Int = 1) -> (text: String, column: Int) {
        guard !spans.isEmpty else { return (text, column) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var position = 0
        var newColumn = column
        for span in spans {
            out.append(contentsOf: scalars[position..<span.range.lowerBound])
            out.append(contentsOf: span.marker.unicodeScalars)
            if column - 1 >= span.range.upperBound {
                newColumn -= span.range.count - span.marker.unicodeScalars.count
            } else if column - 1 >= span.range.lowerBound {
                newColumn = span.range.lowerBound + 1
            }
            position = span.range.upperBound
        }
        out.append(contentsOf: scalars[position...])
        return (String(out), max(newColumn, 1))
    }

    /// Every span to redact, sorted and not overlapping.
    static func secretSpans(in text: String) -> [Span] {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 8 else { return [] }
        var spans = PEMKeyScanner(scalars).spans()
        spans += SecretFieldScanner(scalars).spans()
        spans += Base64KeyScanner(scalars).spans()
        return merged(spans)
    }

    private static func merged(_ spans: [Span]) -> [Span] {
        var result: [Span] = []
        for span in spans.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            if let last = result.last, span.range.lowerBound < last.range.upperBound {
                let upper = max(last.range.upperBound, span.range.upperBound)
                let range = last.range.lowerBound..<upper
                let marker = last.marker.hasPrefix("[private key") ? last.marker : span.marker
                result[result.count - 1] = Span(range: range, marker: rewordedMarker(marker, count: range.count))
            } else {
                result.append(span)
            }
        }
        return result
    }

    static func marker(_ what: String, count: Int) -> String {
        "[\(what) redacted, \(grouped(count)) \(count == 1 ? "byte" : "bytes")]"
    }

    private static func rewordedMarker(_ marker: String, count: Int) -> String {
        let what =
            marker.hasPrefix("[private key") ? "private key" : marker.hasPrefix("[passphrase") ? "passphrase" : "secret"
        return self.marker(what, count: count)
    }

    /// `1,704`.
    static func grouped(_ number: Int) -> String {
        let digits = String(number)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    /// Whether a marker this type writes starts at `offset` (so redacting twice changes nothing).
    static func isMarker(_ scalars: [Unicode.Scalar], at offset: Int) -> Bool {
        guard offset < scalars.count, scalars[offset] == "[" else { return false }
        let end = min(scalars.count, offset + 14)
        let head = String(String.UnicodeScalarView(scalars[offset..<end]))
        return head.hasPrefix("[private key r") || head.hasPrefix("[passphrase re") || head.hasPrefix("[secret redact")
    }
}

extension Redactor {
    /// The lines of a file with the body lines of every PEM private key replaced by a marker
    /// (the BEGIN and END lines are redacted like any text when they are shown).
    static func keyBodiesHidden(_ lines: [String]) -> [String] {
        guard lines.contains(where: { $0.contains("PRIVATE KEY") }) else { return lines }
        var result = lines
        var inKey = false
        for (number, line) in lines.enumerated() {
            if line.contains("-----BEGIN "), line.contains("PRIVATE KEY") {
                inKey = !line.contains("-----END ")
                continue
            }
            guard inKey else { continue }
            if line.contains("-----END ") {
                inKey = false
                continue
            }
            let scalars = Array(line.unicodeScalars)
            let bodyCount = scalars.prefix { PEMKeyScanner.isBody($0) }.count
            if bodyCount < scalars.count {
                // The key's string ends on this line (`…AB==",`): hide its start, keep the rest.
                inKey = false
                let rest = String(String.UnicodeScalarView(scalars[bodyCount...]))
                result[number] = bodyCount == 0 ? line : marker("private key", count: bodyCount) + rest
            } else {
                result[number] = marker("private key", count: scalars.count)
            }
        }
        return result
    }
}
