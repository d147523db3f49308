import Foundation

/// Whether a scan uses the fact cache, where it lives and how large it may grow: `--no-cache`,
/// `CERTLINT_CACHE_DIR` and `CERTLINT_CACHE_SIZE`.
package struct FactCacheSettings: Sendable, Equatable {
    package var enabled = true
    /// Where the cache lives; nil: inside the repository's Git folder, else the XDG cache folder.
    package var directory: String?
    package var maximumBytes = 512 << 20

    package init() {}

    /// The settings the environment asks for; a size certlint cannot read is exit 2.
    package static func fromEnvironment(_ environment: [String: String]) throws -> FactCacheSettings {
        var settings = FactCacheSettings()
        if let directory = environment["CERTLINT_CACHE_DIR"], !directory.isEmpty {
            guard directory.hasPrefix("/") else {
                throw CertLintError.cacheSetting(
                    "CERTLINT_CACHE_DIR is '\(directory)'; give an absolute path (or unset it for the default)")
            }
            settings.directory = directory
        }
        if let size = environment["CERTLINT_CACHE_SIZE"], !size.isEmpty {
            guard let bytes = byteCount(size) else {
                throw CertLintError.cacheSetting(
                    "CERTLINT_CACHE_SIZE is '\(size)'; give a size such as 512M or 2G (from 1M to 1T)")
            }
            settings.maximumBytes = bytes
        }
        return settings
    }

    /// `512M`, `2G`, `100000K` or bytes, from 1 MiB to 1 TiB.
    static func byteCount(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text)
        var unit = 1
        if let last = text.last?.uppercased().first, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let number = Int(digits) else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit)
        guard !overflow, bytes >= 1 << 20, bytes <= 1 << 40 else { return nil }
        return bytes
    }

    /// The cache folder for a snapshot: the one asked for, else `certlint/facts` in the Git
    /// folder worktrees share, else `certlint/facts` in `$XDG_CACHE_HOME` (or `~/.cache`).
    func folder(for snapshot: Snapshot, environment: [String: String]) -> String? {
        guard enabled, !snapshot.isInMemory else { return nil }
        return folder(repository: snapshot.repository, environment: environment)
    }

    func folder(repository: GitRepository?, environment: [String: String]) -> String? {
        if let directory { return directory }
        if let repository { return repository.commonDirectory + "/certlint/facts" }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/certlint/facts" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/certlint/facts" }
        return nil
    }
}
