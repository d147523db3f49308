/// Typed, strict reading of a YAML configuration file (`certlint.yaml`, a stage file): an unknown
/// or repeated key, a wrong type or value is an exit-2 error naming the file, line, column and
/// the key's path, in the words the file's own error case adds to.
package struct StrictYAML<Failure: Error & Sendable>: Sendable {
    package let path: String
    private let error: @Sendable (_ line: Int, _ column: Int, _ keyPath: String, _ problem: String) -> Failure

    package init(
        path: String,
        error: @escaping @Sendable (_ line: Int, _ column: Int, _ keyPath: String, _ problem: String) -> Failure
    ) {
        self.path = path
        self.error = error
    }

    package func fail(_ node: YAMLNode, _ keyPath: String, _ problem: String) -> Failure {
        error(node.start.line, node.start.column, keyPath, problem)
    }

    package func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(path, node)
    }

    /// The keys of a mapping; `keyPath` in parentheses (`(top level)`) is not prefixed to its keys.
    package func mapping(_ node: YAMLNode, _ keyPath: String, allowed: Set<String>) throws(Failure) -> [String:
        YAMLNode]
    {
        guard let pairs = node.mapping else {
            throw fail(node, keyPath, "must be a mapping, found \(node.kindDescription)")
        }
        var result: [String: YAMLNode] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar else { throw fail(pair.key, keyPath, "has a key that is not a plain name") }
            let childPath = keyPath.hasPrefix("(") ? key : "\(keyPath).\(key)"
            guard allowed.contains(key) else {
                throw fail(
                    pair.key, childPath, "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            guard result[key] == nil else { throw fail(pair.key, childPath, "appears twice") }
            result[key] = pair.value
        }
        return result
    }

    package func string(_ node: YAMLNode, _ keyPath: String) throws(Failure) -> String {
        guard case .string(let text) = node.resolved, !text.isEmpty else {
            throw fail(node, keyPath, "must be a non-empty string, found \(node.kindDescription)")
        }
        return text
    }

    func integer(_ node: YAMLNode, _ keyPath: String) throws(Failure) -> Int {
        guard case .int(let value) = node.resolved else {
            throw fail(node, keyPath, "must be an integer, found \(node.kindDescription) '\(node.scalar ?? "")'")
        }
        return value
    }

    package func integer(_ node: YAMLNode, _ keyPath: String, in range: ClosedRange<Int>) throws(Failure) -> Int {
        let value = try integer(node, keyPath)
        guard range.contains(value) else {
            throw fail(node, keyPath, "must be from \(range.lowerBound) to \(range.upperBound), found \(value)")
        }
        return value
    }

    func boolean(_ node: YAMLNode, _ keyPath: String) throws(Failure) -> Bool {
        guard case .bool(let value) = node.resolved else {
            throw fail(node, keyPath, "must be true or false, found \(node.kindDescription) '\(node.scalar ?? "")'")
        }
        return value
    }

    package func port(_ node: YAMLNode, _ keyPath: String) throws(Failure) -> Int {
        let value = try integer(node, keyPath)
        guard (1...65535).contains(value) else {
            throw fail(node, keyPath, "must be a port number 1–65535, found \(value)")
        }
        return value
    }
}
