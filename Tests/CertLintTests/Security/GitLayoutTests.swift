import Foundation
import Testing

@testable import CertLint

/// Every Git layout scans the right root, or is refused with what to do: `.git` files
/// (`--separate-git-dir`, linked worktrees, submodules), bare repositories, shallow clones,
/// sparse checkouts; a corrupt object is exit 2 naming it, never a hang.
@Suite(.serialized) struct GitLayoutTests {
    static let expected = ["CP023 keys/a.pem:1:1"]

    /// A committed repository with one finding (a committed key) and a clean deployment.
    static func committed(_ repository: FixtureRepository) throws {
        try repository.git("config", "user.email", "test@example.com")
        try repository.git("config", "user.name", "certlint tests")
        try repository.commitAll("deployment")
    }

    static func files() -> [String: String] {
        var files = [
            "certlint.yaml": GoodDeployment.manifest, "lb/haproxy.cfg": GoodDeployment.haproxy,
            "keys/a.pem": Fixtures.certificate("example-key"),
        ]
        for (path, name) in GoodDeployment.certificates { files[path] = Fixtures.certificate(name) }
        return files
    }

    func scan(_ path: String, _ extra: [String] = []) throws -> (status: Int32, output: String, error: String) {
        try run(
            CommandLineTests.binary, ["scan", path, "--as-of", "2026-06-01", "--format", "github"] + extra,
            environment: ["NO_COLOR": "1"])
    }

    static let finding =
        "::error file=keys/a.pem,line=1,col=1,title=CP023 private-key-committed::keys/a.pem holds an unencrypted private key (PRIVATE KEY); remove it from the repository, rotate the certificate it belongs to, and keep keys in a secret store\n"

    @Test func separateGitDirAndLinkedWorktree() throws {
        let work = try FixtureRepository(files: Self.files())
        let gitDir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-gitdir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: gitDir) }
        try work.git("init", "-q", "-b", "main", "--separate-git-dir", gitDir.path)
        try Self.committed(work)
        for extra in [[], ["--staged"], ["--rev", "HEAD"]] {
            let result = try scan(work.path, extra)
            #expect(result.status == 1, "\(extra): \(result.error)")
            #expect(result.output == Self.finding, "\(extra)")
        }
        let tree = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-worktree-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tree) }
        try work.git("worktree", "add", "-q", tree.path)
        let linked = try scan(tree.path)
        #expect(linked.status == 1)
        #expect(linked.output == Self.finding)
    }

    @Test func submoduleScannedAsItsOwnRepository() throws {
        let inner = try FixtureRepository(files: Self.files(), git: true)
        try Self.committed(inner)
        let outer = try FixtureRepository(files: ["README": "outer\n"], git: true)
        try outer.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.path, "infra")
        try Self.committed(outer)
        let outerScan = try scan(outer.path, ["--format", "text"])
        #expect(outerScan.output.contains("note: infra is a Git submodule; submodules are not entered\n"))
        let entered = try scan(outer.root.appendingPathComponent("infra").path)
        #expect(entered.status == 1)
        #expect(entered.output == Self.finding)
    }

    @Test func bareRepositoryScansRevisionsOnly() throws {
        let source = try FixtureRepository(files: Self.files(), git: true)
        try Self.committed(source)
        let bare = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-bare-\(UUID().uuidString).git")
        defer { try? FileManager.default.removeItem(at: bare) }
        try run("/usr/bin/git", ["clone", "-q", "--bare", source.path, bare.path])
        let revision = try scan(bare.path, ["--rev", "HEAD"])
        #expect(revision.status == 1)
        #expect(revision.output == Self.finding)
        let workingTree = try scan(bare.path)
        #expect(workingTree.status == 2)
        #expect(
            workingTree.error
                == "certlint: error: \(bare.path) is a bare repository: it has no work tree or index to scan. Scan a revision with --rev REV (e.g. --rev HEAD).\n"
        )
    }

    @Test func shallowCloneAndSparseCheckout() throws {
        let source = try FixtureRepository(files: Self.files(), git: true)
        try Self.committed(source)
        try source.write("README", "second commit\n")
        try source.commitAll("second")
        let shallow = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-shallow-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: shallow) }
        try run("/usr/bin/git", ["clone", "-q", "--depth", "1", "file://" + source.path, shallow.path])
        for extra in [[], ["--rev", "HEAD"]] {
            let result = try scan(shallow.path, extra)
            #expect(result.status == 1)
            #expect(result.output == Self.finding)
        }
        // Outside the sparse cone the files are not on disk; their index blobs are scanned.
        try source.git("sparse-checkout", "set", "lb")
        #expect(!FileManager.default.fileExists(atPath: source.root.appendingPathComponent("keys/a.pem").path))
        let sparse = try scan(source.path)
        #expect(sparse.status == 1)
        #expect(sparse.output == Self.finding)
    }

    @Test func corruptObjectsAreExit2NamingThem() throws {
        let repository = try FixtureRepository(files: ["lb/haproxy.cfg": GoodDeployment.haproxy], git: true)
        try Self.committed(repository)
        let id = try repository.git("rev-parse", "HEAD:lb/haproxy.cfg").trimmingCharacters(in: .whitespacesAndNewlines)
        let object = repository.root.appendingPathComponent(".git/objects/\(id.prefix(2))/\(id.dropFirst(2))")
        let original = try Data(contentsOf: object)
        #expect(chmod(object.path, 0o644) == 0)
        // Cut short: libgit2 1.5.1 loops forever inflating it; the watchdog stops the run.
        try original.prefix(original.count / 2).write(to: object)
        let started = Date()
        let truncated = try scan(repository.path, ["--rev", "HEAD"])
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(truncated.status == 2)
        #expect(
            truncated.error.hasPrefix(
                "certlint: error: Git: reading object \(id) did not finish within 5 s; the object is probably corrupt.")
        )
        // Damaged (another content under the same name): libgit2 says so at once.
        try Data([0x78, 0x01] + Array(repeating: UInt8(0x41), count: 20)).write(to: object)
        let damaged = try scan(repository.path, ["--staged"])
        #expect(damaged.status == 2)
        #expect(
            damaged.error.hasPrefix(
                "certlint: error: Git objects could not be read: lb/haproxy.cfg: reading object \(id): "))
    }
}
