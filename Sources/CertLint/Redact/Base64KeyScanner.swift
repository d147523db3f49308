import Foundation
import SwiftASN1

/// Finds base64 runs that decode to a private key: DER in one of the key shapes, an OpenSSH
/// key, or PEM text that holds a private key (a Kubernetes Secret's `tls.key`). A run may carry
/// the `\n` escapes of a JSON string.
struct Base64KeyScanner {
    private let scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    /// Shorter runs cannot hold a key (an Ed25519 PKCS#8 key, the smallest, is 64 characters).
    static let minimumRun = 60

    func spans() -> [Redactor.Span] {
        var spans: [Redactor.Span] = []
        var index = 0
        while index < scalars.count {
            guard Self.isBase64(scalars[index]) else {
                index += 1
                continue
            }
            let start = index
            var characters: [UInt8] = []
            while index < scalars.count {
                let scalar = scalars[index]
                if Self.isBase64(scalar) {
                    characters.append(UInt8(scalar.value))
                    index += 1
                } else if scalar == "\\", index + 1 < scalars.count,
                    scalars[index + 1] == "n" || scalars[index + 1] == "r"
                {
                    index += 2
                } else {
                    break
                }
            }
            if characters.count >= Self.minimumRun, Self.holdsPrivateKey(base64: characters) {
                spans.append(
                    Redactor.Span(range: start..<index, marker: Redactor.marker("private key", count: index - start)))
            }
        }
        return spans
    }

    static func isBase64(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "+" || scalar == "/" || scalar == "="
    }

    /// Decodes as much of the run as forms whole base64 groups and looks at what it is.
    static func holdsPrivateKey(base64 characters: [UInt8]) -> Bool {
        var text = characters.filter { $0 != UInt8(ascii: "=") }
        text.removeLast(text.count % 4 == 1 ? 1 : 0)
        while text.count % 4 != 0 { text.append(UInt8(ascii: "=")) }
        guard let data = Data(base64Encoded: Data(text)) else { return false }
        return isPrivateKey([UInt8](data))
    }

    /// DER (whole, or the start of one), an OpenSSH key, or text holding a PEM private key.
    static func isPrivateKey(_ bytes: [UInt8]) -> Bool {
        if bytes.starts(with: Array("openssh-key-v1".utf8)) { return true }
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: " ") || bytes.first == UInt8(ascii: "\n") {
            return String(decoding: bytes.prefix(4096), as: UTF8.self).contains("PRIVATE KEY-----")
        }
        guard bytes.first == 0x30 else { return false }
        if let node = try? DER.parse(bytes) { return isPrivateKey(node) }
        return startsLikePrivateKey(bytes)
    }

    /// The shapes of a private key: PKCS#1 RSA or DSA (`SEQUENCE { INTEGER 0, INTEGER … }` with
    /// six or more integers), PKCS#8 (`INTEGER 0|1, AlgorithmIdentifier, OCTET STRING`), SEC1
    /// (`INTEGER 1, OCTET STRING`), encrypted PKCS#8 (`AlgorithmIdentifier, OCTET STRING`).
    static func isPrivateKey(_ node: ASN1Node) -> Bool {
        guard node.identifier == .sequence, case .constructed(let children) = node.content else { return false }
        let items = Array(children)
        guard items.count >= 2 else { return false }
        if items[0].identifier == .sequence { return items.count == 2 && items[1].identifier == .octetString }
        guard items[0].identifier == .integer, let version = try? Int(derEncoded: items[0]),
            version == 0 || version == 1
        else {
            return false
        }
        switch items[1].identifier {
        case .sequence: return items.count >= 3 && items[2].identifier == .octetString
        case .octetString: return version == 1
        case .integer: return items.count >= 6 && items.allSatisfy { $0.identifier == .integer }
        default: return false
        }
    }

    /// The first bytes of a key whose base64 was cut short, where DER cannot be parsed whole: a
    /// SEQUENCE whose first element is the version INTEGER 0 or 1 followed by what the shapes
    /// above put second. A byte signature, not a parse.
    static func startsLikePrivateKey(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8, bytes[0] == 0x30 else { return false }
        let lengthBytes = bytes[1] & 0x80 == 0 ? 0 : Int(bytes[1] & 0x7F)
        let body = 2 + lengthBytes
        guard lengthBytes <= 3, bytes.count >= body + 4 else { return false }
        let version = Array(bytes[body..<body + 3])
        let next = bytes[body + 3]
        if version == [0x02, 0x01, 0x00] { return next == 0x30 || next == 0x02 }
        if version == [0x02, 0x01, 0x01] { return next == 0x04 || next == 0x30 }
        return false
    }
}
