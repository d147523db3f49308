import Foundation
import Testing

@testable import CertLint

/// File names and contents with terminal control sequences: text and GitHub output show them as
/// escapes; SARIF and JSON carry them JSON-escaped, JUnit XML-escaped or dropped. No raw control
/// byte of the input reaches any output.
@Suite struct TerminalSafetyTests {
    static let escape = "\u{1B}"
    static let hostileName = "certs/\u{1B}]0;pwned\u{07}\u{1B}[2Jkey.pem"

    static func repository() throws -> FixtureRepository {
        let haproxy = GoodDeployment.haproxy
            .replacing("    http-request set-header RemotePort %[src_port]\n", with: "")
            .replacing(
                "frontend access_https\n", with: "frontend access_https # \u{1B}[31mred\u{9B}2J\u{7F}\u{202E}txt.exe\n")
        return try GoodDeployment.repository(
            haproxy: haproxy, extra: [hostileName: Fixtures.certificate("example-key")])
    }

    @Test func everyFormatKeepsControlCharactersInert() async throws {
        let repository = try Self.repository()
        let result = try await repository.scan()
        #expect(Set(result.brief) == ["CP023 \(Self.hostileName):1:1", "CP008 lb/haproxy.cfg:8:1"])
        for format in OutputFormat.allCases {
            let text = format.render(result)
            let raw = text.unicodeScalars.filter { scalar in
                (scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r")
                    || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{202E}"
            }
            #expect(
                raw.isEmpty,
                "\(format.rawValue) carries raw control characters: \(raw.map { String($0.value, radix: 16) })")
        }
        let text = OutputFormat.text.render(result)
        #expect(
            text.contains(
                "certs/\\x1b]0;pwned\\x07\\x1b[2Jkey.pem:1:1: error: certs/\\x1b]0;pwned\\x07\\x1b[2Jkey.pem holds an unencrypted private key"
            ))
        #expect(text.contains("    frontend access_https # \\x1b[31mred\\u{9b}2J\\x7f\\u{202e}txt.exe\n    ^\n"))
        let github = OutputFormat.github.render(result)
        #expect(
            github.contains(
                "::error file=certs/\\x1b]0;pwned\\x07\\x1b[2Jkey.pem,line=1,col=1,title=CP023 private-key-committed::")
        )
        let json = OutputFormat.json.render(result)
        #expect(
            json.contains("\"path\" : \"certs\\/\\u001b]0;pwned\\u0007\\u001b[2Jkey.pem\"")
                || json.contains("\"path\" : \"certs/\\u001b]0;pwned\\u0007\\u001b[2Jkey.pem\""))
    }

    @Test func colourCodesAreCertlintsOwnOnly() async throws {
        let repository = try Self.repository()
        let result = try await repository.scan()
        let coloured = TextReporter.render(result, colour: true)
        // Every escape opens one of the reporter's own SGR sequences.
        let pieces = coloured.components(separatedBy: Self.escape).dropFirst()
        #expect(!pieces.isEmpty)
        let own = ["[0m", "[1m", "[1;31m", "[1;33m", "[1;36m"]
        #expect(pieces.allSatisfy { piece in own.contains { piece.hasPrefix($0) } })
    }
}
