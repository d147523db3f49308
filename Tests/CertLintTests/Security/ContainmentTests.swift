import Foundation
import Testing

@testable import CertLint

/// No file outside the repository is opened, in any mode: hostile layouts scanned under
/// `strace -f -y`, which prints the file each successful open really reached.
@Suite(.serialized) struct ContainmentTests {
    static let strace = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A Git repository whose every trick points at `outside`: a tracked folder replaced by a
    /// link out, links to /etc/passwd, to a secret file, to `..`, link loops, certificate and
    /// include paths that climb out, Terraform `file()` of outside paths.
    static func hostileRepository(outside: URL) throws -> FixtureRepository {
        let secret = outside.appendingPathComponent("secret")
        try FileManager.default.createDirectory(at: secret, withIntermediateDirectories: true)
        try "frontend leaked\n    bind :5262 ssl crt /leaked.pem\n".write(
            to: secret.appendingPathComponent("haproxy.cfg"), atomically: true, encoding: .utf8)
        try Fixtures.certificate("ca").write(
            to: secret.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        try "server { listen 5262 ssl; }\n".write(
            to: secret.appendingPathComponent("leak.conf"), atomically: true, encoding: .utf8)
        let repository = try GoodDeployment.repository(
            manifest: GoodDeployment.manifest.replacing(
                "service-certificate: certs/node.pem",
                with: "service-certificate: ../\(outside.lastPathComponent)/secret/ca.pem"),
            extra: [
                "lb2/haproxy.cfg": "frontend f\n    bind :443\n",
                "tf/main.tf":
                    "locals {\n  a = file(\"/etc/passwd\")\n  b = file(\"\(secret.path)/ca.pem\")\n  c = templatefile(\"../../\(outside.lastPathComponent)/secret/ca.pem\", {})\n}\n",
                "nginx/nginx.conf":
                    "events {}\nhttp {\n  include \(secret.path)/*.conf;\n  include ../../\(outside.lastPathComponent)/secret/leak.conf;\n}\n",
            ],
            certificates: [:])
        try repository.git("init", "-q", "-b", "main")
        try repository.git("config", "user.email", "test@example.com")
        try repository.git("config", "user.name", "certlint tests")
        try repository.commitAll("layout")
        let root = repository.root
        try FileManager.default.removeItem(at: root.appendingPathComponent("lb2"))
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("lb2").path, withDestinationPath: secret.path)
        for (link, target) in [
            ("passwd.cfg", "/etc/passwd"), ("secret.pem", secret.path + "/ca.pem"), ("up", ".."), ("loop-a", "loop-b"),
            ("loop-b", "loop-a"),
            ("self", "self"), ("certs/relative-out.pem", "../../\(outside.lastPathComponent)/secret/ca.pem"),
        ] {
            try FileManager.default.createSymbolicLink(
                atPath: root.appendingPathComponent(link).path, withDestinationPath: target)
        }
        try repository.git("add", "passwd.cfg", "secret.pem", "up", "certs/relative-out.pem")
        return repository
    }

    /// Every file a run of certlint opened, as the kernel resolved it.
    static func openedFiles(_ arguments: [String]) throws -> (status: Int32, files: [String], output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-strace-\(UUID().uuidString).txt"
        ).path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let result = try run(
            strace!,
            ["-f", "-y", "-qq", "-e", "trace=open,openat,openat2,creat", "-o", log, CommandLineTests.binary] + arguments
        )
        let text = try String(contentsOfFile: log, encoding: .utf8)
        var files: [String] = []
        for line in text.split(separator: "\n") {
            // `openat(AT_FDCWD</x>, "name", O_RDONLY) = 3</real/path>`: what was reached is after "= N<".
            guard let equals = line.range(of: ") = ", options: .backwards) else { continue }
            let result = line[equals.upperBound...]
            guard let open = result.firstIndex(of: "<"), let close = result.lastIndex(of: ">"), open < close else {
                continue
            }
            files.append(String(result[result.index(after: open)..<close]))
        }
        return (result.status, files, result.output + result.error)
    }

    static func isSystemFile(_ path: String) -> Bool {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let allowed = [
            "/etc/ld.so.cache", "/etc/ssl/", "/etc/ca-certificates", "/etc/pki/", "/etc/gitconfig",
            "/etc/gitattributes", "/etc/gitignore",
            "/etc/localtime", "/usr/", "/lib", "/opt/swift/", "/proc/", "/sys/", "/dev/", "\(home)/.gitconfig",
            "\(home)/.config/git/",
            "pipe:", "socket:", "anon_inode:",
        ]
        return allowed.contains { path.hasPrefix($0) }
    }

    @Test(.enabled(if: strace != nil, "strace is not installed (.ci/run installs it)"))
    func hostileLayoutsOpenNothingOutsideTheRepository() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent(
            "certlint-outside-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outside) }
        let repository = try Self.hostileRepository(outside: outside)
        let root = repository.root.resolvingSymlinksInPath().path
        for mode in [[], ["--staged"], ["--rev", "HEAD"]] {
            let run = try Self.openedFiles(
                ["scan", repository.path, "--as-of", "2026-06-01", "--format", "json"] + mode)
            #expect(run.status == 0, "\(mode): \(run.output.prefix(2000))")
            let strays = run.files.filter { !($0 == root || $0.hasPrefix(root + "/")) && !Self.isSystemFile($0) }
            #expect(strays.isEmpty, "\(mode) opened \(strays)")
            #expect(!run.files.contains { $0.hasPrefix(outside.resolvingSymlinksInPath().path) || $0 == "/etc/passwd" })
            #expect(!run.output.contains("leaked"), "\(mode): \(run.output.prefix(2000))")
        }
        // What was refused says so.
        let result = try run(CommandLineTests.binary, ["scan", repository.path, "--as-of", "2026-06-01"])
        for note in [
            "note: lb2/haproxy.cfg is inside lb2, a symbolic link to \(outside.path)/secret, outside the repository; not followed",
            "note: passwd.cfg is a symbolic link to /etc/passwd, outside the repository; not followed",
            "note: up is a symbolic link to .., outside the repository; not followed",
        ] {
            #expect(result.output.contains(note + "\n"), "\(result.output)")
        }
    }

    @Test func readsThroughLinksThatStayInside() throws {
        let repository = try FixtureRepository(files: [
            "config/lb/haproxy.cfg": "frontend f\n    bind :5262 ssl crt /x.pem\n"
        ])
        try FileManager.default.createSymbolicLink(
            atPath: repository.root.appendingPathComponent("lb").path, withDestinationPath: "config/lb")
        let contained = ContainedFile(root: repository.root.resolvingSymlinksInPath().path)
        guard case .bytes(let bytes) = contained.read("lb/haproxy.cfg", sizeLimit: 1 << 20) else {
            Issue.record("a folder link inside the repository was not followed")
            return
        }
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("frontend f"))
        try FileManager.default.createSymbolicLink(
            atPath: repository.root.appendingPathComponent("a").path, withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(
            atPath: repository.root.appendingPathComponent("b").path, withDestinationPath: "a")
        guard case .refused(let reason) = contained.read("a/x.cfg", sizeLimit: 1 << 20) else {
            Issue.record("a link loop was read")
            return
        }
        #expect(reason == .leavesRepository("passes through more than 40 symbolic links; not followed"))
        guard case .refused(let fifo) = contained.read("config", sizeLimit: 1 << 20) else { return }
        #expect(fifo == .unreadable("is a folder on disk, not a file"))
    }
}
