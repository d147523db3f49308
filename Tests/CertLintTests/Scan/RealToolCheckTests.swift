import Foundation
import Testing

@testable import CertLint

/// Every HAProxy and NGINX file of ours in Examples/ and Tests/ passes the real tool's own check
/// (`haproxy -c`, `nginx -t`) as the load balancer host would see it: certificate paths point
/// at test certificates and server names at 127.0.0.1. Files meant to be invalid are listed,
/// and the real tool must refuse them too.
@Suite(.enabled(if: RealLoadBalancers.present, "haproxy and nginx are needed (Scripts/bootstrap.sh installs them)"))
struct RealToolCheckTests {
    static let intentionallyInvalid: [String: String] = [
        "Tests/CertLintTests/Fixtures/fuzz/nginx/header-without-arguments.conf":
            "a fuzz finding: proxy_set_header without arguments",
        "Tests/CertLintTests/Fixtures/fuzz/nginx/blocks-20000-deep.conf":
            "a fuzz finding: blocks nested past certlint's limit",
    ]

    static var files: [String] {
        let root = Fixtures.packageRoot
        var found: [String] = []
        for folder in ["Examples", "Tests"] {
            let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let path = enumerator?.nextObject() as? String {
                // RealWorld/ holds other projects' files as they wrote them (RealWorldCorpusTests).
                if path.contains("RealWorld/") { continue }
                if path.hasSuffix(".cfg") || path.hasSuffix(".conf") { found.append("\(folder)/\(path)") }
            }
        }
        return found.sorted()
    }

    @Test func everyLoadBalancerFileIsFound() {
        #expect(Self.files.filter { $0.hasSuffix(".cfg") }.count >= 3)
        #expect(Set(Self.intentionallyInvalid.keys).isSubset(of: Self.files))
    }

    @Test(arguments: files)
    func realToolAgrees(_ path: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = try TestPKI.selfSigned(["lb.example.com"])
        let pem = certificate.certificatePEM.trimmingCharacters(in: .newlines) + "\n"
        try Data((pem + certificate.keyPEM.trimmingCharacters(in: .newlines) + "\n").utf8).write(
            to: folder.appendingPathComponent("lb.pem"))
        try Data(pem.utf8).write(to: folder.appendingPathComponent("ca.pem"))
        try Data(certificate.keyPEM.utf8).write(to: folder.appendingPathComponent("lb.key"))
        var text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(path), encoding: .utf8)
        let isHAProxy = path.hasSuffix(".cfg")
        // On the load balancer host: its certificate files, names that resolve.
        let certificateWords =
            isHAProxy
            ? ["crt", "ca-file"]
            : ["ssl_certificate", "ssl_certificate_key", "proxy_ssl_trusted_certificate", "ssl_trusted_certificate"]
        for word in certificateWords {
            let pattern = try NSRegularExpression(pattern: "(\(word)\\s+)(\\S+?)(;?)(\\s|$)")
            let file =
                word.hasSuffix("_key")
                ? "lb.key" : word.contains("ca-file") || word.contains("trusted") ? "ca.pem" : "lb.pem"
            text = pattern.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1\(folder.path)/\(file)$3$4")
        }
        let server = try NSRegularExpression(
            pattern: isHAProxy
                ? "(server\\s+\\S+\\s+)[A-Za-z][A-Za-z0-9.-]*"
                : "((?:server|proxy_pass\\s+https?://)\\s*)[A-Za-z][A-Za-z0-9.-]*\\.[a-z]+")
        text = server.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1127.0.0.1")
        let file = folder.appendingPathComponent(isHAProxy ? "haproxy.cfg" : "nginx.conf")
        try Data(text.utf8).write(to: file)
        let check =
            isHAProxy
            ? try run("/usr/sbin/haproxy", ["-c", "-f", file.path])
            : try run(
                "/usr/sbin/nginx",
                ["-t", "-p", folder.path + "/", "-c", file.path, "-g", "pid \(folder.path)/nginx.pid;"])
        if let reason = Self.intentionallyInvalid[path] {
            #expect(check.status != 0, "\(path) is listed as invalid (\(reason)) but the real tool accepts it")
        } else {
            #expect(check.status == 0, "\(path):\n\(check.output)\(check.error)")
        }
    }
}
