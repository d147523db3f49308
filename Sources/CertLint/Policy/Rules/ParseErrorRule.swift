/// CP900: a file that matched a format but could not be parsed.
struct ParseErrorRule: Rule {
    let ruleIDs: [RuleID] = [.cp900]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for failure in context.parseErrors {
            let location = SourceLocation(
                path: failure.path, line: failure.error.position.line, column: failure.error.position.column)
            evaluation.report(
                .cp900, "file \(failure.path)", at: location, "\(failure.format): \(failure.error.message)")
        }
    }
}
