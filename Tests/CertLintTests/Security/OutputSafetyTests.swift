import Foundation
import Testing

@testable import CertLint

/// Outputs never destroy: no write through a link, over a device, a pipe or a folder; a failed
/// write to standard output is exit 2 with a message; files are replaced atomically.
@Suite struct OutputSafetyTests {
    func certlint(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try run(CommandLineTests.binary, arguments, environment: ["NO_COLOR": "1", "PATH": "/usr/bin:/bin"])
    }

    @Test func refusesLinksDevicesPipesAndFolders() throws {
        let repository = try GoodDeployment.repository()
        let folder = repository.root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("precious.txt").path
        try "keep me\n".write(toFile: target, atomically: true, encoding: .utf8)
        let link = folder.appendingPathComponent("link.sarif").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let cases: [(String, String, String)] = [
            ("--sarif", link, "is a symbolic link; certlint does not write through links"),
            ("--junit", "/dev/null", "is not a regular file (a device, pipe or socket)"),
            ("--json", fifo, "is not a regular file (a device, pipe or socket)"),
            ("--sarif", folder.path, "is a folder"),
        ]
        for (flag, path, problem) in cases {
            let result = try certlint(["scan", repository.path, "--as-of", "2026-06-01", flag, path])
            #expect(result.status == 2)
            #expect(result.output.isEmpty)
            #expect(
                result.error
                    == "certlint: error: output \(path) \(problem). Pass the path of a regular file in a writable folder, or - for standard output.\n"
            )
        }
        let baseline = try certlint(["baseline", repository.path, "--output", link])
        #expect(baseline.status == 2)
        #expect(baseline.error.hasPrefix("certlint: error: output \(link) is a symbolic link"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
    }

    @Test func replacesRegularFilesAtomicallyKeepingTheirMode() throws {
        let repository = try GoodDeployment.repository()
        let path = repository.root.appendingPathComponent("report.sarif").path
        try "old".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(chmod(path, 0o600) == 0)
        let result = try certlint(["scan", repository.path, "--as-of", "2026-06-01", "--sarif", path])
        #expect(result.status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("{\n  \"$schema\""))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: repository.path).filter {
            $0.contains(".certlint-")
        }
        #expect(leftovers.isEmpty)
        let toStandardOutput = try certlint([
            "scan", repository.path, "--as-of", "2026-06-01", "--format", "json", "--sarif", "-",
        ])
        #expect(toStandardOutput.status == 0)
        #expect(toStandardOutput.output.hasPrefix("{\n  \"$schema\""))
    }

    @Test func aFailedWriteToStandardOutputIsExit2() throws {
        let repository = try GoodDeployment.repository(
            haproxy: GoodDeployment.haproxy.replacing("    option forwardfor\n", with: ""))
        // A full disk.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        process.arguments = ["scan", repository.path, "--as-of", "2026-06-01"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 2)
        #expect(
            message
                == "certlint: error: standard output cannot be written (No space left on device). Check the pipe or the disk certlint writes to.\n"
        )
        // A reader that went away (`certlint scan | head -0`): the pipe has no reader left.
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let broken = Process()
        broken.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        broken.arguments = ["scan", repository.path, "--as-of", "2026-06-01", "--format", "sarif"]
        broken.standardOutput = pipe
        let brokenErrors = Pipe()
        broken.standardError = brokenErrors
        try broken.run()
        try pipe.fileHandleForWriting.close()
        let brokenMessage = String(decoding: brokenErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        broken.waitUntilExit()
        #expect(broken.terminationReason == .exit && broken.terminationStatus == 2)
        #expect(
            brokenMessage
                == "certlint: error: standard output cannot be written (Broken pipe). Check the pipe or the disk certlint writes to.\n"
        )
    }
}
