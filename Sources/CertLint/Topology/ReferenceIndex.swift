/// Finds the repository file a configuration means by a path that may be written for another
/// machine (`/etc/haproxy/certs/x.pem`): relative to the configuration file, then to the
/// repository root, then by its file name: the one file of that name in the nearest folder
/// around the configuration that holds any (so `deployments/a/lb/haproxy.cfg` finds
/// `deployments/a/certs/x.pem` even when every deployment has an `x.pem`).
struct ReferenceIndex {
    enum Resolution: Equatable {
        case file(String)
        case missing(tried: [String])
        case ambiguous([String])
        case folder(String)
    }

    private let paths: Set<String>
    private let byName: [String: [String]]
    private let folders: Set<String>
    private let foldersByName: [String: [String]]

    init(paths: [String]) {
        self.paths = Set(paths)
        var byName: [String: [String]] = [:]
        var folders: Set<String> = []
        for path in paths {
            byName[String(RepositoryPath.name(of: path)), default: []].append(path)
            // From the deepest folder up; once one is known, so are the folders above it.
            var folder = RepositoryPath.folder(of: path)
            while !folder.isEmpty, folders.insert(String(folder)).inserted {
                folder = RepositoryPath.folder(of: folder)
            }
        }
        self.byName = byName
        self.folders = folders
        var foldersByName: [String: [String]] = [:]
        for folder in folders {
            foldersByName[String(RepositoryPath.name(of: folder)), default: []].append(folder)
        }
        self.foldersByName = foldersByName
    }

    func resolve(_ reference: FileReference) -> Resolution {
        let written = reference.path
        var candidates: [String] = []
        if !written.hasPrefix("/") {
            candidates.append(
                RepositoryPath.resolve(written, from: reference.baseDirectory))
        } else {
            candidates.append(RepositoryPath.normalise(reference.baseDirectory + written))
        }
        candidates.append(RepositoryPath.normalise(written))
        candidates = candidates.filter { !$0.isEmpty }
        for candidate in candidates {
            if paths.contains(candidate) { return .file(candidate) }
        }
        for candidate in candidates where folders.contains(candidate) { return .folder(candidate) }
        let name = String(written.split(separator: "/").last ?? "")
        let sameName = byName[name] ?? []
        if sameName.count == 1 { return .file(sameName[0]) }
        if sameName.count > 1 {
            var folder = Substring(reference.baseDirectory)
            while true {
                let inside = folder.isEmpty ? sameName : sameName.filter { $0.hasPrefix(folder + "/") }
                if inside.count == 1 { return .file(inside[0]) }
                if inside.count > 1 || folder.isEmpty { return .ambiguous(inside.sorted()) }
                folder = RepositoryPath.folder(of: folder)
            }
        }
        if let folder = foldersByName[name], folder.count == 1 { return .folder(folder[0]) }
        var tried = candidates
        tried.append("any file named \(name)")
        return .missing(tried: tried)
    }
}
