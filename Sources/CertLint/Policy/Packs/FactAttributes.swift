import Crypto
import Foundation
import X509
import _CryptoExtras

/// The attributes of each kind of fact and how they are read off the topology. The tables are
/// the documentation (`certlint rules --attributes`, docs/policy-packs.md) and the validation of
/// packs: an attribute not listed here is an error in the pack.
package enum FactAttributes {
    static let deployment = [
        FactAttribute(name: "name", type: .text, meaning: "the deployment's name in certlint.yaml"),
        FactAttribute(name: "vip", type: .text, meaning: "the VIP's FQDN"),
        FactAttribute(name: "nodes", type: .list, meaning: "the nodes' FQDNs"),
        FactAttribute(name: "node-count", type: .number, meaning: "how many nodes"),
        FactAttribute(
            name: "namespace", type: .text, meaning: "`shared` or `disjoint` (the nodes' domain against the VIP's)"),
        FactAttribute(
            name: "certificate-type", type: .text,
            meaning: "the public certificate's type for the matrix: `san`, `wildcard` or `single-host-cn`"),
        FactAttribute(name: "lb-mode", type: .text, meaning: "the 443 mode: `reencrypt` or `passthrough`"),
        FactAttribute(
            name: "matrix-row", type: .number, meaning: "the row of the decision matrix the deployment is on"),
        FactAttribute(name: "cert-proxy-port", type: .number, meaning: "the cert proxy port (5262 unless set)"),
        FactAttribute(name: "secondary-port", type: .number, meaning: "the secondary cert proxy port, when set"),
    ]

    static let listener = [
        FactAttribute(name: "name", type: .text, meaning: "the configuration's name (`frontend access_https`)"),
        FactAttribute(name: "file", type: .text, meaning: "the load-balancer configuration's path"),
        FactAttribute(name: "port", type: .number, meaning: "the port it listens on"),
        FactAttribute(name: "role", type: .text, meaning: "`service` (443), `cert-proxy` or `secondary` (5263)"),
        FactAttribute(name: "layer", type: .number, meaning: "4 (TCP) or 7 (HTTP)"),
        FactAttribute(
            name: "tls", type: .text,
            meaning: "`passthrough`, `re-encrypt`, `offload` (terminated, plain to the nodes) or `plain` (HTTP)"),
        FactAttribute(name: "terminates-tls", type: .flag, meaning: "whether the load balancer ends TLS"),
        FactAttribute(
            name: "inserts-x-forwarded-for", type: .flag,
            meaning: "whether X-Forwarded-For reaches the nodes with the client's address"),
        FactAttribute(
            name: "inserts-remote-port", type: .flag,
            meaning: "whether RemotePort reaches the nodes with the client's port"),
        FactAttribute(
            name: "tls-versions", type: .list,
            meaning:
                "the TLS versions it accepts (`1.0` … `1.3`), where the configuration states them: HAProxy `ssl-min-ver`/`ssl-max-ver`/`no-tlsv1x`, NGINX `ssl_protocols` (the port's default server decides), AWS `ssl_policy`/`SslPolicy` (the API's `ELBSecurityPolicy-2016-08` when unset)"
        ),
        FactAttribute(name: "min-tls-version", type: .text, meaning: "the lowest of them (`1.2`)"),
        FactAttribute(
            name: "health-check-paths", type: .list, meaning: "the HTTP health-check paths of its pools, where written"),
        FactAttribute(name: "node-hosts", type: .list, meaning: "the hosts of its pools' members"),
    ]

    static let pool = [
        FactAttribute(name: "name", type: .text, meaning: "the pool's name (`backend access_nodes`)"),
        FactAttribute(name: "file", type: .text, meaning: "the configuration's path"),
        FactAttribute(name: "member-count", type: .number, meaning: "how many members it has"),
        FactAttribute(name: "member-hosts", type: .list, meaning: "its members' hosts"),
        FactAttribute(
            name: "health-check-path", type: .text, meaning: "the path of its HTTP health check, where written"),
        FactAttribute(
            name: "balance", type: .text, meaning: "`round-robin` or `source-hash` (read from HAProxy and NGINX)"),
        FactAttribute(name: "tls", type: .flag, meaning: "whether the load balancer speaks TLS to every member"),
        FactAttribute(
            name: "verifies-certificates", type: .flag, meaning: "whether that TLS verifies every member's certificate"),
        FactAttribute(name: "listener-port", type: .number, meaning: "the port of the listener that forwards to it"),
        FactAttribute(
            name: "role", type: .text, meaning: "that listener's role: `service`, `cert-proxy` or `secondary`"),
    ]

    static let poolMember = [
        FactAttribute(name: "name", type: .text, meaning: "the member's name (`server wsa1`)"),
        FactAttribute(name: "host", type: .text, meaning: "its host name or address"),
        FactAttribute(name: "port", type: .number, meaning: "its port, where written"),
        FactAttribute(name: "pool", type: .text, meaning: "the pool's name"),
        FactAttribute(name: "tls", type: .flag, meaning: "whether the load balancer speaks TLS to it"),
        FactAttribute(
            name: "verifies-certificate", type: .flag, meaning: "whether that TLS verifies the node's certificate"),
        FactAttribute(name: "listener-port", type: .number, meaning: "the port of the listener that forwards to it"),
        FactAttribute(
            name: "role", type: .text, meaning: "that listener's role: `service`, `cert-proxy` or `secondary`"),
    ]

    static let certificate = [
        FactAttribute(
            name: "roles", type: .list,
            meaning:
                "where the deployment uses it: `public` (443 at the VIP), `service` (443 on the nodes), `cert-proxy`, `secondary`"
        ),
        FactAttribute(
            name: "path", type: .text, meaning: "its file, or the configuration's name of a provider-issued one"),
        FactAttribute(name: "subject", type: .text, meaning: "the subject's common name"),
        FactAttribute(name: "issuer", type: .text, meaning: "the issuer's common name"),
        FactAttribute(name: "dns-names", type: .list, meaning: "its DNS subject alternative names"),
        FactAttribute(name: "self-signed", type: .flag, meaning: "whether subject and issuer are the same name"),
        FactAttribute(
            name: "days-until-expiry", type: .number, meaning: "whole days from --as-of to notAfter (negative: expired)"
        ),
        FactAttribute(name: "key-type", type: .text, meaning: "`RSA`, `EC` or `other`"),
        FactAttribute(name: "key-bits", type: .number, meaning: "the key size (RSA modulus, EC curve)"),
        FactAttribute(
            name: "signature-algorithm", type: .text,
            meaning: "as swift-certificates names it (`sha256WithRSAEncryption`)"),
        FactAttribute(name: "provider-issued", type: .flag, meaning: "issued by a provider (AWS ACM …), not a file"),
        FactAttribute(
            name: "chain", type: .certificate, meaning: "the certificate with its file's intermediates, for `issued-by`"
        ),
    ]

    static let certProxy = [
        FactAttribute(name: "port", type: .number, meaning: "the cert proxy port (5262 unless set)"),
        FactAttribute(name: "port-declared", type: .flag, meaning: "whether certlint.yaml writes the port"),
        FactAttribute(name: "secondary-port", type: .number, meaning: "the secondary port (5263), when set"),
        FactAttribute(name: "certificate", type: .text, meaning: "the cert proxy certificate's file, when declared"),
        FactAttribute(
            name: "secondary-certificate", type: .text, meaning: "the secondary port's certificate file, when declared"),
        FactAttribute(
            name: "published", type: .flag,
            meaning: "whether a load-balancer listener forwards the cert proxy port"),
        FactAttribute(
            name: "secondary-published", type: .flag, meaning: "whether a load-balancer listener forwards 5263"),
    ]

    static func roleName(_ role: DeploymentListener.Role) -> String {
        switch role {
        case .service: return "service"
        case .certProxy: return "cert-proxy"
        case .secondary: return "secondary"
        }
    }

    static func deploymentFact(_ topology: DeploymentTopology) -> PolicyFact {
        let deployment = topology.deployment
        var values: [String: FactValue] = [
            "name": .text(deployment.name), "vip": .text(deployment.vip.value),
            "nodes": .list(deployment.nodes.map(\.value)), "node-count": .number(deployment.nodes.count),
            "namespace": .text(topology.namespace.rawValue),
            "cert-proxy-port": .number(deployment.certProxy.effectivePort),
        ]
        if let type = topology.classification?.type { values["certificate-type"] = .text(type.rawValue) }
        if let mode = topology.mode?.mode { values["lb-mode"] = .text(mode.rawValue) }
        if let port = deployment.certProxy.secondaryPort { values["secondary-port"] = .number(port.value) }
        return PolicyFact(kind: .deployment, subject: topology.subject, location: deployment.location, values: values)
    }

    static func listenerFact(_ joined: DeploymentListener, in topology: DeploymentTopology) -> PolicyFact {
        let listener = joined.listener
        var values: [String: FactValue] = [
            "name": .text(listener.name), "file": .text(listener.file), "port": .number(listener.port),
            "role": .text(roleName(joined.role)), "layer": .number(listener.layer == .l7 ? 7 : 4),
            "tls": .text(listener.tlsHandling.rawValue),
            "terminates-tls": .flag(listener.terminatesTLS),
            "inserts-x-forwarded-for": .flag(listener.insertsForwardedFor != nil),
            "inserts-remote-port": .flag(listener.insertsRemotePort != nil),
            "health-check-paths": .list(listener.pools.compactMap(\.healthCheckPath)),
            "node-hosts": .list(listener.members.map(\.host)),
        ]
        if let versions = listener.tlsVersions, let lowest = versions.first {
            values["tls-versions"] = .list(versions.map(\.name))
            values["min-tls-version"] = .text(lowest.name)
        }
        return PolicyFact(
            kind: .listener, subject: "\(topology.subject) / listener \(listener.port) (\(listener.name))",
            location: listener.location, values: values)
    }

    static func memberFact(
        _ member: PoolMember, pool: Pool, joined: DeploymentListener, in topology: DeploymentTopology
    ) -> PolicyFact {
        var values: [String: FactValue] = [
            "name": .text(member.name), "host": .text(member.host), "pool": .text(pool.name),
            "tls": .flag(member.usesTLS),
            "verifies-certificate": .flag(member.verifiesCertificate), "listener-port": .number(joined.listener.port),
            "role": .text(roleName(joined.role)),
        ]
        if let port = member.port { values["port"] = .number(port) }
        return PolicyFact(
            kind: .poolMember, subject: "\(topology.subject) / pool \(pool.name) / \(member.name)",
            location: member.location, values: values)
    }

    static func poolFact(_ pool: Pool, joined: DeploymentListener, in topology: DeploymentTopology) -> PolicyFact {
        var values: [String: FactValue] = [
            "name": .text(pool.name), "file": .text(pool.location.path), "member-count": .number(pool.members.count),
            "member-hosts": .list(pool.members.map(\.host)), "balance": .text(pool.balance.rawValue),
            "listener-port": .number(joined.listener.port), "role": .text(roleName(joined.role)),
        ]
        if let path = pool.healthCheckPath { values["health-check-path"] = .text(path) }
        if !pool.members.isEmpty {
            values["tls"] = .flag(pool.members.allSatisfy(\.usesTLS))
            values["verifies-certificates"] = .flag(pool.members.allSatisfy { $0.usesTLS && $0.verifiesCertificate })
        }
        return PolicyFact(
            kind: .pool, subject: "\(topology.subject) / listener \(joined.listener.port) / pool \(pool.name)",
            location: pool.location, values: values)
    }

    static func certProxyFact(_ topology: DeploymentTopology) -> PolicyFact {
        let proxy = topology.deployment.certProxy
        var values: [String: FactValue] = [
            "port": .number(proxy.effectivePort), "port-declared": .flag(proxy.port != nil),
            "published": .flag(!topology.listeners(.certProxy).isEmpty),
            "secondary-published": .flag(!topology.listeners(.secondary).isEmpty),
        ]
        if let port = proxy.secondaryPort { values["secondary-port"] = .number(port.value) }
        if let file = proxy.certificate { values["certificate"] = .text(file.path) }
        if let file = proxy.secondaryCertificate { values["secondary-certificate"] = .text(file.path) }
        return PolicyFact(
            kind: .certProxy, subject: "\(topology.subject) / cert proxy",
            location: proxy.location ?? topology.deployment.location, values: values)
    }

    /// One fact per certificate and place that names it: a file that is both the public and the
    /// cert proxy certificate is one fact with both roles.
    static func certificateFacts(_ topology: DeploymentTopology, asOf: Date) -> [PolicyFact] {
        let uses: [(String, CertificateUse?)] = [
            ("public", topology.publicCertificate), ("service", topology.serviceCertificate),
            ("cert-proxy", topology.certProxyCertificate),
            ("secondary", topology.deployment.certProxy.secondaryPort == nil ? nil : topology.secondaryCertificate),
        ]
        var order: [String] = []
        var grouped: [String: (use: CertificateUse, roles: [String])] = [:]
        for case (let role, let use?) in uses {
            let key = "\(use.path)|\(use.referenceLocation)"
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: (use, [])].roles.append(role)
        }
        return order.map { key in
            let (use, roles) = grouped[key]!
            var values = certificateValues(use, asOf: asOf)
            values["roles"] = .list(roles)
            return PolicyFact(
                kind: .certificate, subject: "\(topology.subject) / certificate \(use.path)",
                location: use.referenceLocation, values: values, certificate: use)
        }
    }

    static func certificateValues(_ use: CertificateUse, asOf: Date) -> [String: FactValue] {
        var values: [String: FactValue] = ["path": .text(use.path), "provider-issued": .flag(use.leaf == nil)]
        guard let leaf = use.leaf else { return values }
        let certificate = leaf.certificate
        values["subject"] = leaf.commonName.map { .text($0) } ?? .absent
        values["issuer"] = CertificateInfo.commonName(certificate.issuer).map { .text($0) } ?? .absent
        values["dns-names"] = .list(leaf.dnsNames)
        values["self-signed"] = .flag(certificate.subject == certificate.issuer)
        values["days-until-expiry"] = .number(
            Int((certificate.notValidAfter.timeIntervalSince(asOf) / 86_400).rounded(.down)))
        values["signature-algorithm"] = .text(
            leaf.unsupportedSignatureOID ?? String(describing: certificate.signatureAlgorithm))
        values["chain"] = .text(use.path)
        let key = certificate.publicKey
        if let bits = leaf.rsaKeyBits {
            values["key-type"] = .text("RSA")
            values["key-bits"] = .number(bits)
        } else if P256.Signing.PublicKey(key) != nil {
            values["key-type"] = .text("EC")
            values["key-bits"] = .number(256)
        } else if P384.Signing.PublicKey(key) != nil {
            values["key-type"] = .text("EC")
            values["key-bits"] = .number(384)
        } else if P521.Signing.PublicKey(key) != nil {
            values["key-type"] = .text("EC")
            values["key-bits"] = .number(521)
        } else {
            values["key-type"] = .text("other")
        }
        return values
    }
}

extension FactAttributes {
    /// The tables of docs/policy-packs.md (`certlint rules --attributes`): every kind's attributes,
    /// then every kind's relations.
    package static var markdownTable: String {
        var lines = ["| kind | attribute | type | meaning |", "|---|---|---|---|"]
        for kind in FactKind.allCases {
            for attribute in kind.attributes {
                lines.append(
                    "| `\(kind.rawValue)` | `\(attribute.name)` | \(attribute.type.rawValue) | \(attribute.meaning) |")
            }
        }
        lines += ["", "| kind | relation | reaches | meaning |", "|---|---|---|---|"]
        for relation in FactRelation.all {
            lines.append(
                "| `\(relation.from.rawValue)` | `\(relation.name)` | `\(relation.to.rawValue)` | \(relation.meaning) |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
