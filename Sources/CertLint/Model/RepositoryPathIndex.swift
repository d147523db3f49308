/// The repository's paths as a tree of folders, so that a pattern (`conf.d/*.conf`, one glob per
/// segment) finds its files by walking the folders it names: the cost follows the folders the
/// pattern reaches, not the size of the repository.
struct RepositoryPathIndex: Sendable {
    /// Children of each node by segment; node 0 is the root.
    private var children: [[Substring: Int]] = [[:]]
    /// The path of each node that is a file.
    private var files: [String?] = [nil]

    init(_ paths: [String]) {
        for path in paths {
            var node = 0
            // Split on the byte: a repository path's separator is ASCII, and bytes are cheaper than
            // characters.
            for bytes in path.utf8.split(separator: UInt8(ascii: "/")) {
                let segment = Substring(bytes)
                if let next = children[node][segment] {
                    node = next
                } else {
                    children.append([:])
                    files.append(nil)
                    children[node][segment] = children.count - 1
                    node = children.count - 1
                }
            }
            files[node] = path
        }
    }

    /// The files whose segments match `pattern`'s one by one (`*`, `?` and `[…]` within a
    /// segment, as `PathGlob.segmentMatches`), sorted.
    func files(matching pattern: [Substring]) -> [String] {
        var frontier = [0]
        for segment in pattern {
            var next: [Int] = []
            if segment.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                for node in frontier {
                    for (name, child) in children[node] where PathGlob.segmentMatches(segment, name) {
                        next.append(child)
                    }
                }
            } else {
                next = frontier.compactMap { children[$0][segment] }
            }
            frontier = next
            if frontier.isEmpty { return [] }
        }
        return frontier.compactMap { files[$0] }.sorted()
    }
}
