import Foundation

/// The bytes of every file a scan read, as the scan's source mode gave them (working tree, index
/// or revision), so a finding made after the scan (a live check) shows the same line a scan
/// finding would. Lines are split once per file, on first use; the lines inside a PEM private
/// key are replaced by a marker there, so no snippet can show a piece of a key. Files the fact
/// cache answered for without reading are read here, the first time a snippet needs them.
final class ScannedTexts: @unchecked Sendable {
    private var files: [String: [UInt8]]
    private let lock = NSLock()
    private var lines: [String: [String]] = [:]
    private var unread: Set<String>
    private let readUnread: (String) -> [UInt8]?

    init(_ files: [String: [UInt8]], unread: Set<String> = [], read: @escaping (String) -> [UInt8]? = { _ in nil }) {
        self.files = files
        self.unread = unread
        self.readUnread = read
    }

    /// The text of the location's line, or nil when the file was not read or is shorter.
    func line(at location: SourceLocation) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if unread.remove(location.path) != nil, let bytes = readUnread(location.path) {
            files[location.path] = bytes
        }
        if lines[location.path] == nil, let bytes = files[location.path] {
            lines[location.path] = Redactor.keyBodiesHidden(
                String(decoding: bytes, as: UTF8.self).textLines.map(String.init))
        }
        guard let fileLines = lines[location.path], location.line <= fileLines.count else { return nil }
        return fileLines[location.line - 1]
    }
}
