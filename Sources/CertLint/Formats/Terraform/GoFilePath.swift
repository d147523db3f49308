/// Terraform's `dirname` and `basename` are Go's `filepath.Dir` and `filepath.Base`; these are
/// their rules for `/`-separated paths, including `Clean`'s lexical processing.
enum GoFilePath {
    /// `Clean`: one `/` between names, `.` removed, `..` removed with the name before it, `..`
    /// at the start of a rooted path removed; "" becomes `.`.
    static func clean(_ path: Substring) -> String {
        guard !path.isEmpty else { return "." }
        let rooted = path.hasPrefix("/")
        var names: [Substring] = []
        for name in path.split(separator: "/") {
            switch name {
            case ".": continue
            case "..":
                if let last = names.last, last != ".." {
                    names.removeLast()
                } else if !rooted {
                    names.append(name)
                }
            default: names.append(name)
            }
        }
        let cleaned = (rooted ? "/" : "") + names.joined(separator: "/")
        return cleaned.isEmpty ? "." : cleaned
    }

    /// `Dir`: everything before the last `/`, cleaned.
    static func dir(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return clean(path[...slash])
    }

    /// `Base`: the last name, trailing `/` ignored; "" is `.`, only slashes is `/`.
    static func base(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        var text = Substring(path)
        while text.hasSuffix("/") { text = text.dropLast() }
        guard !text.isEmpty else { return "/" }
        return String(text.lastIndex(of: "/").map { text[text.index(after: $0)...] } ?? text)
    }
}
