/// One word of a line-based configuration, with the column (1-based) it starts at.
struct ConfigWord: Sendable, Hashable {
    let text: String
    let column: Int
}

/// Splits one line of a line-based configuration language (HAProxy, NetScaler) into words:
/// blanks separate words, a quote keeps blanks until the same quote closes it, a backslash
/// takes the next character as it is where the language says so, and a comment character
/// outside quotes ends the line. A quote left open is an error at its column.
struct QuotedWords {
    /// Characters that open, and close, a quoted part of a word.
    let quotes: Set<Character>
    /// The quotes inside which a backslash escapes (HAProxy's single quotes take it literally).
    let escapingQuotes: Set<Character>
    /// Whether a backslash escapes outside quotes too.
    let escapesOutsideQuotes: Bool
    let blanks: Set<Character>
    let comment: Character?

    /// HAProxy's words (`cfgparse.c`): `"…"` with escapes, `'…'` without, `\` outside quotes, `#`.
    static let haproxy = QuotedWords(
        quotes: ["\"", "'"], escapingQuotes: ["\""], escapesOutsideQuotes: true, blanks: [" ", "\t", "\r"],
        comment: "#")
    /// NetScaler CLI words: `"…"` with escapes; a backslash outside quotes is a plain character.
    static let netScaler = QuotedWords(
        quotes: ["\""], escapingQuotes: ["\""], escapesOutsideQuotes: false, blanks: [" ", "\t"], comment: nil)

    func split(_ line: Substring, line number: Int) throws(FormatError) -> [ConfigWord] {
        var words: [ConfigWord] = []
        var word = ""
        var start: Int?  // the column the current word began at
        var quote: (character: Character, column: Int)?
        var column = 0
        var iterator = line.makeIterator()
        func takeEscaped() {
            guard let next = iterator.next() else { return }
            column += 1
            word.append(next)
        }
        while let character = iterator.next() {
            column += 1
            if let open = quote {
                if character == open.character {
                    quote = nil
                } else if character == "\\" && escapingQuotes.contains(open.character) {
                    takeEscaped()
                } else {
                    word.append(character)
                }
            } else if blanks.contains(character) {
                if let begun = start { words.append(ConfigWord(text: word, column: begun)) }
                word = ""
                start = nil
            } else if character == comment {
                break
            } else {
                if start == nil { start = column }
                if quotes.contains(character) {
                    quote = (character, column)
                } else if character == "\\" && escapesOutsideQuotes {
                    takeEscaped()
                } else {
                    word.append(character)
                }
            }
        }
        if let open = quote {
            throw FormatError(
                "the quote \(open.character) opened here is not closed on this line", line: number, column: open.column)
        }
        if let begun = start { words.append(ConfigWord(text: word, column: begun)) }
        return words
    }
}
