/// One parsed NGINX file.
struct NGINXSource: Sendable, Codable {
    let path: String
    let directives: [NGINXDirective]
}

/// Parses NGINX configurations (a `.conf` file or a name containing `nginx`, holding `server`,
/// `http`, `stream`, `upstream`, `listen`, `proxy_pass`, `location` or `ssl_certificate`).
/// Includes span files, so `NGINXProject` reads the listeners once every file is parsed.
struct NGINXExtractor: Extractor {
    let format = "NGINX"
    init() {}

    static let keywords: Set<Substring> = [
        "server", "http", "stream", "upstream", "listen", "location", "proxy_pass", "ssl_certificate",
    ]

    /// A line that starts with an NGINX context or proxy directive.
    func claims(_ file: ScannedFile) -> Bool {
        guard !file.isBinary, file.fileExtension == "conf" || file.name.lowercased().contains("nginx") else {
            return false
        }
        guard
            ["server", "http", "stream", "listen", "location", "proxy_pass", "ssl_certificate"].contains(where: {
                file.contains($0)
            })
        else { return false }
        let text = String(decoding: file.bytes.prefix(1 << 20), as: UTF8.self)
        return text.textLines.contains { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let word = trimmed.prefix { $0 != " " && $0 != "\t" && $0 != "{" }
            return Self.keywords.contains(word) && trimmed.count > word.count
        }
    }

    func extract(_ file: ScannedFile) throws -> FileFacts {
        var facts = FileFacts()
        let text = file.byteText()
        // Jinja, Jekyll or Go templates of a configuration are not configuration yet.
        if text.contains("{{") || text.contains("{%") {
            facts.notes.append(
                ScanNote(
                    path: file.path, message: "is a template ({{ … }} or {% … %}); not read as NGINX configuration"))
            return facts
        }
        facts.nginx = [NGINXSource(path: file.path, directives: try NGINXParser.parse(text, path: file.path))]
        return facts
    }
}

/// NGINX configurations as load-balancer listeners.
///
/// In NGINX's terms: an `http { server { … } }` is Layer 7 and terminates TLS when its `listen`
/// has `ssl`; `proxy_pass https://…` re-encrypts to the upstream; `proxy_set_header
/// X-Forwarded-For …` and `proxy_set_header RemotePort $remote_port` insert the headers. A
/// `stream { server { … } }` is Layer 4: without `ssl` on `listen` it passes TCP through (with
/// `ssl_preread` it only peeks at the SNI), and `proxy_ssl on` would open TLS to the upstream.
/// `include` is followed (globs; a relative path from the configuration prefix, which is the
/// folder of the main file that no other file includes, as NGINX does; an absolute path by
/// its longest suffix that names repository files); a cycle is CP900, an include that matches
/// nothing a note.
struct NGINXProject {
    let sources: [NGINXSource]
    /// Every path of the repository, for includes to match.
    let listed: [String]
    /// `listed` as a folder tree, built when the first include is matched.
    private var index: RepositoryPathIndex?
    let readFile: (String) -> String?

    init(sources: [NGINXSource], listed: [String], readFile: @escaping (String) -> String?) {
        self.sources = sources
        self.listed = listed
        self.readFile = readFile
    }
    /// Files spliced in while expanding the current root.
    var visitedFiles: Set<String> = []
    /// Directives spliced in for the current root, against `maximumDirectives`.
    var splicedDirectives = 0
    /// Whether the current root hit a limit (reported once).
    var overLimit = false
    /// Include patterns already matched, by the folder they were matched from.
    var matches: [String: (files: [String], assumed: String?)] = [:]
    /// Each file's directives, parsed once (an unparsable file has none).
    var parsed: [String: [NGINXDirective]] = [:]
    var notes: [ScanNote] = []
    var failures: [ParseFailure] = []

    /// An include tree bigger than this (an include diamond doubles at each level) or deeper
    /// than `maximumIncludeDepth` is CP900 at the include that crosses the limit.
    static let maximumDirectives = 100_000
    static let maximumIncludeDepth = 16

    mutating func listeners(notes: inout [ScanNote], failures: inout [ParseFailure]) -> [Listener] {
        parsed = Dictionary(sources.map { ($0.path, $0.directives) }, uniquingKeysWith: { a, _ in a })
        defer {
            notes += self.notes
            failures += self.failures
        }
        // Files some other file includes are read through their includer, not on their own.
        var included: Set<String> = []
        for source in sources {
            for include in Self.all("include", in: source.directives) {
                for argument in include.arguments {
                    included.formUnion(
                        cachedMatch(argument, prefix: String(RepositoryPath.folder(of: source.path))).files)
                }
            }
        }
        var listeners: [Listener] = []
        // Roots first; then any file only reachable through a cycle of includes.
        var visited: Set<String> = []
        let ordered = sources.filter { !included.contains($0.path) } + sources.filter { included.contains($0.path) }
        for source in ordered where !visited.contains(source.path) {
            visited.insert(source.path)
            var stack = [source.path]
            visitedFiles = []
            splicedDirectives = 0
            overLimit = false
            let expanded = expand(
                source.directives, path: source.path, prefix: String(RepositoryPath.folder(of: source.path)),
                stack: &stack)
            visited.formUnion(visitedFiles)
            for directive in Self.all("ssl_protocols", in: expanded) where NGINXTLSVersions.read(directive) == nil {
                fail(
                    directive.path,
                    "ssl_protocols: invalid value; expected SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3",
                    at: directive)
            }
            listeners += NGINXListeners(base: String(RepositoryPath.folder(of: source.path))).read(expanded)
        }
        return listeners
    }

    /// Every directive called `name`, at any depth (iterative).
    private static func all(_ name: String, in directives: [NGINXDirective]) -> [NGINXDirective] {
        var found: [NGINXDirective] = []
        var pending = directives
        while let directive = pending.popLast() {
            if directive.name == name { found.append(directive) }
            pending += directive.block ?? []
        }
        return found
    }

    /// Files an include names, seen from a configuration prefix.
    private mutating func cachedMatch(_ pattern: String, prefix: String) -> (files: [String], assumed: String?) {
        let key = prefix + "\u{0}" + pattern
        if let known = matches[key] { return known }
        if index == nil { index = RepositoryPathIndex(listed) }
        let found = match(pattern, prefix: prefix)
        matches[key] = found
        return found
    }

    /// Repository files an include pattern names: a relative path from the prefix (or, when
    /// nothing is there, from a folder above it, which is then the assumed prefix), an absolute
    /// path by its longest suffix that names repository files.
    private func match(_ pattern: String, prefix: String) -> (files: [String], assumed: String?) {
        var candidates: [(path: String, folder: String?)] = []
        if pattern.hasPrefix("/") {
            var parts = pattern.split(separator: "/").map(String.init)
            while !parts.isEmpty {
                candidates.append((parts.joined(separator: "/"), nil))
                parts.removeFirst()
            }
        } else {
            var folder = prefix
            while true {
                candidates.append(
                    (
                        RepositoryPath.resolve(pattern, from: folder),
                        folder == prefix ? nil : folder
                    ))
                guard !folder.isEmpty else { break }
                folder = String(RepositoryPath.folder(of: folder))
            }
        }
        for candidate in candidates {
            let found = index?.files(matching: candidate.path.split(separator: "/")) ?? []
            if !found.isEmpty { return (found, candidate.folder) }
        }
        return ([], nil)
    }

    /// Replaces `include` directives by the directives of the files they name (each keeps its
    /// own file and line). Recursion is bounded: blocks by the parser's depth limit, includes by
    /// `maximumIncludeDepth`.
    private mutating func expand(
        _ directives: [NGINXDirective], path: String, prefix: String, stack: inout [String]
    ) -> [NGINXDirective] {
        var result: [NGINXDirective] = []
        for directive in directives {
            if directive.name == "include" {
                guard splice(directive, path: path, prefix: prefix, stack: &stack, into: &result) else { return result }
            } else if let block = directive.block {
                result.append(directive.with(block: expand(block, path: path, prefix: prefix, stack: &stack)))
            } else {
                result.append(directive)
            }
        }
        return result
    }

    /// Splices the files an include names into `result`; false when a limit stops reading includes.
    private mutating func splice(
        _ include: NGINXDirective, path: String, prefix: String, stack: inout [String],
        into result: inout [NGINXDirective]
    ) -> Bool {
        for pattern in include.arguments {
            for file in files(pattern, of: include, path: path, prefix: prefix, root: stack[0]) {
                if let cycle = stack.firstIndex(of: file) {
                    fail(path, "include cycle: \((stack[cycle...] + [file]).joined(separator: " → "))", at: include)
                    continue
                }
                guard !overLimit else { return false }
                if stack.count >= Self.maximumIncludeDepth || splicedDirectives > Self.maximumDirectives {
                    overLimit = true
                    let problem =
                        stack.count >= Self.maximumIncludeDepth
                        ? "includes nest deeper than \(Self.maximumIncludeDepth) files"
                        : "includes expand to more than \(Self.maximumDirectives) directives (the same files included over and over)"
                    fail(path, "\(problem); certlint stops reading includes here", at: include)
                    return false
                }
                guard let directives = directives(of: file) else { continue }
                stack.append(file)
                visitedFiles.insert(file)
                splicedDirectives += directives.count
                result += expand(directives, path: file, prefix: prefix, stack: &stack)
                stack.removeLast()
            }
        }
        return true
    }

    /// The files an include pattern names, with a note when it names none or only outside the prefix.
    private mutating func files(
        _ pattern: String, of include: NGINXDirective, path: String, prefix: String, root: String
    ) -> [String] {
        let (files, assumed) = cachedMatch(pattern, prefix: prefix)
        if files.isEmpty {
            notes.append(
                ScanNote(
                    path: path,
                    message:
                        "line \(include.line): include \(pattern) matches no file in the repository; its directives are not read"
                ))
        } else if let assumed {
            let shown = prefix.isEmpty ? "the repository root" : prefix
            notes.append(
                ScanNote(
                    path: path,
                    message:
                        "line \(include.line): include \(pattern) names no file under \(shown) (the folder of \(root), NGINX's prefix); read from \(assumed.isEmpty ? "the repository root" : assumed) instead"
                ))
        }
        return files
    }

    /// A file's directives, read and parsed once; nil when it cannot be read.
    private mutating func directives(of file: String) -> [NGINXDirective]? {
        if let known = parsed[file] { return known }
        guard let text = readFile(file) else { return nil }
        do {
            parsed[file] = try NGINXParser.parse(text, path: file)
        } catch {
            failures.append(ParseFailure(path: file, format: "NGINX", error: error))
            parsed[file] = []
        }
        return parsed[file]
    }

    private mutating func fail(_ path: String, _ message: String, at directive: NGINXDirective) {
        failures.append(
            ParseFailure(
                path: path, format: "NGINX",
                error: FormatError(message, line: directive.line, column: directive.column)))
    }
}
