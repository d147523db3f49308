import Crypto
import Foundation
import X509
import _CryptoExtras

/// One X.509 certificate read from a file, with the names the matrix cares about.
package struct CertificateInfo: Sendable, Hashable {
    let certificate: Certificate
    /// SHA-256 of the DER encoding, lower-case hex: the identity used to compare certificates.
    package let sha256: String
    /// Where its PEM block starts (line 1 for DER files).
    let location: SourceLocation
    let dnsNames: [String]
    let commonName: String?
    /// What swift-certificates refused and certlint read as OpenSSL does (`a negative serial
    /// number`); its signature cannot be checked.
    var readLeniently: [String] = []
    /// Read leniently with a key swift-certificates could not read: its strength is unknown.
    var keyUnknown = false
    /// The signature algorithm as written, when it is one swift-certificates does not support.
    var unsupportedSignatureOID: String?
    /// The size of an RSA key that could not be loaded, read from its DER.
    var unloadedRSAKeyBits: Int?

    /// The RSA key's size: loaded, or read from the DER when swift-certificates could not load it;
    /// nil for another kind of key or one certlint could not read.
    var rsaKeyBits: Int? {
        if !keyUnknown, let rsa = _RSA.Signing.PublicKey(certificate.publicKey) { return rsa.keySizeInBits }
        return unloadedRSAKeyBits
    }

    init(certificate: Certificate, der: [UInt8], location: SourceLocation) {
        self.certificate = certificate
        self.sha256 = SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
        self.location = location
        var names: [String] = []
        if let san = try? certificate.extensions.subjectAlternativeNames {
            for name in san { if case .dnsName(let dns) = name { names.append(dns) } }
        }
        dnsNames = names
        commonName = Self.commonName(certificate.subject)
    }

    /// The last common name of a distinguished name (the subject's or the issuer's).
    static func commonName(_ name: DistinguishedName) -> String? {
        name.lazy.flatMap { $0 }.last { $0.type == .RDNAttributeType.commonName }.flatMap { String($0.value) }
    }

    /// A certificate read from DER bytes, e.g. one a server presented.
    package init(derEncoded der: [UInt8], location: SourceLocation) throws {
        self = try CertificateReader.certificate(der, location: location)
    }

    /// The start of the SHA-256, for messages: `SHA-256 3f9a…c210`.
    package var shortFingerprint: String { "SHA-256 \(sha256.prefix(8))…\(sha256.suffix(4))" }

    /// `CN=access.example.com, DNS=[a, b]`, for messages.
    package var summary: String {
        var parts: [String] = []
        if let commonName { parts.append("CN=\(commonName)") }
        if !dnsNames.isEmpty {
            let shown = dnsNames.prefix(6).joined(separator: ", ")
            parts.append("DNS=[\(shown)\(dnsNames.count > 6 ? ", … \(dnsNames.count - 6) more" : "")]")
        }
        return parts.isEmpty ? "no subject names" : parts.joined(separator: ", ")
    }
}

/// A private key found in a file.
struct PrivateKeyBlock: Sendable, Hashable, Codable {
    let label: String
    let location: SourceLocation
    let encrypted: Bool
}

/// A well-formed certificate whose key swift-certificates refuses (RSA under 2048 bits, DSA):
/// not a parse error, a weak certificate (CP022).
struct UnusableCertificate: Sendable, Hashable, Codable {
    let location: SourceLocation
    let reason: String
}

/// The certificates and private keys of one PEM or DER file, in file order.
struct CertificateFile: Sendable, Hashable, Codable {
    let path: String
    let certificates: [CertificateInfo]
    let privateKeys: [PrivateKeyBlock]
    var unusable: [UnusableCertificate] = []

    /// The first certificate is the one a server presents; the rest is its chain.
    var leaf: CertificateInfo? { certificates.first }
}

/// Reads PEM (any number of blocks, with text around them) and DER certificate files.
enum CertificateReader {
    /// File endings under which a binary file is tried as a DER certificate.
    static let derExtensions: Set<String> = ["der", "cer", "crt"]

    /// Whether the text holds at least one PEM block opening line.
    static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            var index = 0
            while index + marker.count <= buffer.count {
                if memcmp(base + index, marker, marker.count) == 0 { return true }
                guard let newline = memchr(base + index, 0x0A, buffer.count - index) else { return false }
                index = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return false
        }
    }

    /// A certificate from DER: as swift-certificates reads it, or else as OpenSSL does.
    static func certificate(_ bytes: [UInt8], location: SourceLocation) throws -> CertificateInfo {
        do {
            // swift-crypto must never see an RSA key BoringSSL refuses (RSAKeyGuard).
            if RSAKeyGuard.certificateHasRefusedKey(bytes) { throw RSAKeyGuard.Refused() }
            return CertificateInfo(certificate: try Certificate(derEncoded: bytes), der: bytes, location: location)
        } catch {
            // A key too weak to read is its own finding (CP022), not a reading problem.
            guard unusableKey(error) == nil, let lenient = LenientCertificate.read(bytes) else { throw error }
            var info = CertificateInfo(certificate: lenient.certificate, der: bytes, location: location)
            info.readLeniently = lenient.rewritten
            info.keyUnknown = lenient.keyUnknown
            info.unloadedRSAKeyBits = lenient.rsaKeyBits
            if lenient.rewritten.contains(where: { $0.hasPrefix("the signature algorithm") }) {
                info.unsupportedSignatureOID = lenient.signatureAlgorithmOID
            }
            return info
        }
    }

    static func readDER(path: String, bytes: [UInt8]) throws(FormatError) -> CertificateFile {
        do {
            return CertificateFile(
                path: path, certificates: [try certificate(bytes, location: .file(path))], privateKeys: [])
        } catch {
            if let reason = unusableKey(error) {
                return CertificateFile(
                    path: path, certificates: [], privateKeys: [],
                    unusable: [UnusableCertificate(location: .file(path), reason: reason)])
            }
            throw FormatError("binary file is not a DER certificate: \(describe(error))", line: 1)
        }
    }

    static func readPEM(path: String, text: String) throws(FormatError) -> CertificateFile {
        var certificates: [CertificateInfo] = []
        var keys: [PrivateKeyBlock] = []
        var unusable: [UnusableCertificate] = []
        let lines = text.textLines
        var index = 0
        while index < lines.count {
            guard let opening = PEMOpening(lines[index]) else {
                index += 1
                continue
            }
            let label = opening.label
            let startLine = index + 1
            let location = SourceLocation(path: path, line: startLine, column: 1)
            let block = PEMBlockBody.read(label: label, firstLine: opening.rest, lines: lines, after: index)
            index = block.nextLine
            if label.hasSuffix("PRIVATE KEY") {
                // A key cut short is still a key: reported as one (CP023), never quoted in a parse error.
                keys.append(
                    PrivateKeyBlock(
                        label: label, location: location,
                        encrypted: isEncrypted(label: label, headers: block.headers, body: block.body)))
                continue
            }
            guard block.closed else {
                throw FormatError("PEM block \"\(label)\" has no matching -----END \(label)----- line", line: startLine)
            }
            guard label == "CERTIFICATE" || label == "X509 CERTIFICATE" else { continue }
            guard let der = Data(base64Encoded: block.body) else {
                throw FormatError("PEM block \"\(label)\" is not valid base64", line: startLine)
            }
            do {
                let bytes = [UInt8](der)
                certificates.append(try certificate(bytes, location: location))
            } catch {
                if let reason = unusableKey(error) {
                    unusable.append(UnusableCertificate(location: location, reason: reason))
                    continue
                }
                throw FormatError(
                    "certificate in the PEM block at line \(startLine) could not be parsed: \(describe(error))",
                    line: startLine)
            }
        }
        return CertificateFile(path: path, certificates: certificates, privateKeys: keys, unusable: unusable)
    }

    /// A legacy `Proc-Type: 4,ENCRYPTED` header, PKCS#8 `ENCRYPTED PRIVATE KEY`, or an OpenSSH key
    /// whose cipher is not "none".
    static func isEncrypted(label: String, headers: [String], body: String) -> Bool {
        if label.hasPrefix("ENCRYPTED") { return true }
        if headers.contains(where: { $0.hasPrefix("Proc-Type:") && $0.contains("ENCRYPTED") }) { return true }
        if label == "OPENSSH PRIVATE KEY", let data = Data(base64Encoded: body) {
            // "openssh-key-v1\0", then a length-prefixed cipher name.
            let bytes = [UInt8](data)
            let magic = 15
            guard bytes.count > magic + 4 else { return false }
            let length = bytes[magic..<magic + 4].reduce(0) { $0 << 8 | Int($1) }
            guard bytes.count >= magic + 4 + length else { return false }
            return String(decoding: bytes[(magic + 4)..<(magic + 4 + length)], as: UTF8.self) != "none"
        }
        return false
    }

    /// swift-crypto refuses RSA keys under 2048 bits and swift-certificates DSA keys; both are
    /// weak keys in a well-formed certificate, not malformed input.
    static func unusableKey(_ error: any Error) -> String? {
        if let crypto = error as? CryptoKitError, case .incorrectParameterSize = crypto {
            return "RSA key under 2048 bits"
        }
        if let certificateError = error as? CertificateError, certificateError.code == .unsupportedPublicKeyAlgorithm {
            let text = String(describing: certificateError)
            if text.contains("1.2.840.10040.4.1") { return "DSA key" }
            return "public key algorithm certlint cannot read"
        }
        return nil
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

/// A `-----BEGIN LABEL-----` at the start of a line (after white space), and what follows it on
/// that line: the body of a PEM block written on one line.
struct PEMOpening {
    let label: String
    let rest: Substring

    init?(_ line: Substring) {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("-----BEGIN ") else { return nil }
        let afterBegin = trimmed.dropFirst(11)
        guard let close = afterBegin.range(of: "-----") else { return nil }
        let label = afterBegin[..<close.lowerBound]
        guard !label.isEmpty, label.count <= 64, label.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == " " }) else {
            return nil
        }
        self.label = String(label)
        self.rest = afterBegin[close.upperBound...]
    }
}

/// The body of one PEM block: its base64, its headers (`Proc-Type: …`), whether the END line
/// was found, and the line after the block.
struct PEMBlockBody {
    var body = ""
    var headers: [String] = []
    var closed = false
    var nextLine: Int

    /// Reads from the rest of the BEGIN line on; a block ends at its END marker (on any line, the
    /// BEGIN line included), before the next BEGIN line, or at the end of the text.
    static func read(label: String, firstLine: Substring, lines: [Substring], after beginLine: Int) -> PEMBlockBody {
        var block = PEMBlockBody(nextLine: lines.count)
        let endMarker = "-----END \(label)-----"
        var scan = beginLine
        var content = firstLine
        while true {
            if let end = content.range(of: endMarker) {
                block.add(content[..<end.lowerBound])
                block.closed = true
                block.nextLine = scan + 1
                return block
            }
            block.add(content)
            scan += 1
            guard scan < lines.count else { return block }
            content = lines[scan]
            if PEMOpening(content) != nil {
                block.nextLine = scan
                return block
            }
        }
    }

    private mutating func add(_ content: Substring) {
        let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        if trimmed.contains(":") {
            headers.append(trimmed)
        } else {
            body += trimmed.filter { !$0.isWhitespace }
        }
    }
}

extension CertificateReference {
    /// A certificate written inline in a configuration (an AS3 `Certificate`, a Kubernetes TLS
    /// Secret, an NSX `TlsCertificate`, an Avi SSL key and certificate). A PEM that cannot be
    /// read is a format error of the configuration, at `node`, naming `what`.
    static func embedded(pem: String, in path: String, what: String, at node: YAMLNode, referencedAt: SourceLocation)
        throws(FormatError) -> CertificateReference
    {
        do {
            return .embedded(try CertificateReader.readPEM(path: path, text: pem), referencedAt: referencedAt)
        } catch {
            throw FormatError("\(what): \(error.message)", at: node.start)
        }
    }
}
