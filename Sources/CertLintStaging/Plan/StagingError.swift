import CertLint

/// Why `certlint proxy` (or the stage file of `certlint verify`) could not run at all (exit code 2).
/// Every message says what to do.
package enum StagingError: RunFailure, Equatable {
    /// A stage file's key is wrong: where, which key, and what is wrong with it.
    case stage(path: String, line: Int, column: Int, keyPath: String, problem: String)
    case stageUnreadable(path: String, reason: String)
    /// The repository or the command line gives the proxy nothing it can run.
    case proxy(String)

    package var description: String {
        switch self {
        case .stage(let path, let line, let column, let keyPath, let problem):
            return
                "\(path):\(line):\(column): \(keyPath): \(problem). Fix the stage file; the README's \"Staging\" section lists every key."
        case .stageUnreadable(let path, let reason):
            return "\(path): \(reason). Pass a readable stage file with --stage."
        case .proxy(let message):
            return "\(message)."
        }
    }
}
