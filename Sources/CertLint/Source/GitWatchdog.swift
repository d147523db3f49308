import Foundation

/// Bounds the time of one libgit2 call. libgit2 1.5.1 (Debian 12) can loop forever inflating a
/// truncated loose object; a linter that hangs in a pre-commit hook is worse than one that
/// stops. Each guarded call arms a deadline; a watcher thread ends the process with exit code 2
/// and a message naming what was being read when a call outlives it.
enum GitWatchdog {
    /// How long one libgit2 call may take (reads are bounded by `max-file-size`, so a healthy
    /// read takes milliseconds).
    static let limit: TimeInterval = 5

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        /// What is being read, made only when the message is needed: naming every object read
        /// (its ID as hex) cost a fifth of a cached `--rev` scan.
        var armed: (what: @Sendable () -> String, deadline: Date)?
        var started = false
    }
    private static let state = State()

    static func run<T>(_ what: @escaping @Sendable @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        arm(what)
        defer { disarm() }
        return try body()
    }

    private static func arm(_ what: @escaping @Sendable () -> String) {
        state.lock.lock()
        defer { state.lock.unlock() }
        state.armed = (what, Date().addingTimeInterval(limit))
        if !state.started {
            state.started = true
            let watcher = Thread { watch() }
            watcher.stackSize = 1 << 16
            watcher.start()
        }
    }

    private static func disarm() {
        state.lock.lock()
        state.armed = nil
        state.lock.unlock()
    }

    private static func watch() {
        while true {
            Thread.sleep(forTimeInterval: 0.25)
            state.lock.lock()
            let armed = state.armed
            state.lock.unlock()
            guard let armed, Date() > armed.deadline else { continue }
            let message =
                "certlint: error: Git: \(armed.what()) did not finish within \(Int(limit)) s; the object is probably corrupt. "
                + "Run `git fsck` to name the damaged objects, then restore them from another clone.\n"
            FileHandle.standardError.write(Data(message.utf8))
            _exit(2)
        }
    }
}
