/// Finds the bodies of PEM private-key blocks in a text: after `-----BEGIN … PRIVATE KEY-----`
/// to the matching END marker, or, when the block is cut short, to the end of what can be a PEM
/// body; and a body whose BEGIN line was cut off, back from its `-----END … PRIVATE KEY-----`.
/// The markers themselves stay: they say what was there.
struct PEMKeyScanner {
    private let scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private static let begin = Array("-----BEGIN ".unicodeScalars)
    private static let end = Array("-----END ".unicodeScalars)
    private static let dashes = Array("-----".unicodeScalars)

    func spans() -> [Redactor.Span] {
        var spans: [Redactor.Span] = []
        var offset = 0
        while let found = firstMarker(from: offset) {
            if found.isBegin {
                let (bodyEnd, upper) = blockEnd(label: found.label, from: found.upper)
                append(found.upper..<bodyEnd, to: &spans)
                offset = upper
            } else {
                var lower = found.lower
                while lower > 0 && Self.isBody(scalars[lower - 1]) { lower -= 1 }
                if let last = spans.last, lower < last.range.upperBound { lower = last.range.upperBound }
                append(lower..<found.lower, to: &spans)
                offset = found.upper
            }
        }
        return spans
    }

    /// A body span, unless it is only white space (a marker line shown alone).
    private func append(_ range: Range<Int>, to spans: inout [Redactor.Span]) {
        guard scalars[range].contains(where: { !$0.properties.isWhitespace }) else { return }
        spans.append(Redactor.Span(range: range, marker: Redactor.marker("private key", count: range.count)))
    }

    /// The next BEGIN or END marker whose label names a private key.
    private func firstMarker(from start: Int) -> (lower: Int, upper: Int, label: [Unicode.Scalar], isBegin: Bool)? {
        var index = start
        while index + Self.end.count < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "-" else { continue }
            let isBegin = matches(Self.begin, at: index)
            guard isBegin || matches(Self.end, at: index) else { continue }
            let labelStart = index + (isBegin ? Self.begin.count : Self.end.count)
            var labelEnd = labelStart
            while labelEnd < scalars.count, labelEnd - labelStart < 64, Self.isLabel(scalars[labelEnd]) {
                labelEnd += 1
            }
            let label = Array(scalars[labelStart..<labelEnd])
            guard String(String.UnicodeScalarView(label)).contains("PRIVATE KEY") else { continue }
            var upper = labelEnd
            if matches(Self.dashes, at: labelEnd) { upper += Self.dashes.count }
            return (index, upper, label, isBegin)
        }
        return nil
    }

    /// Where the body of a block that opened with `label` ends, and where its END marker ends:
    /// at its END marker when one follows the body, else where the body's characters stop.
    private func blockEnd(label: [Unicode.Scalar], from start: Int) -> (body: Int, block: Int) {
        var index = start
        while index < scalars.count {
            if scalars[index] == "-", matches(Self.end, at: index) {
                let after = index + Self.end.count
                if matches(label, at: after) {
                    let close = after + label.count
                    return (index, matches(Self.dashes, at: close) ? close + Self.dashes.count : close)
                }
            }
            guard Self.isBody(scalars[index]) else { return (index, index) }
            index += 1
        }
        return (index, index)
    }

    private func matches(_ pattern: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + pattern.count <= scalars.count else { return false }
        for (offset, scalar) in pattern.enumerated() where scalars[index + offset] != scalar { return false }
        return true
    }

    private static func isLabel(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == " "
    }

    /// What a PEM body may hold: base64, white space, the headers of legacy encrypted keys
    /// (`Proc-Type: 4,ENCRYPTED`), and the `\n` escapes of a key written inside a JSON string.
    static func isBody(_ scalar: Unicode.Scalar) -> Bool {
        Base64KeyScanner.isBase64(scalar) || scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
            || scalar == "\\" || scalar == ":" || scalar == "," || scalar == "-" || scalar == "."
    }
}
