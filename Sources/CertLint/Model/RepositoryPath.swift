/// What every stage after Source knows about a path inside the repository: `/`-separated,
/// relative to the repository's root, "" for the root itself. One place for its folder, its
/// name, the folders that enclose it, and a path written relative to a folder.
enum RepositoryPath {
    /// `lb/prod/haproxy.cfg` → `lb/prod`; a path at the root → "".
    static func folder<Path: StringProtocol>(of path: Path) -> Path.SubSequence {
        guard let slash = lastSlash(in: path) else { return path[path.startIndex..<path.startIndex] }
        return path[..<slash]
    }

    /// `lb/prod/haproxy.cfg` → `haproxy.cfg`.
    static func name<Path: StringProtocol>(of path: Path) -> Path.SubSequence {
        guard let slash = lastSlash(in: path) else { return path[...] }
        return path[path.index(after: slash)...]
    }

    /// The last `/`, found among the UTF-8 bytes: searching characters decides grapheme
    /// boundaries on the way, which cost more than the rest of building the path index.
    private static func lastSlash<Path: StringProtocol>(in path: Path) -> String.Index? {
        if let string = path as? String { return string.utf8.lastIndex(of: UInt8(ascii: "/")) }
        if let substring = path as? Substring { return substring.utf8.lastIndex(of: UInt8(ascii: "/")) }
        return path.lastIndex(of: "/")
    }

    /// `lb/prod/haproxy.cfg`, `lb/prod`, `lb`: the path and each folder that encloses it, nearest
    /// first, without the root.
    static func selfAndEnclosingFolders(of path: String) -> [Substring] {
        var result: [Substring] = []
        var current = Substring(path)
        while !current.isEmpty {
            result.append(current)
            current = folder(of: current)
        }
        return result
    }

    /// Whether `path` is `folder` or inside it; everything is inside the root "".
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder.isEmpty || path == folder || path.hasPrefix(folder + "/")
    }

    /// A path written relative to `folder` (`../certs/a.pem` from `lb/prod`), as a repository path
    /// (`lb/certs/a.pem`); "" when it climbs above the root.
    static func resolve(_ written: String, from folder: some StringProtocol) -> String {
        normalise(folder.isEmpty ? written : folder + "/" + written)
    }

    /// `a/./b/../c` → `a/c`; a path that climbs above the root becomes "".
    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..":
                if parts.isEmpty { return "" }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}
