/// CP010 to CP013: each certificate of a deployment fits the role it plays.
struct CertificateRoleRule: Rule {
    let ruleIDs: [RuleID] = [.cp010, .cp011, .cp012, .cp013]

    func evaluate(_ context: EvaluationContext, into evaluation: inout Evaluation) {
        for topology in context.topology.deployments {
            let vip = topology.deployment.vip.value
            if let certificate = topology.publicCertificate, let classification = topology.classification {
                let subject = "\(topology.subject) / public certificate"
                if classification.type == nil {
                    evaluation.report(
                        .cp010, subject, at: certificate.referenceLocation,
                        "deployment \(topology.name): the public certificate \(certificate.path) (\(certificate.summary)) does not cover the VIP \(vip); the decision matrix cannot be applied",
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
                    into: &evaluation,
                    "deployment \(topology.name): 443 is SSL passthrough, so the cert proxy must present the Access service's certificate"
                )
            }

            if let proxy = topology.certProxyCertificate, let verdict = context.trust[proxy.path] {
                let subject = "\(topology.subject) / cert proxy certificate"
                if case .untrusted(let reason) = verdict {
                    evaluation.report(
                        .cp012, subject, at: proxy.referenceLocation,
                        "deployment \(topology.name): the certificate on port \(topology.deployment.certProxy.effectivePort), \(proxy.path) (\(proxy.summary)), does not chain to a device-trusted CA: \(reason)",
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
                    "deployment \(topology.name): port \(port.value) must present the Access service's certificate")
            }
        }
    }

    /// CP011 and CP013: a port that must present the Access service's certificate, by identity.
    private func requireServiceCertificate(
        _ ruleID: RuleID, _ subject: String, presented: CertificateUse, service: CertificateUse,
        into evaluation: inout Evaluation, _ requirement: String
    ) {
        guard presented.identity != service.identity else {
            evaluation.checked(ruleID, subject, at: presented.referenceLocation)
            return
        }
        evaluation.report(
            ruleID, subject, at: presented.referenceLocation,
            "\(requirement) \(service.path) (\(service.summary)); it presents \(presented.path) (\(presented.summary))",
            related: [RelatedLocation(service.referenceLocation, "the Access service's certificate")])
    }
}
