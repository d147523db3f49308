/// A path on this machine (a command-line argument, an output file, the cache folder) split at
/// its last `/` without `NSString`'s path methods: swift-corelibs-foundation 6.3.1 crashes in
/// `deletingLastPathComponent` when the string is one character long (`--sarif x` did).
enum LocalPath {
    /// `/a/b/c` → `/a/b`, `/a` → `/`, `a` → "", `a//b/` → `a`: what `deletingLastPathComponent`
    /// gives where it does not crash.
    static func folder(of path: String) -> String {
        var text = Substring(path)
        while text.count > 1 && text.hasSuffix("/") { text = text.dropLast() }
        guard let slash = text.lastIndex(of: "/") else { return "" }
        var folder = text[...slash]
        while folder.count > 1 && folder.hasSuffix("/") { folder = folder.dropLast() }
        return String(folder)
    }
}
