import Foundation
import Testing

@testable import CertLint

@Suite struct CertificateReaderTests {
    @Test func readsChainsAndKeysWithTheirLines() throws {
        let text =
            "subject: leaf\n" + Fixtures.certificate("san-disjoint-chain") + Fixtures.certificate("example-key")
            + Fixtures.certificate("example-key-encrypted")
        let file = try CertificateReader.readPEM(path: "bundle.pem", text: text)
        #expect(file.certificates.map(\.location.line) == [2, 23])
        #expect(file.leaf?.dnsNames == ["access.example.com", "wsa1.example.dmz", "wsa2.example.dmz"])
        #expect(file.leaf?.commonName == "access.example.com")
        #expect(file.certificates[1].commonName == "certlint Test Root CA")
        #expect(file.privateKeys.map(\.encrypted) == [false, true])
        #expect(file.privateKeys.map(\.label) == ["PRIVATE KEY", "ENCRYPTED PRIVATE KEY"])
    }

    @Test func legacyEncryptedAndOpenSSHKeys() {
        #expect(
            CertificateReader.isEncrypted(
                label: "RSA PRIVATE KEY", headers: ["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,00"], body: ""))
        #expect(!CertificateReader.isEncrypted(label: "RSA PRIVATE KEY", headers: [], body: ""))
        // "openssh-key-v1\0" + length-prefixed cipher name "none"
        let plain = Data("openssh-key-v1\0".utf8 + [0, 0, 0, 4] + Array("none".utf8) + [0, 0, 0, 0])
            .base64EncodedString()
        let aes = Data("openssh-key-v1\0".utf8 + [0, 0, 0, 10] + Array("aes256-ctr".utf8) + [0, 0, 0, 0])
            .base64EncodedString()
        #expect(!CertificateReader.isEncrypted(label: "OPENSSH PRIVATE KEY", headers: [], body: plain))
        #expect(CertificateReader.isEncrypted(label: "OPENSSH PRIVATE KEY", headers: [], body: aes))
    }

    @Test func brokenBlocksAreFormatErrors() {
        let certificate = Fixtures.certificate("wildcard")
        let unterminated = certificate.replacingOccurrences(of: "-----END CERTIFICATE-----", with: "")
        #expect(
            throws: FormatError("PEM block \"CERTIFICATE\" has no matching -----END CERTIFICATE----- line", line: 1)
        ) {
            try CertificateReader.readPEM(path: "x.pem", text: unterminated)
        }
        let lines = certificate.split(separator: "\n")
        let truncated = ([lines[0], lines[1], lines[2]] + [lines.last!]).joined(separator: "\n")
        #expect(throws: FormatError.self) { try CertificateReader.readPEM(path: "x.pem", text: truncated) }
        #expect(throws: FormatError("PEM block \"CERTIFICATE\" is not valid base64", line: 1)) {
            try CertificateReader.readPEM(
                path: "x.pem", text: "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
        }
    }

    @Test func readsDER() throws {
        let pem = try CertificateReader.readPEM(path: "a.pem", text: Fixtures.certificate("wildcard"))
        let bytes = try [UInt8](Data(contentsOf: Fixtures.certificates.appendingPathComponent("wildcard.der")))
        let file = try CertificateReader.readDER(path: "a.der", bytes: bytes)
        #expect(file.leaf?.sha256 == pem.leaf?.sha256)
        #expect(throws: FormatError.self) {
            try CertificateReader.readDER(path: "b.der", bytes: [0x30, 0x03, 0x02, 0x01])
        }
    }

    @Test func weakKeysAreNotParseErrors() throws {
        // RSA 1024 (swift-crypto refuses such keys): recorded as unusable, not thrown.
        let file = try CertificateReader.readPEM(path: "weak.pem", text: Fixtures.certificate("weak-rsa1024"))
        #expect(file.certificates.isEmpty)
        #expect(file.unusable.map(\.reason) == ["RSA key under 2048 bits"])
    }
}
