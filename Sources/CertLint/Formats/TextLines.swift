extension StringProtocol {
    /// The lines of a text without their terminators, for `\n`, `\r\n` and `\r` alike. (A
    /// `\r\n` pair is one `Character` in Swift, so splitting on "\n" alone misses it.) Works on
    /// the UTF-8 view: splitting by `Character` costs grapheme breaking on every byte, which a
    /// 50 MB single-line file turns into seconds.
    var textLines: [SubSequence] {
        var lines: [SubSequence] = []
        let view = utf8
        var lineStart = view.startIndex
        var index = view.startIndex
        while index != view.endIndex {
            let byte = view[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(self[lineStart..<index])
                var next = view.index(after: index)
                if byte == 0x0D, next != view.endIndex, view[next] == 0x0A { next = view.index(after: next) }
                lineStart = next
                index = next
            } else {
                index = view.index(after: index)
            }
        }
        lines.append(self[lineStart..<view.endIndex])
        return lines
    }
}
