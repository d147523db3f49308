/// CP010 to CP013: each certificate of a deployment fits the role it plays.
struct CertificateRoleRule: Rule {
    let ruleIDs = ["CP010", "CP011", "CP012", "CP013"]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            let vip = topology.deployment.vip.value
            if let certificate = topology.publicCertificate, let classification = topology.classification {
                let subject = "\(topology.subject) / public certificate"
                if classification.type == nil {
                    evaluation.report(
                        "CP010", subject, at: certificate.reference.location,
                        "deployment \(topology.name): the public certificate \(certificate.path) (\(certificate.leaf.summary)) does not cover the VIP \(vip); the decision matrix cannot be applied",
                        related: [RelatedLocation(certificate.leaf.location, "the certificate")])
                } else {
                    evaluation.checked("CP010", subject, at: certificate.reference.location)
                }
            }

            if topology.mode?.mode == .passthrough, let proxy = topology.certProxyCertificate, let service = topology.serviceCertificate {
                requireServiceCertificate(
                    "CP011", "\(topology.subject) / cert proxy certificate", presented: proxy, service: service, into: &evaluation,
                    "deployment \(topology.name): 443 is SSL passthrough, so the cert proxy must present the Access service's certificate")
            }

            if let proxy = topology.certProxyCertificate, let verdict = context.trust[proxy.path] {
                let subject = "\(topology.subject) / cert proxy certificate"
                if case .untrusted(let reason) = verdict {
                    evaluation.report(
                        "CP012", subject, at: proxy.reference.location,
                        "deployment \(topology.name): the certificate on port \(topology.deployment.certProxy.effectivePort), \(proxy.path) (\(proxy.leaf.summary)), does not chain to a device-trusted CA: \(reason)",
                        related: [RelatedLocation(proxy.leaf.location, "the certificate")])
                } else {
                    evaluation.checked("CP012", subject, at: proxy.reference.location)
                }
            }

            if let port = topology.deployment.certProxy.secondaryPort, let secondary = topology.secondaryCertificate, let service = topology.serviceCertificate {
                requireServiceCertificate(
                    "CP013", "\(topology.subject) / 5263 certificate", presented: secondary, service: service, into: &evaluation,
                    "deployment \(topology.name): port \(port.value) must present the Access service's certificate")
            }
        }
    }

    /// CP011 and CP013: a port that must present the Access service's certificate, by identity.
    private func requireServiceCertificate(
        _ ruleID: String, _ subject: String, presented: CertificateUse, service: CertificateUse, into evaluation: inout Evaluation, _ requirement: String
    ) {
        guard presented.leaf.sha256 != service.leaf.sha256 else {
            evaluation.checked(ruleID, subject, at: presented.reference.location)
            return
        }
        evaluation.report(
            ruleID, subject, at: presented.reference.location,
            "\(requirement) \(service.path) (\(service.leaf.summary)); it presents \(presented.path) (\(presented.leaf.summary))",
            related: [RelatedLocation(service.reference.location, "the Access service's certificate")])
    }
}
