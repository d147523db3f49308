import Foundation

/// Private keys of every kind and shape, made fresh by `openssl` for one test, and the pieces
/// of them that must never appear in any output.
struct KeyMaterial {
    /// One key as PEM text, and its base64 body.
    struct Key {
        let name: String
        let pem: String
        var body: String {
            pem.split(separator: "\n").filter { !$0.hasPrefix("-----") && !$0.contains(":") }.joined()
        }
    }

    let keys: [Key]
    /// Every 16-character piece of every key's base64 body.
    let forbiddenPieces: Set<[UInt8]>

    init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func openssl(_ arguments: [String]) throws -> String {
            let result = try run("/usr/bin/env", ["openssl"] + arguments)
            guard result.status == 0 else {
                throw KeyMaterialError.openssl(arguments.joined(separator: " "), result.error)
            }
            return result.output
        }
        let rsa = folder.appendingPathComponent("rsa.pem").path
        _ = try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa])
        let rsa2 = folder.appendingPathComponent("rsa2.pem").path
        _ = try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa2])
        func ec() throws -> String { try openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout"]) }
        let legacy = folder.appendingPathComponent("legacy.pem").path
        try ec().write(toFile: legacy, atomically: true, encoding: .utf8)
        func pkcs8EC() throws -> String {
            try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        }
        var keys = [
            Key(name: "pkcs8-rsa", pem: try String(contentsOfFile: rsa, encoding: .utf8)),
            Key(name: "pkcs1-rsa", pem: try openssl(["rsa", "-in", rsa2, "-traditional"])),
            Key(name: "sec1-ec", pem: try ec()),
            Key(name: "ed25519", pem: try openssl(["genpkey", "-algorithm", "ed25519"])),
            Key(
                name: "encrypted-pkcs8",
                pem: try openssl(["pkcs8", "-topk8", "-in", rsa, "-v2", "aes256", "-passout", "pass:secret"])),
            Key(
                name: "legacy-encrypted", pem: try openssl(["ec", "-in", legacy, "-aes256", "-passout", "pass:secret"])),
            Key(name: "openssh", pem: Self.openSSH()),
        ]
        // Keys for the other shapes (one line, cut short, inside JSON, YAML, HCL, base64 of PEM, bare DER).
        for name in [
            "one-line", "truncated", "as3", "k8s-base64", "terraform", "haproxy-comment", "avi-der", "yaml-block",
        ] {
            keys.append(Key(name: name, pem: try pkcs8EC()))
        }
        self.keys = keys
        var pieces: Set<[UInt8]> = []
        for key in keys {
            let body = Array(key.body.utf8)
            guard body.count >= 16 else { continue }
            for start in 0...(body.count - 16) { pieces.insert(Array(body[start..<start + 16])) }
        }
        forbiddenPieces = pieces
    }

    subscript(_ name: String) -> Key { keys.first { $0.name == name }! }

    /// An OpenSSH private key as ssh-keygen writes it (magic, cipher "none", random key bytes).
    static func openSSH() -> String {
        var bytes = Array("openssh-key-v1\0".utf8)
        for field in ["none", "none", ""] {
            bytes += [0, 0, 0, UInt8(field.utf8.count)] + Array(field.utf8)
        }
        bytes += (0..<400).map { _ in UInt8.random(in: 0...255) }
        let body = Data(bytes).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN OPENSSH PRIVATE KEY-----\n\(body)\n-----END OPENSSH PRIVATE KEY-----\n"
    }

    /// The first piece of key material found in `text`, or nil.
    func leak(in text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 16 else { return nil }
        for start in 0...(bytes.count - 16) where forbiddenPieces.contains(Array(bytes[start..<start + 16])) {
            return String(decoding: bytes[max(0, start - 40)..<min(bytes.count, start + 56)], as: UTF8.self)
        }
        return nil
    }
}

enum KeyMaterialError: Error {
    case openssl(String, String)
}
