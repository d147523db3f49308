import Foundation

/// Where certlint writes a report, a baseline or the proxy's connection log: `-` (standard
/// output) or a regular file. Never through a symbolic link, never over a device, a folder or
/// anything else that is not a regular file; a file is replaced atomically (a temporary file in
/// the same folder, then a rename), keeping its permissions.
package struct OutputFile: Sendable, Equatable {
    let path: String

    /// Checks the path before the run does any work, so a bad path costs nothing.
    package init(_ path: String) throws(CertLintError) {
        self.path = path
        if path == "-" { return }
        guard !path.isEmpty else { throw CertLintError.output(path: path, problem: "is empty") }
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFLNK:
                throw CertLintError.output(
                    path: path, problem: "is a symbolic link; certlint does not write through links")
            case S_IFDIR: throw CertLintError.output(path: path, problem: "is a folder")
            default: throw CertLintError.output(path: path, problem: "is not a regular file (a device, pipe or socket)")
            }
            guard access(path, W_OK) == 0 else {
                throw CertLintError.output(path: path, problem: "is not writable (\(Self.reason(errno)))")
            }
        }
        let folder = Self.folder(of: path)
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
            throw CertLintError.output(path: path, problem: "is in \(folder), which is not a folder")
        }
        guard access(folder, W_OK) == 0 else {
            throw CertLintError.output(
                path: path, problem: "cannot be created: \(folder) is not writable (\(Self.reason(errno)))")
        }
    }

    var isStandardOutput: Bool { path == "-" }

    /// Writes the whole text: to standard output, or to a temporary file that then replaces
    /// the target (checked again just before, so a link put there since is not written through).
    package func write(_ text: String) throws(CertLintError) {
        let bytes = Array(text.utf8)
        if isStandardOutput {
            try StandardOutput.write(bytes)
            return
        }
        _ = try OutputFile(path)
        let folder = Self.folder(of: path)
        var mode: mode_t = 0o644
        var info = stat()
        if lstat(path, &info) == 0 { mode = info.st_mode & 0o7777 }
        let temporary =
            folder + "/." + ((path as NSString).lastPathComponent)
            + ".certlint-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw CertLintError.output(path: path, problem: "cannot be written (\(Self.reason(errno)))")
        }
        do throws(CertLintError) {
            try Self.writeAll(bytes, to: descriptor, path: path)
            guard fsync(descriptor) == 0 || errno == EINVAL else {
                throw CertLintError.output(path: path, problem: "cannot be written (\(Self.reason(errno)))")
            }
            close(descriptor)
            guard rename(temporary, path) == 0 else {
                throw CertLintError.output(path: path, problem: "cannot be replaced (\(Self.reason(errno)))")
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
    }

    /// Opens the file for a log written while the run goes (the proxy's `--report`): created
    /// or truncated, never through a link.
    package func openForLogging() throws(CertLintError) -> FileHandle {
        if isStandardOutput { return FileHandle.standardOutput }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CertLintError.output(path: path, problem: "cannot be written (\(Self.reason(errno)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw CertLintError.output(path: path, problem: "is not a regular file (a device, pipe or socket)")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(CertLintError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CertLintError.output(path: path, problem: "cannot be written (\(reason(errno)))")
            }
            offset += written
        }
    }

    static func folder(of path: String) -> String {
        let folder = LocalPath.folder(of: path)
        return folder.isEmpty ? "." : folder
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Standard output, written with `write(2)` so that a closed pipe or a full disk is an error
/// certlint reports (exit 2), not a signal or a trap. `SIGPIPE` is ignored once, at start.
package enum StandardOutput {
    package static func ignoreBrokenPipeSignal() { signal(SIGPIPE, SIG_IGN) }

    package static func write(_ text: String) throws(CertLintError) { try write(Array(text.utf8)) }

    static func write(_ bytes: [UInt8]) throws(CertLintError) {
        try OutputFile.writeAll(bytes, to: STDOUT_FILENO, path: "standard output")
    }
}
