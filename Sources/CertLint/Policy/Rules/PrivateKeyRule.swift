/// CP023: an unencrypted private key committed to the repository.
struct PrivateKeyRule: Rule {
    let ruleIDs: [RuleID] = [.cp023]
    let examples: [RuleExample] = [
        RuleExample(
            id: .cp023, what: "an unencrypted private key committed", triggers: true,
            certificates: ["keys/access.key": "example-key"], locations: ["keys/access.key:1:1"],
            messages: [
                "keys/access.key holds an unencrypted private key (PRIVATE KEY); remove it from the repository, rotate the certificate it belongs to, and keep keys in a secret store"
            ]
        ),
        RuleExample(
            id: .cp023, what: "an encrypted private key", triggers: false,
            certificates: ["keys/protected.key": "example-key-encrypted"]),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for file in context.topology.certificateFiles where !file.privateKeys.isEmpty {
            for (number, key) in file.privateKeys.enumerated() {
                let subject = "file \(file.path) / private key \(number + 1)"
                if key.encrypted {
                    evaluation.checked(.cp023, subject, at: key.location)
                } else {
                    evaluation.report(
                        .cp023, subject, at: key.location, .unencryptedKey(key, in: file.path))
                }
            }
        }
    }
}

extension Finding.Message {
    fileprivate static func unencryptedKey(_ key: PrivateKeyBlock, in path: String) -> Self {
        Self(
            "\(path) holds an unencrypted private key (\(key.label)); remove it from the repository, rotate the certificate it belongs to, and keep keys in a secret store"
        )
    }
}
