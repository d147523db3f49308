/// CP900: a file that matched a format but could not be parsed.
struct ParseErrorRule: Rule {
    let ruleIDs: [RuleID] = [.cp900]
    let examples: [RuleExample] = [
        RuleExample(
            id: .cp900, what: "an HAProxy file with a quote left open", triggers: true,
            files: ["lb/old.cfg": "frontend old\n    bind :8443 ssl crt ↓\"/etc/haproxy/old.pem\n"],
            messages: ["HAProxy: the quote \" opened here is not closed on this line"]),
        RuleExample(
            id: .cp900, what: "a second, valid HAProxy file", triggers: false,
            files: ["lb/other.cfg": "frontend other\n    bind :8080\n"]),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for failure in context.parseErrors {
            let location = SourceLocation(
                path: failure.path, line: failure.error.position.line, column: failure.error.position.column)
            evaluation.report(
                .cp900, "file \(failure.path)", at: location, .unreadable(failure))
        }
    }
}

extension Finding.Message {
    fileprivate static func unreadable(_ failure: ParseFailure) -> Self {
        Self("\(failure.format): \(failure.error.message)")
    }
}
