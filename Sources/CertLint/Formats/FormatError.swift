/// A scanned file that could not be read as its format; reported as CP900.
package struct FormatError: Error, Sendable, Hashable, Codable {
    package let message: String
    package let position: TextPosition

    init(_ message: String, at position: TextPosition) {
        self.message = message
        self.position = position
    }

    init(_ message: String, line: Int, column: Int = 1) {
        self.init(message, at: TextPosition(line: line, column: column))
    }
}

/// Text of a scanned file, decoded strictly: a file that is not UTF-8 is a format error that says
/// where the first bad byte is.
enum TextDecoding {
    static func utf8(_ bytes: [UInt8]) throws(FormatError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Find the first invalid byte for the message.
        var line = 1
        var column = 1
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length == 0 {
                let hex = String(bytes[index], radix: 16, uppercase: true)
                throw FormatError(
                    "file is not valid UTF-8: byte 0x\(hex.count == 1 ? "0" + hex : hex) cannot start or continue a character",
                    line: line, column: column)
            }
            if bytes[index] == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += length
        }
        throw FormatError("file is not valid UTF-8", line: line, column: column)
    }

    private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        let slice = Array(bytes[index..<index + length])
        return String(validating: slice, as: UTF8.self) == nil ? 0 : length
    }
}
