/// Why a run could not be done at all: the command line prints the description and exits 2.
/// Each module's own error type conforms (`CertLintError` here, `StagingError` for the proxy).
package protocol RunFailure: Error, Sendable, CustomStringConvertible {}

/// Why a scan or live check could not be done at all (exit code 2). Every message says what to do.
package enum CertLintError: RunFailure, Equatable {
    case pathNotFound(String)
    case pathsInDifferentRepositories(String, String)
    case needsRepository(path: String, mode: SourceMode)
    case pathNotInRevision(String)
    case git(String)
    case configuration(path: String, line: Int, column: Int, keyPath: String, problem: String)
    case configurationUnreadable(path: String, reason: String)
    case rulePack(path: String, problem: String)
    case invalidDate(String)
    /// A fact cache setting from the environment certlint cannot use.
    case cacheSetting(String)
    case unknownRule(String)
    case baseline(path: String, problem: String)
    case hook(String)
    case invalidEndpoint(String)
    case endpointHost(String, known: [String])
    case endpointPort(String, deployment: String, ports: [Int])
    case output(path: String, problem: String)
    case bareRepository(path: String)
    case corruptObjects([String])
    case unknownDeployment(String, known: [String])

    package var description: String {
        switch self {
        case .unknownDeployment(let name, let known):
            let list = known.isEmpty ? "the scan found none" : "it has \(known.joined(separator: ", "))"
            return "no deployment is named \(name); \(list). Pass one of those to --deployment, or leave it out."
        case .pathNotFound(let path):
            return "\(path): no such file or folder. Pass the path of a repository or of a folder or file inside one."
        case .pathsInDifferentRepositories(let a, let b):
            return "\(a) and \(b) are in different repositories. Scan each repository with its own certlint run."
        case .needsRepository(let path, let mode):
            let flag = mode == .index ? "--staged" : "--rev"
            return
                "\(path) is not inside a Git repository, so \(flag) has nothing to read. Drop \(flag) to scan the folder as it is on disk."
        case .pathNotInRevision(let path):
            return
                "\(path) does not exist in the scanned revision or index. Check the path, or scan the working tree without --rev/--staged."
        case .git(let message):
            return
                "Git: \(message). Check that the repository is readable and that the revision exists (git rev-parse REV)."
        case .configuration(let path, let line, let column, let keyPath, let problem):
            return
                "\(path):\(line):\(column): \(keyPath): \(problem). Fix certlint.yaml; the README's \"certlint.yaml\" section lists every key."
        case .configurationUnreadable(let path, let reason):
            return "\(path): \(reason). Fix the file or point --config at a readable certlint.yaml."
        case .cacheSetting(let problem):
            return "\(problem)."
        case .rulePack(let path, let problem):
            return
                "rule pack \(path): \(problem). A pack is a folder of YAML files: rules: and matrix rows as in certlint's rules/ folder, checks: as docs/policy-packs.md describes."
        case .invalidEndpoint(let text):
            return
                "--endpoint \(text): expected HOST:PORT or HOST:PORT@ADDRESS:PORT, e.g. --endpoint access.example.com:443 or --endpoint wsa1.example.dmz:5262@10.0.0.11:5262."
        case .endpointHost(let endpoint, let known):
            let names =
                known.isEmpty
                ? "the repository declares no deployment (add one to certlint.yaml)"
                : "the deployments name \(known.joined(separator: ", "))"
            return
                "endpoint \(endpoint): its host is neither the VIP nor a node of a deployment; \(names). Name the endpoint as the repository does and give the real address after @."
        case .endpointPort(let endpoint, let deployment, let ports):
            return
                "endpoint \(endpoint): deployment \(deployment) has no role for that port; use one of \(ports.map(String.init).joined(separator: ", ")) and give the real port after @ (HOST:443@ADDRESS:8443)."
        case .invalidDate(let text):
            return "--as-of \(text): expected a date as YYYY-MM-DD, e.g. --as-of 2027-01-31."
        case .unknownRule(let id):
            return "\(id) is not a rule of the catalog. `certlint rules` lists them."
        case .baseline(let path, let problem):
            return "baseline \(path) \(problem)."
        case .hook(let message):
            return message
        case .bareRepository(let path):
            return
                "\(path) is a bare repository: it has no work tree or index to scan. Scan a revision with --rev REV (e.g. --rev HEAD)."
        case .corruptObjects(let objects):
            let shown =
                objects.prefix(5).joined(separator: "; ") + (objects.count > 5 ? "; and \(objects.count - 5) more" : "")
            return
                "Git objects could not be read: \(shown). Run `git fsck` to list the damaged objects, then restore them from another clone."
        case .output(let path, let problem):
            if path == "standard output" {
                return "standard output \(problem). Check the pipe or the disk certlint writes to."
            }
            return
                "output \(path) \(problem). Pass the path of a regular file in a writable folder, or - for standard output."
        }
    }
}
