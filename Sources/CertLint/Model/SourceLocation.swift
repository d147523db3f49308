/// A place in a scanned file: repository-relative path and 1-based line and column.
package struct SourceLocation: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    let path: String
    package let line: Int
    package let column: Int
    let endLine: Int?
    let endColumn: Int?

    package init(path: String, line: Int, column: Int = 1, endLine: Int? = nil, endColumn: Int? = nil) {
        self.path = path
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.endLine = endLine
        self.endColumn = endColumn
    }

    /// The start of a file, for facts about a whole file.
    package static func file(_ path: String) -> SourceLocation { SourceLocation(path: path, line: 1) }

    package static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }

    /// `path:line:col`, as compilers and editors print it.
    package var description: String { "\(path):\(line):\(column)" }
}

/// A position inside a text: 1-based line and column (columns count Unicode scalars).
package struct TextPosition: Hashable, Sendable, Comparable, Codable {
    package let line: Int
    package let column: Int
    package static func < (a: TextPosition, b: TextPosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
}
