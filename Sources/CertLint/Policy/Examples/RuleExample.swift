/// What a rule catches, or allows, shown on a small repository: the correct deployment of
/// `ExampleRepository.good` with one change. `↓` in the changed text marks where each finding
/// of the example's rule must land (the character its line and column point at); an example
/// that allows has no marks and must produce no finding of the rule. The one-rule harness
/// (`RuleHarness`) runs every example of every rule as a test.
struct RuleExample: Sendable {
    /// The rule ID a triggering example's findings carry; for an allowed one, the ID it is about.
    let id: RuleID
    /// One line: what the example shows.
    let what: String
    let triggers: Bool
    /// Files replaced or added (repository path → text, with `↓` marks).
    var files: [String: String] = [:]
    /// Test certificates replaced or added (repository path → a name under Tests/CertLintTests/Fixtures/certs).
    var certificates: [String: String] = [:]
    /// Text changes to files of the base repository: (path, text, replacement with `↓` marks).
    var replacements: [(path: String, old: String, new: String)] = []
    /// Files of the base repository left out.
    var removing: [String] = []
    /// Where findings land in files the example cannot mark (a test certificate): `path:line:column`.
    var locations: [String] = []
    /// The exact messages of the findings, in order, when the example pins them.
    var messages: [String] = []

    static let marker: Character = "↓"

    /// The text without its `↓` marks, and the line and column (1-based) each mark stood before.
    static func unmarked(_ text: String) -> (String, [(line: Int, column: Int)]) {
        var clean = ""
        var marks: [(line: Int, column: Int)] = []
        var line = 1
        var column = 1
        for character in text {
            if character == marker {
                marks.append((line, column))
                continue
            }
            clean.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (clean, marks)
    }

    /// A change that the rule reports: `old` replaced by `new` (which carries the marks) in `path`.
    static func triggering(
        _ id: RuleID, _ what: String, in path: String = ExampleRepository.haproxy, replacing old: String,
        with new: String, certificates: [String: String] = [:], message: String? = nil
    ) -> RuleExample {
        RuleExample(
            id: id, what: what, triggers: true, certificates: certificates, replacements: [(path, old, new)],
            messages: message.map { [$0] } ?? [])
    }

    /// A change that the rule allows.
    static func allowed(
        _ id: RuleID, _ what: String, in path: String = ExampleRepository.haproxy, replacing old: String,
        with new: String, certificates: [String: String] = [:]
    ) -> RuleExample {
        RuleExample(id: id, what: what, triggers: false, certificates: certificates, replacements: [(path, old, new)])
    }

    /// The example, with findings expected at `locations` in files it cannot mark.
    func locating(_ locations: [String]) -> RuleExample {
        var example = self
        example.locations = locations
        return example
    }

    /// The repository the example describes: the base with the changes, marks still in.
    var markedFiles: (texts: [String: String], certificates: [String: String]) {
        var texts = ExampleRepository.good
        for (path, old, new) in replacements {
            guard let text = texts[path], text.contains(old) else {
                preconditionFailure("example \(id) \(what): \(path) has no \(old)")
            }
            texts[path] = text.replacingOccurrences(of: old, with: new)
        }
        texts.merge(files) { $1 }
        var certificates = ExampleRepository.goodCertificates.merging(self.certificates) { $1 }
        for path in removing {
            texts[path] = nil
            certificates[path] = nil
        }
        return (texts, certificates)
    }
}

/// The correct deployment the examples change: a disjoint namespace, a SAN certificate and SSL
/// re-encryption (matrix row 5), X-Forwarded-For and RemotePort inserted, the cert proxy passed
/// through on 5262.
enum ExampleRepository {
    static let manifest = "certlint.yaml"
    static let haproxy = "lb/haproxy.cfg"

    static let good: [String: String] = [
        manifest: """
        version: 1
        settings:
          system-trust: false
          trust-anchors: [certs/ca.pem]
        deployments:
          - name: access
            vip: access.example.com
            nodes: [wsa1.example.dmz, wsa2.example.dmz]
            service-certificate: certs/node.pem

        """,
        haproxy: """
        global
            log stdout format raw local0

        defaults
            mode http
            timeout connect 5s

        frontend access_https
            bind :443 ssl crt /etc/haproxy/certs/access.pem
            option forwardfor
            http-request set-header RemotePort %[src_port]
            default_backend access_nodes

        backend access_nodes
            option httpchk GET /SAAS/API/1.0/REST/system/health/heartbeat
            server wsa1 wsa1.example.dmz:443 ssl verify required ca-file /etc/haproxy/node.pem check
            server wsa2 wsa2.example.dmz:443 ssl verify required ca-file /etc/haproxy/node.pem check

        frontend cert_proxy
            mode tcp
            bind :5262
            default_backend cert_proxy_nodes

        backend cert_proxy_nodes
            mode tcp
            server wsa1 wsa1.example.dmz:5262 check
            server wsa2 wsa2.example.dmz:5262 check

        """,
    ]

    /// Test certificates by repository path (names under Tests/CertLintTests/Fixtures/certs).
    static let goodCertificates = [
        "certs/ca.pem": "ca", "certs/access.pem": "san-disjoint", "certs/node.pem": "node-self-signed",
    ]
}
