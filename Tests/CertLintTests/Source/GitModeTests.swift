import Foundation
import Testing

@testable import CertLint

/// Working tree, index and revision: each reads its own version of the files.
@Suite struct GitModeTests {
    let terminated = GoodDeployment.haproxy.replacing(
        "bind :5262", with: "bind :5262 ssl crt /etc/haproxy/certs/access.pem")
    var cp004: String { "CP004 \(location(of: "bind :5262", in: terminated, path: "lb/haproxy.cfg"))" }

    func committedGoodRepository() throws -> FixtureRepository { try GoodDeployment.committedRepository() }

    @Test func aChangeOnlyInTheWorkingTree() async throws {
        let repository = try committedGoodRepository()
        try repository.write("lb/haproxy.cfg", terminated)
        #expect(try await repository.scan().brief == [cp004])
        #expect(try await repository.scan(mode: .index).brief == [])
        #expect(try await repository.scan(mode: .revision("HEAD")).brief == [])
    }

    @Test func aChangeOnlyStaged() async throws {
        let repository = try committedGoodRepository()
        try repository.write("lb/haproxy.cfg", terminated)
        try repository.git("add", "lb/haproxy.cfg")
        try repository.write("lb/haproxy.cfg", GoodDeployment.haproxy)
        #expect(try await repository.scan().brief == [])
        #expect(try await repository.scan(mode: .index).brief == [cp004])
    }

    @Test func aChangeOnlyCommittedAndAnOlderRevision() async throws {
        let repository = try committedGoodRepository()
        try repository.write("lb/haproxy.cfg", terminated)
        try repository.commitAll("bad")
        try repository.write("lb/haproxy.cfg", GoodDeployment.haproxy)
        try repository.git("add", "-A")
        #expect(try await repository.scan().brief == [])
        #expect(try await repository.scan(mode: .index).brief == [])
        #expect(try await repository.scan(mode: .revision("HEAD")).brief == [cp004])
        #expect(try await repository.scan(mode: .revision("HEAD~1")).brief == [])
        let head = try repository.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try await repository.scan(mode: .revision(String(head.prefix(10))))
        #expect(result.brief == [cp004])
        #expect(result.provenance == nil)  // no remote: nothing to cite
    }

    @Test func ignoredAndUntrackedFiles() async throws {
        let repository = try committedGoodRepository()
        try repository.write(".gitignore", "*.key\n")
        try repository.write("secrets/ignored.key", Fixtures.certificate("example-key"))
        try repository.write("secrets/untracked.pem", Fixtures.certificate("example-key"))
        #expect(try await repository.scan().brief == ["CP023 secrets/untracked.pem:1:1"])
        #expect(try await repository.scan(mode: .index).brief == [])
    }

    @Test func aSubFolderScanReportsRepositoryRelativePaths() async throws {
        let repository = try FixtureRepository(git: true)
        let manifest = GoodDeployment.manifest
        try repository.write("infra/access/certlint.yaml", manifest)
        try repository.write("infra/access/lb/haproxy.cfg", terminated)
        for (path, name) in GoodDeployment.certificates {
            try repository.write("infra/access/\(path)", Fixtures.certificate(name))
        }
        try repository.write("other/keys/a.pem", Fixtures.certificate("example-key"))
        try repository.commitAll("layout")
        let result = try await repository.scan(["infra/access"])
        #expect(
            result.brief == ["CP004 infra/\(location(of: "bind :5262", in: terminated, path: "access/lb/haproxy.cfg"))"]
        )
        // The folder's own certlint.yaml provides the settings (trust anchors) of a sub-folder scan.
        #expect(result.settings.source == "infra/access/certlint.yaml")
        let whole = try await repository.scan()
        #expect(whole.brief.contains("CP023 other/keys/a.pem:1:1"))
        let revision = try await repository.scan(["infra/access/lb"], mode: .revision("HEAD"))
        #expect(revision.findings.isEmpty)  // the deployment's manifest is outside the scanned folder
    }

    @Test func pathsMissingFromTheRevisionAreRejected() async throws {
        let repository = try committedGoodRepository()
        try repository.write("new/file.txt", "x")
        await #expect(throws: CertLintError.pathNotInRevision(repository.root.appendingPathComponent("new").path)) {
            try await repository.scan(["new"], mode: .revision("HEAD"))
        }
        await #expect(throws: CertLintError.self) { try await repository.scan(mode: .revision("no-such-branch")) }
    }

    @Test func symbolicLinks() async throws {
        let repository = try committedGoodRepository()
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-outside-\(UUID().uuidString).pem")
        try Fixtures.certificate("example-key").write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(
            atPath: repository.root.appendingPathComponent("leak.pem").path, withDestinationPath: outside.path)
        // An in-repository link is followed when a configuration names it.
        try FileManager.default.createSymbolicLink(
            atPath: repository.root.appendingPathComponent("certs/current.pem").path, withDestinationPath: "access.pem")
        try repository.write(
            "lb/haproxy.cfg", GoodDeployment.haproxy.replacing("certs/access.pem", with: "certs/current.pem"))
        let result = try await repository.scan()
        #expect(result.brief == [])
        #expect(
            result.notes == [
                ScanNote(
                    path: "leak.pem",
                    message: "is a symbolic link to \(outside.path), outside the repository; not followed")
            ])
        #expect(result.topology.deployments.first?.publicCertificate?.path == "certs/current.pem")
        try repository.commitAll("links")
        let committed = try await repository.scan(mode: .revision("HEAD"))
        #expect(committed.notes.map(\.path) == ["leak.pem"])
        #expect(committed.brief == [])
    }

    @Test func outsideARepositoryAPlainWalkSkipsGitFolders() async throws {
        let folder = try GoodDeployment.repository(extra: ["notes.md": "# notes\n"])
        try folder.write("vendor/lib/.git/keys.pem", Fixtures.certificate("example-key"))
        try folder.write(".git-backup/keys.pem", Fixtures.certificate("example-key"))
        let result = try await folder.scan()
        #expect(result.brief == ["CP023 .git-backup/keys.pem:1:1"])
        await #expect(throws: CertLintError.needsRepository(path: folder.path, mode: .index)) {
            try await folder.scan(mode: .index)
        }
    }
}
