import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate made for a test, with its key, as PEM.
struct IssuedTestCertificate: Sendable {
    let certificate: Certificate
    let keyPEM: String
    /// The leaf followed by its issuer when a CA signed it.
    let chainPEM: String
    var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
}

/// A test CA and the certificates it issues (P-256, swift-certificates), generated per test run.
struct TestPKI: Sendable {
    let caCertificate: Certificate
    private let caKeyPEM: String
    private var caKey: P256.Signing.PrivateKey { try! P256.Signing.PrivateKey(pemRepresentation: caKeyPEM) }
    var caPEM: String { (try? caCertificate.serializeAsPEM().pemString) ?? "" }

    init(name: String = "certlint test CA") throws {
        let caKey = P256.Signing.PrivateKey()
        caKeyPEM = caKey.pemRepresentation
        let subject = try DistinguishedName { CommonName(name) }
        let now = Date()
        caCertificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(3_650 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
    }

    /// A server certificate for `names` (the first is also the CN), issued by the CA.
    func issue(_ names: [String], validDays: Double = 365) throws -> IssuedTestCertificate {
        let key = P256.Signing.PrivateKey()
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400 * 2),
            notValidAfter: now.addingTimeInterval(validDays * 86_400),
            issuer: caCertificate.subject, subject: try DistinguishedName { CommonName(names[0]) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Self.serverExtensions(names),
            issuerPrivateKey: .init(caKey))
        let chain = try certificate.serializeAsPEM().pemString + "\n" + caCertificate.serializeAsPEM().pemString + "\n"
        return IssuedTestCertificate(certificate: certificate, keyPEM: key.pemRepresentation, chainPEM: chain)
    }

    /// A self-signed certificate, like the Access service's own on the nodes.
    static func selfSigned(_ names: [String]) throws -> IssuedTestCertificate {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(names[0]) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try serverExtensions(names), issuerPrivateKey: .init(key))
        return IssuedTestCertificate(
            certificate: certificate, keyPEM: key.pemRepresentation,
            chainPEM: try certificate.serializeAsPEM().pemString + "\n")
    }

    private static func serverExtensions(_ names: [String]) throws -> Certificate.Extensions {
        try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            SubjectAlternativeNames(names.map { .dnsName($0) })
            try ExtendedKeyUsage([.serverAuth])
        }
    }
}
