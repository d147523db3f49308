extension StringProtocol {
    /// The lines of a text without their terminators, for `\n`, `\r\n` and `\r` alike. (A
    /// `\r\n` pair is one `Character` in Swift, so splitting on "\n" alone misses it.)
    var textLines: [SubSequence] {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }
}
