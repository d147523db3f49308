import Foundation
import X509

/// A pack rule's condition over one fact. Three-valued: a test on an attribute the repository
/// does not state is `unknown`, and a rule reports nothing on an unknown (never a verdict on a guess).
indirect enum PolicyCondition: Sendable {
    case all([PolicyCondition])
    case any([PolicyCondition])
    case not(PolicyCondition)
    case test(PolicyTest)
    /// `every`, `some` or `none` of the facts a relation reaches meet the condition.
    case related(FactRelation, Quantifier, PolicyCondition)
    /// How many facts a relation reaches, compared by a number operator.
    case count(FactRelation, PolicyTest)

    enum Quantifier: String, Sendable, CaseIterable {
        case every, some, none
    }

    enum Outcome: Sendable, Equatable {
        case holds
        /// Why not, in words: `key-bits is 2048, expected at least 3072`.
        case fails(String)
        case unknown
    }

    /// The outcome for `fact`, following relations through the facts of its deployment.
    func evaluate(_ fact: PolicyFact, in facts: DeploymentFacts = .none) -> Outcome {
        switch self {
        case .test(let test): return test.evaluate(fact)
        case .related(let relation, let quantifier, let condition):
            return Self.quantify(quantifier, relation, facts.related(fact, relation), condition, facts)
        case .count(let relation, let test):
            return test.evaluate(.number(facts.related(fact, relation).count), of: fact)
        case .all(let conditions):
            var unknown = false
            for condition in conditions {
                switch condition.evaluate(fact, in: facts) {
                case .fails(let why): return .fails(why)
                case .unknown: unknown = true
                case .holds: continue
                }
            }
            return unknown ? .unknown : .holds
        case .any(let conditions):
            var reasons: [String] = []
            var unknown = false
            for condition in conditions {
                switch condition.evaluate(fact, in: facts) {
                case .holds: return .holds
                case .unknown: unknown = true
                case .fails(let why): reasons.append(why)
                }
            }
            return unknown ? .unknown : .fails("none of: \(reasons.joined(separator: "; "))")
        case .not(let condition):
            switch condition.evaluate(fact, in: facts) {
            case .holds: return .fails("not expected: \(condition.summary)")
            case .fails: return .holds
            case .unknown: return .unknown
            }
        }
    }

    /// Three-valued quantifiers: an unknown among the related facts makes the outcome unknown
    /// unless a known one already decides it.
    private static func quantify(
        _ quantifier: Quantifier, _ relation: FactRelation, _ related: [PolicyFact], _ condition: PolicyCondition,
        _ facts: DeploymentFacts
    ) -> Outcome {
        var unknown = false
        var holding: [PolicyFact] = []
        var failing: [(PolicyFact, String)] = []
        for fact in related {
            switch condition.evaluate(fact, in: facts) {
            case .holds: holding.append(fact)
            case .fails(let why): failing.append((fact, why))
            case .unknown: unknown = true
            }
        }
        switch quantifier {
        case .every:
            if let (fact, why) = failing.first { return .fails("\(fact.shortSubject): \(why)") }
        case .some:
            if !holding.isEmpty { return .holds }
            if !unknown { return .fails("no \(relation.name) with \(condition.summary)") }
        case .none:
            if let fact = holding.first {
                return .fails("\(fact.shortSubject): not expected: \(condition.summary)")
            }
        }
        return unknown ? .unknown : .holds
    }

    /// The condition in words, for `not`.
    var summary: String {
        switch self {
        case .test(let test): return test.summary
        case .related(let relation, let quantifier, let condition):
            return "\(quantifier.rawValue) \(relation.name) (\(condition.summary))"
        case .count(_, let test): return test.summary
        case .all(let conditions): return conditions.map(\.summary).joined(separator: " and ")
        case .any(let conditions): return conditions.map(\.summary).joined(separator: " or ")
        case .not(let condition): return "not (\(condition.summary))"
        }
    }
}

/// One attribute compared by one operator.
struct PolicyTest: Sendable {
    enum Operator: Sendable {
        case equals(String)
        case notEquals(String)
        case isIn([String])
        case notIn([String])
        /// The pattern as written, and compiled once, anchored at both ends.
        case matches(String, NSRegularExpression)
        case lessThan(Int)
        case greaterThan(Int)
        case atLeast(Int)
        case atMost(Int)
        case exists(Bool)
        case contains(String)
        case covers(String)
        /// The certificate chains, through its file's other certificates, to one of these.
        case issuedBy(anchor: String, certificates: [Certificate])
    }

    let attribute: String
    let op: Operator

    func evaluate(_ fact: PolicyFact) -> PolicyCondition.Outcome { evaluate(fact.value(attribute), of: fact) }

    /// The outcome for `value`, the attribute's value (or a count) on `fact`.
    func evaluate(_ value: FactValue, of fact: PolicyFact) -> PolicyCondition.Outcome {
        if case .exists(let wanted) = op {
            let present = value != .absent
            return present == wanted ? .holds : .fails("\(attribute) is \(present ? value.description : "not known")")
        }
        if value == .absent { return .unknown }
        guard let holds = PolicyOperators.holds(op, value, fact: fact) else { return .unknown }
        return holds ? .holds : .fails("\(attribute) is \(value), expected \(expectation)")
    }

    var summary: String { "\(attribute) \(expectation)" }

    var expectation: String {
        switch op {
        case .equals(let text): return text
        case .notEquals(let text): return "anything but \(text)"
        case .isIn(let items): return "one of \(items.joined(separator: ", "))"
        case .notIn(let items): return "none of \(items.joined(separator: ", "))"
        case .matches(let pattern, _): return "to match /\(pattern)/"
        case .lessThan(let number): return "less than \(number)"
        case .greaterThan(let number): return "greater than \(number)"
        case .atLeast(let number): return "at least \(number)"
        case .atMost(let number): return "at most \(number)"
        case .exists(let wanted): return wanted ? "to be known" : "not to be set"
        case .contains(let item): return "to contain \(item)"
        case .covers(let name): return "to cover \(name)"
        case .issuedBy(let anchor, _): return "to chain to \(anchor)"
        }
    }
}

/// How each operator compares: nil when it cannot judge the value (a certificate without a file).
enum PolicyOperators {
    static func holds(_ op: PolicyTest.Operator, _ value: FactValue, fact: PolicyFact) -> Bool? {
        switch op {
        case .equals(let text): return scalar(value) == text
        case .notEquals(let text): return scalar(value) != text
        case .isIn(let items): return scalar(value).map(items.contains)
        case .notIn(let items): return scalar(value).map { !items.contains($0) }
        case .matches(_, let expression): return scalar(value).map { fullMatch(expression, $0) }
        case .lessThan(let number): return int(value).map { $0 < number }
        case .greaterThan(let number): return int(value).map { $0 > number }
        case .atLeast(let number): return int(value).map { $0 >= number }
        case .atMost(let number): return int(value).map { $0 <= number }
        case .exists: return nil
        case .contains(let item):
            guard case .list(let items) = value else { return nil }
            return items.contains(item)
        case .covers(let name):
            guard case .list(let names) = value else { return nil }
            return names.contains { HostNames.matches(pattern: $0, host: name) }
        case .issuedBy(_, let anchors):
            guard let file = fact.certificate?.file, let leaf = file.leaf?.certificate else { return nil }
            return Chain.reaches(leaf, through: file.certificates.dropFirst().map(\.certificate), anchors: anchors)
        }
    }

    private static func scalar(_ value: FactValue) -> String? {
        switch value {
        case .text(let text): return text
        case .number(let number): return String(number)
        case .flag(let flag): return String(flag)
        case .list, .absent: return nil
        }
    }

    private static func int(_ value: FactValue) -> Int? {
        if case .number(let number) = value { return number }
        return nil
    }

    /// Whether `expression` (compiled as `^(?:pattern)$` when the pack is read) matches the whole text.
    static func fullMatch(_ expression: NSRegularExpression, _ text: String) -> Bool {
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }
}

/// Whether a certificate chains to an anchor by issuer name and signature, through the other
/// certificates of its file (at most eight links; validity dates are left to CP020 and CP021).
enum Chain {
    static func reaches(_ leaf: Certificate, through intermediates: [Certificate], anchors: [Certificate]) -> Bool {
        var current = leaf
        var used: Set<Int> = []
        for _ in 0..<8 {
            if anchors.contains(current) { return true }
            if anchors.contains(where: { signs($0, current) }) { return true }
            guard
                let next = intermediates.indices.first(where: {
                    !used.contains($0) && signs(intermediates[$0], current)
                })
            else { return false }
            used.insert(next)
            current = intermediates[next]
        }
        return false
    }

    private static func signs(_ issuer: Certificate, _ certificate: Certificate) -> Bool {
        issuer.subject == certificate.issuer
            && issuer.publicKey.isValidSignature(certificate.signature, for: certificate)
    }
}
