/// Why a file's bytes were not read. The reasons that keep a scan inside the repository are
/// cases of their own, so callers decide on the case, never on the wording.
enum Skip: Sendable, Hashable, CustomStringConvertible {
    /// No such path in the snapshot.
    case notInRepository
    /// A symbolic link whose target is not a file of the repository.
    case danglingLink(target: String)
    case submodule
    case tooLarge(size: Int, limit: Int)
    /// A link (or a folder on the way) that leads out of the repository, too many links, or a
    /// path that is not inside the repository: the message says which.
    case leavesRepository(String)
    /// Not a regular file, not in a folder, an I/O or Git error: the message says which.
    case unreadable(String)

    var description: String {
        switch self {
        case .notInRepository: return "is not in the repository"
        case .danglingLink(let target):
            return "is a symbolic link whose target \(target) is not a file in the repository"
        case .submodule: return "is a Git submodule"
        case .tooLarge(let size, let limit): return Snapshot.tooLarge(size, limit)
        case .leavesRepository(let message), .unreadable(let message): return message
        }
    }

    /// A refusal that keeps the scan inside the repository: worth a note even for a link.
    var keepsScanContained: Bool {
        if case .leavesRepository = self { return true }
        return false
    }
}
