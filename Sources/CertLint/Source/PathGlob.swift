/// A gitignore-style glob: `*` and `?` stay inside one path segment, `**` spans segments, a
/// pattern without a slash matches a file or folder name at any depth, a trailing `/` matches a
/// folder and everything below it.
struct PathGlob: Sendable, Hashable {
    let pattern: String
    private let segments: [Substring]
    private let anchored: Bool

    init(_ pattern: String) {
        self.pattern = pattern
        var text = Substring(pattern)
        var directoryOnly = false
        if text.hasSuffix("/") {
            text = text.dropLast()
            directoryOnly = true
        }
        if text.hasPrefix("/") { text = text.dropFirst() }
        anchored = pattern.dropLast(directoryOnly ? 1 : 0).contains("/")
        var parts = text.split(separator: "/", omittingEmptySubsequences: true)
        if !anchored { parts.insert("**", at: 0) }
        // A match of a folder covers everything below it.
        parts.append("**")
        segments = parts
    }

    /// Whether a repository-relative path matches.
    func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return Self.match(segments[...], parts[...], mustConsume: true)
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>, mustConsume: Bool)
        -> Bool
    {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            let rest = pattern.dropFirst()
            // The trailing "**" must leave at least the file name matched by the pattern before it.
            if rest.isEmpty { return pattern.startIndex != 0 || !path.isEmpty }
            var remaining = path
            while true {
                if match(rest, remaining, mustConsume: mustConsume) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let segment = path.first, segmentMatches(head, segment) else { return false }
        return match(pattern.dropFirst(), path.dropFirst(), mustConsume: mustConsume)
    }

    /// `*` and `?` wildcards and `[abc]` classes within one segment.
    static func segmentMatches(_ pattern: Substring, _ text: Substring) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var pi = 0
        var ti = 0
        var starP = -1
        var starT = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "*" {
                starP = pi
                starT = ti
                pi += 1
            } else if pi < p.count, let width = classMatch(p, pi, t[ti]) {
                pi += width
                ti += 1
            } else if starP >= 0 {
                pi = starP + 1
                starT += 1
                ti = starT
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// How many pattern scalars matched `c` at `index`, or nil.
    private static func classMatch(_ p: [Unicode.Scalar], _ index: Int, _ c: Unicode.Scalar) -> Int? {
        switch p[index] {
        case "?": return 1
        case "[":
            guard let close = p[(index + 1)...].firstIndex(of: "]") else { return p[index] == c ? 1 : nil }
            var members = Array(p[(index + 1)..<close])
            let negated = members.first == "!" || members.first == "^"
            if negated { members.removeFirst() }
            var found = false
            var i = 0
            while i < members.count {
                if i + 2 < members.count, members[i + 1] == "-" {
                    if members[i].value <= c.value && c.value <= members[i + 2].value { found = true }
                    i += 3
                } else {
                    if members[i] == c { found = true }
                    i += 1
                }
            }
            return found != negated ? close - index + 1 : nil
        case "\\" where index + 1 < p.count:
            return p[index + 1] == c ? 2 : nil
        default:
            return p[index] == c ? 1 : nil
        }
    }
}
