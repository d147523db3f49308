extension Finding {
    /// What a finding says. Each rule declares its messages beside itself, as
    /// `extension Finding.Message { fileprivate static func … }`, and reports them by name
    /// (`evaluation.report(.cp030, subject, at: location, .unresolved(reference))`): the texts a rule
    /// emits are read in one place, and a report cannot build one inline, because a string
    /// interpolation is not a `Message` (only a plain literal is).
    struct Message: Hashable, Sendable, ExpressibleByStringLiteral {
        let text: String

        init(_ text: String) { self.text = text }
        init(stringLiteral text: String) { self.text = text }
    }
}
