/// The one way a parsed node becomes a finding's location: where it starts and where it ends,
/// in the file at `path`.
extension SourceLocation {
    /// An HCL node's range.
    init(_ path: String, _ range: SourceRange) {
        self.init(
            path: path, line: range.start.line, column: range.start.column, endLine: range.end.line,
            endColumn: range.end.column)
    }

    /// A YAML (or JSON) node's extent.
    init(_ path: String, _ node: YAMLNode) {
        self.init(
            path: path, line: node.start.line, column: node.start.column, endLine: node.end.line,
            endColumn: node.end.column)
    }
}
