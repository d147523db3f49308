/// The TLS versions of an HAProxy `bind … ssl`, decided as HAProxy 2.6 decides them (checked
/// against Debian's haproxy with `openssl s_client`, see TLSVersionOracleTests):
/// - `ssl-min-ver` and `ssl-max-ver` of the bind replace those of the global
///   `ssl-default-bind-options` one by one; `force-tlsvXX` sets both;
/// - once a bound is written anywhere, every `no-tlsvXX` is ignored (HAProxy warns so);
/// - otherwise HAProxy's own bounds, TLS 1.2 to 1.3, less the `no-tlsvXX` of both places;
/// - nothing written anywhere: nil, the versions are the HAProxy release's default.
/// OpenSSL 3 as Debian builds it has no SSLv3, so `SSLv3` as a lower bound means TLS 1.0.
struct HAProxyTLSVersions {
    private struct Words {
        var low: TLSVersion?
        var high: TLSVersion?
        var excluded: Set<TLSVersion> = []
        var written = false
    }

    private let global: Words

    init(global directives: [HAProxyDirective]) throws {
        var words = Words()
        for directive in directives where directive.keyword == "ssl-default-bind-options" {
            try Self.read(Array(directive.arguments), into: &words, line: directive.line)
        }
        global = words
    }

    func versions(of bind: HAProxyDirective) throws -> [TLSVersion]? {
        var own = Words()
        try Self.read(Array(bind.arguments), into: &own, line: bind.line)
        guard own.written || global.written else { return nil }
        let low = own.low ?? global.low
        let high = own.high ?? global.high
        let versions: [TLSVersion]
        if low != nil || high != nil {
            versions = TLSVersion.range(low ?? .tls12, high ?? .tls13)
        } else {
            versions = TLSVersion.range(.tls12, .tls13).filter {
                !own.excluded.contains($0) && !global.excluded.contains($0)
            }
        }
        guard !versions.isEmpty else {
            throw FormatError("all SSL/TLS versions are disabled for this bind", line: bind.line, column: bind.column)
        }
        return versions
    }

    private static let exclusions: [String: TLSVersion] = [
        "no-tlsv10": .tls10, "no-tlsv11": .tls11, "no-tlsv12": .tls12, "no-tlsv13": .tls13,
    ]
    private static let forced: [String: TLSVersion] = [
        "force-tlsv10": .tls10, "force-tlsv11": .tls11, "force-tlsv12": .tls12, "force-tlsv13": .tls13,
    ]

    private static func read(_ arguments: [HAProxyWord], into words: inout Words, line: Int) throws {
        for (offset, word) in arguments.enumerated() {
            switch word.text {
            case "ssl-min-ver", "ssl-max-ver":
                guard offset + 1 < arguments.count else {
                    throw FormatError("'\(word.text)' needs a version", line: line, column: word.column)
                }
                let value = arguments[offset + 1]
                if value.text == "SSLv3" && word.text == "ssl-max-ver" {
                    throw FormatError(
                        "'ssl-max-ver SSLv3' leaves no TLS version (OpenSSL 3 has no SSLv3)", line: line,
                        column: value.column)
                }
                let version = value.text == "SSLv3" ? TLSVersion.tls10 : TLSVersion(configurationName: value.text)
                guard let version, value.text != "TLSv1" else {
                    throw FormatError(
                        "'\(value.text)': unknown ssl/tls version (SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3)",
                        line: line, column: value.column)
                }
                if word.text == "ssl-min-ver" { words.low = version } else { words.high = version }
                words.written = true
            case let text where exclusions[text] != nil:
                words.excluded.insert(exclusions[text]!)
                words.written = true
            case let text where forced[text] != nil:
                words.low = forced[text]
                words.high = forced[text]
                words.written = true
            default: continue
            }
        }
    }
}
