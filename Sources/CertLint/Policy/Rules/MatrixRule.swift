/// CP001, CP002, CP003 and CP031: the deployment's row of the decision matrix, or why there is none.
struct MatrixRule: Rule {
    let ruleIDs: [RuleID] = [.cp001, .cp002, .cp003, .cp031]
    let examples: [RuleExample] = [
        .triggering(
            .cp001, "a wildcard certificate in a disjoint namespace needs 5263 (row 4)",
            in: ExampleRepository.manifest, replacing: "  - name: access", with: "  - name: ↓access",
            certificates: ["certs/access.pem": "wildcard"],
            message:
                "deployment access: row 4 of the decision matrix (disjoint namespace (example.com / example.dmz), Wildcard certificate certs/access.pem, 443 SSL re-encryption (from lb/haproxy.cfg:9:5)) requires cert proxy port 5263, and cert-proxy.secondary-port is not set"
        ),
        .triggering(
            .cp002, "5263 where row 5 does not need it", in: ExampleRepository.manifest,
            replacing: "    service-certificate: certs/node.pem\n",
            with: "    service-certificate: certs/node.pem\n    cert-proxy:\n      secondary-port: ↓5263\n",
            message:
                "deployment access: secondary port 5263 is configured, but row 5 of the decision matrix (disjoint namespace (example.com / example.dmz), SAN certificate certs/access.pem, 443 SSL re-encryption (from lb/haproxy.cfg:9:5)) does not require port 5263"
        ),
        RuleExample(
            id: .cp003, what: "a wildcard certificate, a disjoint namespace and passthrough: no row", triggers: true,
            certificates: ["certs/access.pem": "wildcard"],
            replacements: [
                (ExampleRepository.manifest, "  - name: access", "  - name: ↓access"),
                (
                    ExampleRepository.manifest, "    service-certificate: certs/node.pem\n",
                    "    lb-mode: passthrough\n    service-certificate: certs/access.pem\n"
                ),
            ], removing: [ExampleRepository.haproxy],
            messages: [
                "deployment access: disjoint namespace (example.com / example.dmz), Wildcard certificate certs/access.pem, 443 SSL passthrough (from lb-mode in certlint.yaml) is not a row of the decision matrix: under passthrough the nodes present the public certificate themselves, and a wildcard for the public domain does not cover node names in another domain"
            ]),
        RuleExample(
            id: .cp031, what: "no load balancer and no lb-mode: the 443 mode and the certificate are unknown",
            triggers: true,
            replacements: [(ExampleRepository.manifest, "  - name: access", "  - name: ↓↓access")],
            removing: [ExampleRepository.haproxy],
            messages: [
                "deployment access: the 443 mode is unknown: no 443 listener of a load-balancer configuration joins the deployment and lb-mode is not set; add `lb-mode: reencrypt` or `lb-mode: passthrough` to the deployment in certlint.yaml, or list the LB configuration under `load-balancer:`",
                "deployment access: the public certificate is unknown: no 443 listener names one and public-certificate is not set; add `public-certificate: PATH` to the deployment in certlint.yaml",

            ]
        ),
        .allowed(
            .cp001, "5263 where row 4 needs it", in: ExampleRepository.manifest,
            replacing: "    service-certificate: certs/node.pem\n",
            with: "    service-certificate: certs/node.pem\n    cert-proxy:\n      secondary-port: 5263\n",
            certificates: ["certs/access.pem": "wildcard"]),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        // References already reported as missing (CP030) or weak (CP022) explain a missing certificate.
        let unresolvedSubjects = Set(
            context.topology.unresolved.map(\.subject) + context.topology.unusableCertificates.map(\.subject))
        for topology in context.topology.deployments {
            let modeKnown = judgeModeKnown(topology, into: &evaluation)
            let certificateKnown = judgeCertificateKnown(topology, unresolvedSubjects, into: &evaluation)
            guard modeKnown, certificateKnown, let mode = topology.mode?.mode, let type = topology.classification?.type,
                let certificate = topology.publicCertificate
            else { continue }
            let verdict = context.matrix.verdict(namespace: topology.namespace, type: type, mode: mode)
            judge(topology, verdict, related: relatedLocations(topology, certificate), into: &evaluation)
        }
    }

    /// CP031 when the 443 mode is unknown, with the most precise reason there is.
    private func judgeModeKnown(_ topology: DeploymentTopology, into evaluation: inout Evaluation) -> Bool {
        let subject = "\(topology.subject) / 443 mode"
        guard topology.mode == nil else {
            evaluation.checked(.cp031, subject, at: topology.deployment.location)
            return true
        }
        let plainHTTP = topology.listeners(.service).first {
            !$0.listener.terminatesTLS && $0.listener.layer == .l7 && $0.listener.unknowns.isEmpty
        }
        if let unknown = topology.listeners(.service).first(where: { !$0.listener.unknowns.isEmpty }) {
            evaluation.report(
                .cp031, subject, at: unknown.listener.location, .modeUnevaluated(topology, unknown.listener))
        } else if let plainHTTP {
            evaluation.report(
                .cp031, subject, at: plainHTTP.listener.location, .plainHTTP(topology, plainHTTP.listener))
        } else {
            evaluation.report(.cp031, subject, at: topology.deployment.location, .modeUnknown(topology))
        }
        return false
    }

    /// CP031 when the public certificate is unknown, unless CP030 or CP022 already explains it.
    private func judgeCertificateKnown(
        _ topology: DeploymentTopology, _ unresolvedSubjects: Set<String>, into evaluation: inout Evaluation
    ) -> Bool {
        let subject = "\(topology.subject) / public certificate"
        guard topology.publicCertificate == nil else {
            evaluation.checked(.cp031, subject, at: topology.deployment.location)
            return true
        }
        if !unresolvedSubjects.contains(subject)
            && !unresolvedSubjects.contains("\(topology.subject) / service certificate")
        {
            evaluation.report(.cp031, subject, at: topology.deployment.location, .certificateUnknown(topology))
        }
        return false
    }

    /// CP001, CP002 and CP003: the row's 5263 requirement against the configuration, or no row.
    private func judge(
        _ topology: DeploymentTopology, _ verdict: DecisionMatrix.Verdict, related: [RelatedLocation],
        into evaluation: inout Evaluation
    ) {
        let deployment = topology.deployment
        let subject = "\(topology.subject) / matrix"
        let configured = deployment.certProxy.secondaryPort
        switch verdict {
        case .row(let row):
            evaluation.checked(.cp003, subject, at: deployment.location)
            if row.port5263Required && configured == nil {
                evaluation.report(
                    .cp001, subject, at: deployment.certProxy.location ?? deployment.location,
                    .port5263Missing(topology, row), related: related)
            } else {
                evaluation.checked(.cp001, subject, at: deployment.location)
            }
            if !row.port5263Required, let configured {
                evaluation.report(
                    .cp002, subject, at: configured.location,
                    .port5263Unneeded(topology, row, configured.value), related: related)
            } else {
                evaluation.checked(.cp002, subject, at: deployment.location)
            }
        case .unsupported(let reason):
            evaluation.report(
                .cp003, subject, at: deployment.location, .unsupported(topology, reason), related: related)
        }
    }

    private func relatedLocations(_ topology: DeploymentTopology, _ certificate: CertificateUse) -> [RelatedLocation] {
        var related = [RelatedLocation(certificate.location, "public certificate (\(certificate.summary))")]
        if let mode = topology.mode {
            related.append(RelatedLocation(mode.location, "443 \(mode.mode.matrixName)"))
        }
        return related
    }
}

extension Finding.Message {
    fileprivate static func port5263Missing(_ topology: DeploymentTopology, _ row: DecisionMatrix.Row) -> Self {
        Self(
            "deployment \(topology.name): row \(row.number) of the decision matrix (\(topology.factsDescription)\(missingNodes(topology))) requires cert proxy port 5263, and cert-proxy.secondary-port is not set"
        )
    }

    fileprivate static func port5263Unneeded(_ topology: DeploymentTopology, _ row: DecisionMatrix.Row, _ port: Int)
        -> Self
    {
        Self(
            "deployment \(topology.name): secondary port \(port) is configured, but row \(row.number) of the decision matrix (\(topology.factsDescription)) does not require port 5263"
        )
    }

    fileprivate static func unsupported(_ topology: DeploymentTopology, _ reason: String?) -> Self {
        Self(
            "deployment \(topology.name): \(topology.factsDescription)\(missingNodes(topology)) is not a row of the decision matrix"
                + (reason.map { ": \($0)" } ?? ""))
    }

    fileprivate static func modeUnknown(_ topology: DeploymentTopology) -> Self {
        Self(
            "deployment \(topology.name): the 443 mode is unknown: no 443 listener of a load-balancer configuration joins the deployment and lb-mode is not set; add `lb-mode: reencrypt` or `lb-mode: passthrough` to the deployment in \(topology.deployment.manifest), or list the LB configuration under `load-balancer:`"
        )
    }

    fileprivate static func modeUnevaluated(_ topology: DeploymentTopology, _ listener: Listener) -> Self {
        Self(
            "deployment \(topology.name): the 443 mode is unknown: the \(listener.name) listener's \(listener.unknowns.joined(separator: " and ")) cannot be evaluated; give the value in a tfvars file or certlint.yaml (lb-mode), and the checks that need it will run"
        )
    }

    fileprivate static func plainHTTP(_ topology: DeploymentTopology, _ listener: Listener) -> Self {
        Self(
            "deployment \(topology.name): the 443 listener \(listener.name) speaks plain HTTP (Layer 7 without TLS on the bind); it is neither SSL re-encryption nor SSL passthrough, so the matrix cannot be applied"
        )
    }

    fileprivate static func certificateUnknown(_ topology: DeploymentTopology) -> Self {
        let key = topology.mode?.mode == .passthrough ? "service-certificate" : "public-certificate"
        return Self(
            "deployment \(topology.name): the public certificate is unknown: no 443 listener names one and \(key) is not set; add `\(key): PATH` to the deployment in \(topology.deployment.manifest)"
        )
    }

    /// "…, so it counts as Single Host CN": why a certificate naming only some nodes has that type.
    private static func missingNodes(_ topology: DeploymentTopology) -> String {
        guard let classification = topology.classification, !classification.missingNodes.isEmpty else { return "" }
        return
            "; it names the VIP and \(classification.namedNodes.joined(separator: ", ")) but not \(classification.missingNodes.joined(separator: ", ")), so it counts as Single Host CN"
    }
}
