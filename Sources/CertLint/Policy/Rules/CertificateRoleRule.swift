/// CP010 to CP013: each certificate of a deployment fits the role it plays.
struct CertificateRoleRule: Rule {
    let ruleIDs: [RuleID] = [.cp010, .cp011, .cp012, .cp013]
    let examples: [RuleExample] = [
        .triggering(
            .cp010, "a public certificate for another host", replacing: "crt /etc/haproxy/certs/access.pem",
            with: "crt ↓/etc/haproxy/certs/access.pem", certificates: ["certs/access.pem": "other-host"],
            message:
                "deployment access: the public certificate certs/access.pem (CN=portal.example.org, DNS=[portal.example.org]) does not cover the VIP access.example.com; the decision matrix cannot be applied"
        ),
        RuleExample(
            id: .cp011, what: "passthrough, and the cert proxy presents another certificate than the service's",
            triggers: true, certificates: ["certs/other.pem": "wildcard"],
            replacements: [
                (
                    ExampleRepository.manifest, "    service-certificate: certs/node.pem\n",
                    "    lb-mode: passthrough\n    service-certificate: certs/access.pem\n    cert-proxy:\n      certificate: ↓certs/other.pem\n"
                )
            ], removing: [ExampleRepository.haproxy],
            messages: [
                "deployment access: 443 is SSL passthrough, so the cert proxy must present the Access service's certificate certs/access.pem (CN=access.example.com, DNS=[access.example.com, wsa1.example.dmz, wsa2.example.dmz]); it presents certs/other.pem (CN=*.example.com, DNS=[*.example.com, example.com])"
            ]),
        .triggering(
            .cp012, "a cert proxy certificate no device trusts", replacing: "crt /etc/haproxy/certs/access.pem",
            with: "crt ↓/etc/haproxy/certs/access.pem", certificates: ["certs/access.pem": "untrusted-san"],
            message:
                "deployment access: the certificate on port 5262, certs/access.pem (CN=access.example.com, DNS=[access.example.com, wsa1.example.dmz, wsa2.example.dmz]), does not chain to a device-trusted CA: it is self-signed and not among the trust anchors"
        ),
        .triggering(
            .cp013, "5263 presents another certificate than the service's", in: ExampleRepository.manifest,
            replacing: "    service-certificate: certs/node.pem\n",
            with:
                "    service-certificate: certs/node.pem\n    cert-proxy:\n      secondary-port: 5263\n      secondary-certificate: ↓certs/access.pem\n",
            message:
                "deployment access: port 5263 must present the Access service's certificate certs/node.pem (CN=wsa1.example.dmz, DNS=[wsa1.example.dmz, wsa2.example.dmz, wsa1.example.com, wsa2.example.com]); it presents certs/access.pem (CN=access.example.com, DNS=[access.example.com, wsa1.example.dmz, wsa2.example.dmz])"
        ),
        RuleExample(
            id: .cp010, what: "a one-label wildcard does not cover a deeper VIP", triggers: true,
            certificates: ["certs/access.pem": "wildcard"],
            replacements: [
                (ExampleRepository.manifest, "vip: access.example.com", "vip: access.eu.example.com"),
                (ExampleRepository.haproxy, "crt /etc/haproxy/certs/access.pem", "crt ↓/etc/haproxy/certs/access.pem"),
            ],
            messages: [
                "deployment access: the public certificate certs/access.pem (CN=*.example.com, DNS=[*.example.com, example.com]) does not cover the VIP access.eu.example.com; the decision matrix cannot be applied"
            ]),
        .triggering(
            .cp012, "no trust anchors at all", in: ExampleRepository.manifest,
            replacing: "  trust-anchors: [certs/ca.pem]\n", with: "",
            message:
                "deployment access: the certificate on port 5262, certs/access.pem (CN=access.example.com, DNS=[access.example.com, wsa1.example.dmz, wsa2.example.dmz]), does not chain to a device-trusted CA: no trust anchors are configured (settings.system-trust is off and settings.trust-anchors is empty)"
        ).locating(["lb/haproxy.cfg:9:23"]),
        RuleExample(
            id: .cp011, what: "passthrough, and the cert proxy presents the service's certificate with its chain",
            triggers: false, certificates: ["certs/other.pem": "san-disjoint-chain"],
            replacements: [
                (
                    ExampleRepository.manifest, "    service-certificate: certs/node.pem\n",
                    "    lb-mode: passthrough\n    service-certificate: certs/access.pem\n    cert-proxy:\n      certificate: certs/other.pem\n"
                )
            ], removing: [ExampleRepository.haproxy]),
        .allowed(
            .cp012, "the same certificate, declared a trust anchor", in: ExampleRepository.manifest,
            replacing: "[certs/ca.pem]", with: "[certs/ca.pem, certs/access.pem]",
            certificates: ["certs/access.pem": "untrusted-san"]),
    ]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            let vip = topology.deployment.vip.value
            if let certificate = topology.publicCertificate, let classification = topology.classification {
                let subject = "\(topology.subject) / public certificate"
                if classification.type == nil {
                    evaluation.report(
                        .cp010, subject, at: certificate.referenceLocation,
                        .vipNotCovered(topology, certificate, vip: vip),
                        related: [RelatedLocation(certificate.location, "the certificate")])
                } else {
                    evaluation.checked(.cp010, subject, at: certificate.referenceLocation)
                }
            }

            if topology.mode?.mode == .passthrough, let proxy = topology.certProxyCertificate,
                let service = topology.serviceCertificate
            {
                requireServiceCertificate(
                    .cp011, "\(topology.subject) / cert proxy certificate", presented: proxy, service: service,
                    into: &evaluation, .passthroughProxy(topology, presented: proxy, service: service))
            }

            if let proxy = topology.certProxyCertificate, let verdict = context.trust[proxy.path] {
                let subject = "\(topology.subject) / cert proxy certificate"
                if case .untrusted(let reason) = verdict {
                    evaluation.report(
                        .cp012, subject, at: proxy.referenceLocation,
                        .untrusted(topology, proxy, reason: reason),
                        related: [RelatedLocation(proxy.location, "the certificate")])
                } else {
                    evaluation.checked(.cp012, subject, at: proxy.referenceLocation)
                }
            }

            if let port = topology.deployment.certProxy.secondaryPort, let secondary = topology.secondaryCertificate,
                let service = topology.serviceCertificate
            {
                requireServiceCertificate(
                    .cp013, "\(topology.subject) / 5263 certificate", presented: secondary, service: service,
                    into: &evaluation,
                    .secondaryPort(topology, port: port.value, presented: secondary, service: service))
            }
        }
    }

    /// CP011 and CP013: a port that must present the Access service's certificate, by identity.
    private func requireServiceCertificate(
        _ ruleID: RuleID, _ subject: String, presented: CertificateUse, service: CertificateUse,
        into evaluation: inout Evaluation, _ message: Finding.Message
    ) {
        guard presented.identity != service.identity else {
            evaluation.checked(ruleID, subject, at: presented.referenceLocation)
            return
        }
        evaluation.report(
            ruleID, subject, at: presented.referenceLocation, message,
            related: [RelatedLocation(service.referenceLocation, "the Access service's certificate")])
    }
}

extension Finding.Message {
    fileprivate static func vipNotCovered(_ topology: DeploymentTopology, _ certificate: CertificateUse, vip: String)
        -> Self
    {
        Self(
            "deployment \(topology.name): the public certificate \(certificate.path) (\(certificate.summary)) does not cover the VIP \(vip); the decision matrix cannot be applied"
        )
    }

    fileprivate static func passthroughProxy(
        _ topology: DeploymentTopology, presented: CertificateUse, service: CertificateUse
    ) -> Self {
        Self(
            "deployment \(topology.name): 443 is SSL passthrough, so the cert proxy must present the Access service's certificate \(presents(presented, instead: service))"
        )
    }

    fileprivate static func untrusted(_ topology: DeploymentTopology, _ proxy: CertificateUse, reason: String) -> Self {
        Self(
            "deployment \(topology.name): the certificate on port \(topology.deployment.certProxy.effectivePort), \(proxy.path) (\(proxy.summary)), does not chain to a device-trusted CA: \(reason)"
        )
    }

    fileprivate static func secondaryPort(
        _ topology: DeploymentTopology, port: Int, presented: CertificateUse, service: CertificateUse
    ) -> Self {
        Self(
            "deployment \(topology.name): port \(port) must present the Access service's certificate \(presents(presented, instead: service))"
        )
    }

    private static func presents(_ presented: CertificateUse, instead service: CertificateUse) -> String {
        "\(service.path) (\(service.summary)); it presents \(presented.path) (\(presented.summary))"
    }
}
