import Testing

@testable import CertLint

/// The rule examples' correct deployment (`ExampleRepository`: a disjoint namespace, a SAN
/// certificate, SSL re-encryption, matrix row 5) as a repository on disk, for tests that need a
/// whole scan; each breaks one thing.
enum GoodDeployment {
    static let manifest = ExampleRepository.good[ExampleRepository.manifest] ?? ""
    static let haproxy = ExampleRepository.good[ExampleRepository.haproxy] ?? ""
    static let certificates = ExampleRepository.goodCertificates

    static func repository(
        manifest: String = manifest, haproxy: String? = haproxy, extra: [String: String] = [:],
        certificates: [String: String] = [:]
    ) throws -> FixtureRepository {
        var files = extra
        files["certlint.yaml"] = manifest
        if let haproxy { files["lb/haproxy.cfg"] = haproxy }
        return try FixtureRepository(files: files, certificates: self.certificates.merging(certificates) { $1 })
    }

    /// The good deployment as a Git repository with everything committed.
    static func committedRepository() throws -> FixtureRepository {
        let repository = try self.repository()
        try repository.git("init", "-q", "-b", "main")
        try repository.git("config", "user.email", "test@example.com")
        try repository.git("config", "user.name", "certlint tests")
        try repository.commitAll("good")
        return repository
    }
}

/// `path:line:column` of the first line that contains `marker`, at its first non-blank column.
func location(of marker: String, in text: String, path: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let index = lines.firstIndex(where: { $0.contains(marker) }) else { return "\(path): no line with \(marker)" }
    let column =
        (lines[index].firstIndex { $0 != " " }.map { lines[index].distance(from: lines[index].startIndex, to: $0) } ?? 0)
        + 1
    return "\(path):\(index + 1):\(column)"
}

extension String {
    func replacing(_ old: String, with new: String) -> String {
        precondition(contains(old), "fixture text lacks \(old)")
        return replacingOccurrences(of: old, with: new)
    }
}

@Suite struct RuleTests {
    @Test func theGoodDeploymentIsClean() async throws {
        let result = try await GoodDeployment.repository().scan()
        #expect(result.brief == [])
        #expect(result.checks.count > 15)
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.mode?.mode == .reencrypt)
        #expect(deployment.classification?.type == .san)
        #expect(deployment.publicCertificate?.path == "certs/access.pem")
    }

    @Test func openfireOn5262IsNotADeploymentListener() async throws {
        let haproxy =
            GoodDeployment.haproxy + """

                listen openfire_xmpp
                    mode http
                    bind :5262 ssl crt /etc/haproxy/certs/chat.pem
                    server chat1 chat1.example.org:5262

                """
        let result = try await GoodDeployment.repository(haproxy: haproxy).scan()
        #expect(result.brief == [])
        #expect(
            result.topology.deployments.first?.listeners.map(\.listener.name) == [
                "frontend access_https", "frontend cert_proxy",
            ])
    }

    @Test func listenersJoinByManifestReferenceOrByCertificate() async throws {
        // Backends by IP address: only `load-balancer:` links the listeners.
        let byAddress = GoodDeployment.haproxy.replacingOccurrences(of: "wsa1.example.dmz", with: "10.0.0.11")
            .replacingOccurrences(of: "wsa2.example.dmz", with: "10.0.0.12")
        var result = try await GoodDeployment.repository(haproxy: byAddress).scan()
        // The 443 listener still joins: its certificate names the VIP. 5262 does not.
        #expect(
            result.topology.deployments.first?.listeners.map(\.joinedBy) == [
                "its certificate names the VIP access.example.com"
            ])
        let manifest = GoodDeployment.manifest + "    load-balancer: [lb/haproxy.cfg]\n"
        result = try await GoodDeployment.repository(manifest: manifest, haproxy: byAddress).scan()
        #expect(result.brief == [])
        #expect(result.topology.deployments.first?.listeners.map(\.role) == [.service, .certProxy])
    }

    @Test func settingsRulesChangeLevelsOrTurnRulesOff() async throws {
        let haproxy = GoodDeployment.haproxy.replacing("    http-request set-header RemotePort %[src_port]\n", with: "")
        let off = GoodDeployment.manifest.replacing("settings:\n", with: "settings:\n  rules: {CP008: off}\n")
        #expect(try await GoodDeployment.repository(manifest: off, haproxy: haproxy).scan().brief == [])
        let note = GoodDeployment.manifest.replacing("settings:\n", with: "settings:\n  rules: {CP008: note}\n")
        let result = try await GoodDeployment.repository(manifest: note, haproxy: haproxy).scan()
        #expect(result.findings.map(\.level) == [.note])
        #expect(result.exitCode == 0)
    }
}
