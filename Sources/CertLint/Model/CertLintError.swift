/// Why a run could not be done at all (exit code 2). Every message says what to do.
public enum CertLintError: Error, Sendable, CustomStringConvertible, Equatable {
    case pathNotFound(String)
    case pathsInDifferentRepositories(String, String)
    case needsRepository(path: String, mode: SourceMode)
    case pathNotInRevision(String)
    case git(String)
    case configuration(path: String, line: Int, column: Int, keyPath: String, problem: String)
    case configurationUnreadable(path: String, reason: String)
    case rulePack(path: String, problem: String)
    case invalidDate(String)
    case unknownRule(String)
    case baseline(path: String, problem: String)
    case hook(String)

    public var description: String {
        switch self {
        case .pathNotFound(let path):
            return "\(path): no such file or folder. Pass the path of a repository or of a folder or file inside one."
        case .pathsInDifferentRepositories(let a, let b):
            return "\(a) and \(b) are in different repositories. Scan each repository with its own certlint run."
        case .needsRepository(let path, let mode):
            let flag = mode == .index ? "--staged" : "--rev"
            return "\(path) is not inside a Git repository, so \(flag) has nothing to read. Drop \(flag) to scan the folder as it is on disk."
        case .pathNotInRevision(let path):
            return "\(path) does not exist in the scanned revision or index. Check the path, or scan the working tree without --rev/--staged."
        case .git(let message):
            return "Git: \(message). Check that the repository is readable and that the revision exists (git rev-parse REV)."
        case .configuration(let path, let line, let column, let keyPath, let problem):
            return "\(path):\(line):\(column): \(keyPath): \(problem). Fix certlint.yaml; the README's \"certlint.yaml\" section lists every key."
        case .configurationUnreadable(let path, let reason):
            return "\(path): \(reason). Fix the file or point --config at a readable certlint.yaml."
        case .rulePack(let path, let problem):
            return "rule pack \(path): \(problem). A pack is a folder of YAML files in the form of certlint's own rules/ folder."
        case .invalidDate(let text):
            return "--as-of \(text): expected a date as YYYY-MM-DD, e.g. --as-of 2027-01-31."
        case .unknownRule(let id):
            return "\(id) is not a rule of the catalog. `certlint rules` lists them."
        case .baseline(let path, let problem):
            return "baseline \(path) \(problem)."
        case .hook(let message):
            return message
        }
    }
}
