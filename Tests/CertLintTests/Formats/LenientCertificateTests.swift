import Foundation
import SwiftASN1
import Testing
import X509

@testable import CertLint

/// Certificates OpenSSL reads and swift-certificates refuses (RFC 5280 asks parsers to accept
/// them): certlint reads them as OpenSSL does and says the chain check could not run.
@Suite struct LenientCertificateTests {
    static var opensslPresent: Bool { FileManager.default.fileExists(atPath: "/usr/bin/openssl") }

    @Test(.enabled(if: opensslPresent)) func negativeSerialNumberFromOpenSSL() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-negative-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let made = try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                folder.appendingPathComponent("key").path,
                "-out", folder.appendingPathComponent("neg.pem").path, "-subj", "/CN=negative.example.com",
                "-set_serial", "-5", "-days", "30",
            ])
        try #require(made.status == 0, "openssl: \(made.error)")
        let pem = try String(contentsOf: folder.appendingPathComponent("neg.pem"), encoding: .utf8)
        #expect(
            try run(
                "/usr/bin/openssl", ["x509", "-in", folder.appendingPathComponent("neg.pem").path, "-noout", "-serial"]
            ).output == "serial=-05\n")
        #expect(throws: (any Error).self) { try Certificate(pemEncoded: pem) }

        let file = try CertificateReader.readPEM(path: "neg.pem", text: pem)
        #expect(file.certificates.map(\.commonName) == ["negative.example.com"])
        #expect(file.certificates.map(\.readLeniently) == [["a negative serial number"]])

        let result = try await FixtureRepository(files: ["certs/neg.pem": pem]).scan()
        #expect(result.brief == [])
    }

    @Test func issuerAndSubjectUniqueIDs() throws {
        let issued = try TestPKI.selfSigned(["unique.example.com"])
        let der = try withUniqueIDs(issued.certificate)
        let pem = PEMDocument(type: "CERTIFICATE", derBytes: der).pemString
        #expect(throws: (any Error).self) { try Certificate(derEncoded: der) }
        if Self.opensslPresent {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "certlint-unique-\(UUID().uuidString).pem")
            try Data(pem.utf8).write(to: folder)
            defer { try? FileManager.default.removeItem(at: folder) }
            let text = try run("/usr/bin/openssl", ["x509", "-in", folder.path, "-noout", "-text"])
            #expect(
                text.status == 0 && text.output.contains("Issuer Unique ID")
                    && text.output.contains("Subject Unique ID"), "openssl: \(text.error)")
        }
        let file = try CertificateReader.readPEM(path: "unique.pem", text: pem)
        #expect(file.certificates.map(\.dnsNames) == [["unique.example.com"]])
        #expect(file.certificates.map(\.readLeniently) == [["an issuer unique ID", "a subject unique ID"]])
        // The identity is the certificate's own DER, not what was read.
        #expect(
            file.certificates.first?.sha256
                == CertificateInfo(certificate: issued.certificate, der: der, location: .file("x")).sha256)
    }

    /// zlint's test certificates (in the RealWorld corpus) that swift-certificates refuses.
    static func zlint(_ name: String) throws -> CertificateInfo {
        let url = Fixtures.testsDirectory.appendingPathComponent(
            "RealWorld/valid/certificates/zmap+zlint/v3/testdata/\(name).pem")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        return try #require(try CertificateReader.readPEM(path: "\(name).pem", text: text).certificates.first)
    }

    @Test func unsupportedSignatureAlgorithmsAreJudgedByTheirOID() throws {
        let md5 = try Self.zlint("md5WithRSASignatureAlgorithm")
        #expect(md5.unsupportedSignatureOID == "1.2.840.113549.1.1.4")
        #expect(CertificateHealthRule.weaknesses(md5) == ["MD5 or MD2 signature"])
        let pss = try Self.zlint("rsassapssWithSHA256")
        #expect(
            pss.readLeniently == [
                "the signature algorithm 1.2.840.113549.1.1.10, which swift-certificates does not support"
            ])
        #expect(CertificateHealthRule.weaknesses(pss) == [])
    }

    @Test func aKeySwiftCryptoRefusesIsMeasuredFromItsDER() throws {
        // openssl x509 -text: "Public-Key: (15 bit)", modulus 23456.
        let even = try Self.zlint("evenRsaMod")
        #expect(even.keyUnknown)
        #expect(even.readLeniently == ["a public key swift-certificates cannot read"])
        #expect(even.unloadedRSAKeyBits == 15)
        #expect(CertificateHealthRule.weaknesses(even) == ["RSA key of 15 bits (minimum 2048)"])
    }

    @Test func derStrictnessIsRewritten() throws {
        let utc = try Self.zlint("utcNoSeconds").readLeniently
        #expect(
            utc == [
                "a validity time not in DER form", "a public key swift-certificates cannot read", "an issuer unique ID",
                "a subject unique ID",
                "the signature algorithm 1.2.840.113549.1.1.4, which swift-certificates does not support",
            ])
        #expect(try Self.zlint("caOrgNameEmpty").readLeniently == ["a name whose SET OF is not in DER order"])
        let version1 = try Self.zlint("certVersion1NoExtensions").readLeniently
        #expect(
            version1 == [
                "version 1 written out (DER leaves a DEFAULT value out)", "a public key swift-certificates cannot read",
            ])
        // A key swift-crypto will not load is still measured from its DER.
        let version1Key = try Self.zlint("certVersion1NoExtensions")
        #expect(version1Key.unloadedRSAKeyBits.map { $0 < 2048 } == true)
        // openssl x509 -text: "Public-Key: (1024 bit)", sha1WithRSAEncryption.
        #expect(
            CertificateHealthRule.weaknesses(version1Key) == ["RSA key of 1024 bits (minimum 2048)", "SHA-1 signature"])
        #expect(
            try Self.zlint("extSANDuplicated").readLeniently == ["an extension that appears twice (the first is read)"])
    }

    /// swift-crypto double-frees an RSA key BoringSSL refuses: such a key must never reach it.
    @Test func rsaKeysBoringSSLRefusesNeverReachSwiftCrypto() throws {
        let der = { (name: String) throws -> [UInt8] in
            let url = Fixtures.testsDirectory.appendingPathComponent(
                "RealWorld/valid/certificates/zmap+zlint/v3/testdata/\(name).pem")
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            let body = text.components(separatedBy: "-----BEGIN CERTIFICATE-----")[1].components(
                separatedBy: "-----END CERTIFICATE-----")[0]
            return [UInt8](try #require(Data(base64Encoded: body.split(whereSeparator: \.isNewline).joined())))
        }
        #expect(RSAKeyGuard.certificateHasRefusedKey(try der("evenRsaMod")))
        #expect(!RSAKeyGuard.certificateHasRefusedKey(try der("certVersion1NoExtensions")))
        // modulus 0x5ba0 (even), exponent 65537; an odd 2048-bit modulus with exponent 1, 2, 65537.
        #expect(RSAKeyGuard.refuses(rsaPublicKey: [0x30, 0x09, 0x02, 0x02, 0x5B, 0xA0, 0x02, 0x03, 0x01, 0x00, 0x01]))
        let modulus: [UInt8] = [0x00] + [0xC1] + Array(repeating: 0x55, count: 254) + [0x01]
        func key(_ exponent: [UInt8]) -> [UInt8] {
            let body: [UInt8] = [0x02, 0x82, 0x01, 0x01] + modulus + [0x02, UInt8(exponent.count)] + exponent
            return [0x30, 0x82, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        }
        #expect(!RSAKeyGuard.refuses(rsaPublicKey: key([0x01, 0x00, 0x01])))
        #expect(RSAKeyGuard.refuses(rsaPublicKey: key([0x01])))
        #expect(RSAKeyGuard.refuses(rsaPublicKey: key([0x02])))
        #expect(RSAKeyGuard.refuses(rsaPublicKey: key([0x01, 0x00, 0x00, 0x00, 0x00, 0x01])))
    }

    @Test func otherBrokenDERStaysAFormatError() {
        #expect(throws: FormatError.self) {
            try CertificateReader.readDER(path: "x.der", bytes: [0x30, 0x03, 0x02, 0x01, 0x80])
        }
    }

    /// The certificate with `[1]` and `[2]` unique IDs after its public key (version 3 allows them).
    private func withUniqueIDs(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let root = try DER.parse(serializer.serializedBytes)
        guard case .constructed(let parts) = root.content, case .constructed(let tbsParts) = Array(parts)[0].content
        else { throw ASN1Error.invalidASN1Object(reason: "not a certificate") }
        let outer = Array(parts)
        var fields = Array(tbsParts).map(\.encodedBytes)
        // version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, then [1], [2].
        fields.insert(contentsOf: [[0x81, 0x02, 0x00, 0x2A][...], [0x82, 0x02, 0x00, 0x2B][...]], at: 7)
        var rebuilt = DER.Serializer()
        rebuilt.appendConstructedNode(identifier: .sequence) { certificate in
            certificate.appendConstructedNode(identifier: .sequence) { tbs in
                for field in fields { tbs.serializeRawBytes(field) }
            }
            certificate.serializeRawBytes(outer[1].encodedBytes)
            certificate.serializeRawBytes(outer[2].encodedBytes)
        }
        return rebuilt.serializedBytes
    }
}
