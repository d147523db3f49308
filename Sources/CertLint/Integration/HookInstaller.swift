import Foundation

/// `certlint install-hook`: a plain `pre-commit` hook for teams without the pre-commit
/// framework. It scans the index, so unstaged changes in the working tree neither block nor pass
/// a commit.
package enum HookInstaller {
    static let marker = "# Installed by `certlint install-hook`"

    /// The hook script; `certlint` is the binary to run (an absolute path, or a name on PATH).
    static func script(certlint: String) -> String {
        """
        #!/bin/sh
        \(marker): checks what this commit records (the index).
        # Remove this file to stop it, or run `certlint install-hook --force` to rewrite it.
        CERTLINT="${CERTLINT:-\(certlint)}"
        command -v "$CERTLINT" >/dev/null 2>&1 || CERTLINT=certlint
        exec "$CERTLINT" scan --staged "$(git rev-parse --show-toplevel)"

        """
    }

    package struct Installation: Sendable, Equatable {
        package let hookPath: String
        /// Where a foreign hook was moved with `--force`.
        package let backupPath: String?
    }

    /// Writes the hook of the repository that holds `path`. A hook certlint did not write is
    /// left alone unless `force`, which keeps it as `pre-commit.certlint-backup`.
    package static func install(in path: String, certlint: String, force: Bool) throws -> Installation {
        guard let repository = try? GitRepository.discover(containing: path) else {
            throw CertLintError.hook(
                "\(path) is not inside a Git repository with a work tree; run install-hook inside the repository to protect."
            )
        }
        let hooks = repository.hooksDirectory()
        let hook = hooks + "/pre-commit"
        var backup: String?
        if let existing = FileManager.default.contents(atPath: hook).map({ String(decoding: $0, as: UTF8.self) }),
            !existing.contains(marker)
        {
            guard force else {
                throw CertLintError.hook(
                    "\(hook) is a pre-commit hook certlint did not write. Add `certlint scan --staged` to it yourself, or run `certlint install-hook --force` to replace it (the old hook is kept as pre-commit.certlint-backup)."
                )
            }
            backup = hook + ".certlint-backup"
            try? FileManager.default.removeItem(atPath: backup!)
            try FileManager.default.moveItem(atPath: hook, toPath: backup!)
        }
        do {
            try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
            try script(certlint: certlint).write(toFile: hook, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        } catch {
            throw CertLintError.hook(
                "\(hook) cannot be written (\(error.localizedDescription)). Check the permissions of \(hooks).")
        }
        return Installation(hookPath: hook, backupPath: backup)
    }
}
