/// CP030: a certificate, pool or file that a configuration names but the repository lacks.
struct ReferenceRule: Rule {
    let ruleIDs: [RuleID] = [.cp030]
    let examples: [RuleExample] = [
        .triggering(
            .cp030, "a certificate that is not in the repository", replacing: "crt /etc/haproxy/certs/access.pem",
            with: "crt ↓/etc/haproxy/certs/gone.pem",
            message:
                "deployment access / public certificate: '/etc/haproxy/certs/gone.pem' is not in the repository (tried lb/etc/haproxy/certs/gone.pem, etc/haproxy/certs/gone.pem, any file named gone.pem); the checks that need it did not run"
        ),
        RuleExample(
            id: .cp030, what: "a backend that is not defined, on a listener the manifest lists", triggers: true,
            replacements: [
                (
                    ExampleRepository.haproxy, "    default_backend cert_proxy_nodes",
                    "    default_backend ↓cert_proxy_pool"
                ),
                (
                    ExampleRepository.manifest, "    service-certificate: certs/node.pem\n",
                    "    service-certificate: certs/node.pem\n    load-balancer: [lb/haproxy.cfg]\n"
                ),
            ],
            messages: [
                "deployment access / listener 5262 (frontend cert_proxy): backend 'cert_proxy_pool' is not defined in lb/haproxy.cfg; the checks that need it did not run"
            ]
        ),
        .allowed(
            .cp030, "a path on the load-balancer host, found in the repository by its name",
            replacing: "crt /etc/haproxy/certs/access.pem", with: "crt /usr/local/etc/haproxy/access.pem"),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for unresolved in context.topology.unresolved {
            evaluation.report(
                .cp030, unresolved.subject, at: unresolved.location, .unresolved(unresolved))
        }
    }
}

extension Finding.Message {
    fileprivate static func unresolved(_ reference: UnresolvedReference) -> Self {
        Self("\(reference.subject): \(reference.problem); the checks that need it did not run")
    }
}
