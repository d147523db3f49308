/// A place in a scanned file: repository-relative path and 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let column: Int
    public let endLine: Int?
    public let endColumn: Int?

    public init(path: String, line: Int, column: Int = 1, endLine: Int? = nil, endColumn: Int? = nil) {
        self.path = path
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.endLine = endLine
        self.endColumn = endColumn
    }

    /// The start of a file, for facts about a whole file.
    public static func file(_ path: String) -> SourceLocation { SourceLocation(path: path, line: 1) }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }

    /// `path:line:col`, as compilers and editors print it.
    public var description: String { "\(path):\(line):\(column)" }
}

/// A position inside a text: 1-based line and column (columns count Unicode scalars).
public struct TextPosition: Hashable, Sendable, Comparable {
    public let line: Int
    public let column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (a: TextPosition, b: TextPosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
}
