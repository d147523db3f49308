import Foundation
import Testing

@testable import CertLint

/// The redaction step on its own: each shape of key material, what it must leave alone, and
/// snippets cut around their column.
@Suite struct RedactorTests {
    static let keys = Result { try KeyMaterial() }

    @Test func pemKeysInEveryShape() throws {
        let key = try Self.keys.get()["sec1-ec"]
        let lines = key.pem.split(separator: "\n")
        let oneLine = lines.joined(separator: " ")
        #expect(
            Redactor.redact(oneLine)
                == "\(lines.first!)[private key redacted, \(oneLine.count - lines.first!.count - lines.last!.count) bytes]\(lines.last!)"
        )
        let multiLine = Redactor.redact("before\n" + key.pem + "after")
        #expect(multiLine.hasPrefix("before\n-----BEGIN EC PRIVATE KEY-----[private key redacted, "))
        #expect(multiLine.hasSuffix("bytes]-----END EC PRIVATE KEY-----\nafter"))
        let json = "{\"k\": \"" + key.pem.replacingOccurrences(of: "\n", with: "\\n") + "\"}"
        #expect(Redactor.redact(json).hasPrefix("{\"k\": \"-----BEGIN EC PRIVATE KEY-----[private key redacted, "))
        #expect(Redactor.redact(json).hasSuffix("bytes]-----END EC PRIVATE KEY-----\\n\"}"))
        // Cut short at the end, and at the start (only the END marker is left).
        #expect(
            Redactor.redact(String(oneLine.prefix(80)))
                == "-----BEGIN EC PRIVATE KEY-----[private key redacted, 50 bytes]")
        #expect(
            Redactor.redact("x" + oneLine.suffix(60)) == "[private key redacted, 33 bytes]-----END EC PRIVATE KEY-----")
        #expect(Redactor.redact("-----BEGIN PRIVATE KEY-----") == "-----BEGIN PRIVATE KEY-----")
    }

    @Test func base64OfKeysWithoutMarkers() throws {
        let keys = try Self.keys.get()
        let der = keys["pkcs8-rsa"].body
        #expect(
            Redactor.redact("blob \(der) end")
                == "blob [private key redacted, \(Redactor.grouped(der.count)) bytes] end")
        let sec1 = keys["sec1-ec"].body
        #expect(Redactor.redact(sec1) == "[private key redacted, \(sec1.count) bytes]")
        let cut = String(der.prefix(120))
        #expect(Redactor.redact(cut) == "[private key redacted, 120 bytes]")
        let ofPEM = Data(keys["ed25519"].pem.utf8).base64EncodedString()
        #expect(
            Redactor.redact("tls.crt " + ofPEM)
                == "tls.crt [private key redacted, \(Redactor.grouped(ofPEM.count)) bytes]")
        #expect(
            Redactor.redact(keys["openssh"].body)
                == "[private key redacted, \(Redactor.grouped(keys["openssh"].body.count)) bytes]")
    }

    @Test func fieldsThatCarryKeysOrPassphrases() {
        #expect(
            Redactor.redact(#""privateKey": "abc", "x": 1"#)
                == #""privateKey": "[private key redacted, 3 bytes]", "x": 1"#)
        #expect(Redactor.redact("  tls.key: c2VjcmV0") == "  tls.key: [private key redacted, 8 bytes]")
        #expect(Redactor.redact("passphrase = \"hunter2\"") == "passphrase = \"[passphrase redacted, 7 bytes]\"")
        #expect(
            Redactor.redact(#"{"ciphertext": "ZjVmZg==", "protected": "e30="}"#)
                == #"{"ciphertext": "[passphrase redacted, 8 bytes]", "protected": "e30="}"#)
        // References say where a key comes from; they stay.
        #expect(Redactor.redact("private_key = file(\"key.pem\")") == "private_key = file(\"key.pem\")")
        #expect(Redactor.redact("private_key = var.key") == "private_key = var.key")
        #expect(Redactor.redact("key: !Ref KeyParameter") == "key: !Ref KeyParameter")
        #expect(Redactor.redact("  key: \"{{ vault_key }}\"") == "  key: \"{{ vault_key }}\"")
    }

    @Test func leavesOrdinaryTextAndCertificatesAlone() throws {
        let certificate = Fixtures.certificate("ca")
        #expect(Redactor.redact(certificate) == certificate)
        let body = certificate.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        #expect(Redactor.redact(body) == body)
        let message = "secrets/tls.key holds an unencrypted private key (PRIVATE KEY); remove it from the repository"
        #expect(Redactor.redact(message) == message)
        let once = Redactor.redact("privateKey: \"abc\" " + (try Self.keys.get()["sec1-ec"].pem))
        #expect(Redactor.redact(once) == once)
    }

    @Test func snippetsAreCutAroundTheirColumn() {
        let line = String(repeating: "a", count: 300) + "X" + String(repeating: "b", count: 300)
        let snippet = Redactor.snippet(line, column: 301)
        #expect(snippet.text.count == Redactor.snippetLimit + 2)
        #expect(snippet.text.hasPrefix("…") && snippet.text.hasSuffix("…"))
        #expect(Array(snippet.text.unicodeScalars)[snippet.column - 1] == "X")
        let short = Redactor.snippet("bind :443 ssl crt a.pem", column: 6)
        #expect(short.text == "bind :443 ssl crt a.pem" && short.column == 6)
        let shifted = Redactor.snippet("\"privateKey\": \"abcdefghij\", \"port\": 5262", column: 37)
        #expect(shifted.text == "\"privateKey\": \"[private key redacted, 10 bytes]\", \"port\": 5262")
        #expect(Array(shifted.text.unicodeScalars)[shifted.column - 1] == "5")
    }

    @Test func keyBodyLinesOfAFileAreHidden() throws {
        let key = try Self.keys.get()["pkcs8-rsa"].pem
        let lines =
            ("data:\n  tls.key: |\n" + key.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
            + "\nkind: Secret")
            .split(separator: "\n").map(String.init)
        let hidden = Redactor.keyBodiesHidden(lines)
        #expect(hidden[2] == "    -----BEGIN PRIVATE KEY-----")
        #expect(hidden[3] == "[private key redacted, 68 bytes]")
        #expect(hidden[hidden.count - 2] == "    -----END PRIVATE KEY-----")
        #expect(hidden.last == "kind: Secret")
        #expect(hidden.filter { $0.hasPrefix("[private key redacted") }.count == lines.count - 5)
    }
}
