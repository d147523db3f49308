import Foundation
import Testing

@testable import CertLint

/// Pack rules over related facts (`every`, `some`, `none`, `count`), the pool and cert-proxy kinds,
/// and the TLS versions listeners state.
@Suite struct PolicyRelationTests {
    static func scan(
        select: String, require: String, haproxy: String = GoodDeployment.haproxy,
        manifest: String = GoodDeployment.manifest
    ) async throws -> ScanResult {
        let pack = try PolicyPackTests.pack(PolicyPackTests.rule(select: select, require: require))
        return try await GoodDeployment.repository(manifest: manifest, haproxy: haproxy).scan(rulePacks: [pack])
    }

    static func org(_ result: ScanResult) -> [String] {
        result.findings.filter { $0.ruleID.rawValue == "ORG001" }.map { "\($0.location.description) \($0.message)" }
    }

    @Test func everyFollowsTheListenersCertificate() async throws {
        let result = try await Self.scan(
            select: "kind: listener", require: "every: {certificate: {path: {equals: certs/other.pem}}}")
        // Without a cert proxy certificate of its own, the deployment's cert proxy uses the public one.
        #expect(
            Self.org(result) == [
                "lb/haproxy.cfg:9:5 deployment access / listener 443 (frontend access_https): Something the organisation wants (certificate certs/access.pem: path is 'certs/access.pem', expected certs/other.pem)",
                "lb/haproxy.cfg:21:5 deployment access / listener 5262 (frontend cert_proxy): Something the organisation wants (certificate certs/access.pem: path is 'certs/access.pem', expected certs/other.pem)",
            ])
    }

    @Test func countAndSomeOverPoolMembers() async throws {
        let counted = try await Self.scan(select: "kind: pool", require: "count: {pool-members: {at-least: 3}}")
        #expect(
            Self.org(counted) == [
                "lb/haproxy.cfg:14:1 deployment access / listener 443 / pool access_nodes: Something the organisation wants (count of pool-members is 2, expected at least 3)",
                "lb/haproxy.cfg:24:1 deployment access / listener 5262 / pool cert_proxy_nodes: Something the organisation wants (count of pool-members is 2, expected at least 3)",
            ])
        let some = try await Self.scan(
            select: "kind: listener", require: "some: {pool-members: {verifies-certificate: {equals: true}}}")
        // The 443 backend verifies its nodes; the cert proxy's is plain TCP.
        #expect(
            Self.org(some) == [
                "lb/haproxy.cfg:21:5 deployment access / listener 5262 (frontend cert_proxy): Something the organisation wants (no pool-members with verifies-certificate true)"
            ])
    }

    @Test func aBackendTwoListenersShareCountsOnceForTheDeployment() async throws {
        let haproxy =
            GoodDeployment.haproxy + """

                frontend access_https_second_address
                    bind 10.0.0.2:443 ssl crt /etc/haproxy/certs/access.pem
                    default_backend access_nodes

                """
        let result = try await Self.scan(
            select: "kind: deployment", require: "count: {listeners: {at-most: 2}}", haproxy: haproxy)
        #expect(
            Self.org(result) == [
                "certlint.yaml:6:11 deployment access: Something the organisation wants (count of listeners is 3, expected at most 2)"
            ])
        let pools = try await Self.scan(
            select: "kind: deployment", require: "count: {pools: {at-most: 1}}", haproxy: haproxy)
        #expect(
            Self.org(pools) == [
                "certlint.yaml:6:11 deployment access: Something the organisation wants (count of pools is 2, expected at most 1)"
            ])
        let members = try await Self.scan(
            select: "kind: deployment", require: "count: {pool-members: {at-most: 3}}", haproxy: haproxy)
        #expect(
            Self.org(members) == [
                "certlint.yaml:6:11 deployment access: Something the organisation wants (count of pool-members is 4, expected at most 3)"
            ])
    }

    @Test func anUnknownAmongRelatedFactsIsNoVerdict() async throws {
        // The cert proxy backend has no HTTP health check: its members' pools say nothing.
        let result = try await Self.scan(
            select: "kind: pool-member",
            require: "every: {pool: {health-check-path: {equals: /SAAS/API/1.0/REST/system/health/heartbeat}}}")
        #expect(Self.org(result) == [])
        #expect(
            result.checks.filter { $0.ruleID.rawValue == "ORG001" }.map(\.subject) == [
                "deployment access / pool access_nodes / wsa1", "deployment access / pool access_nodes / wsa2",
            ])
    }

    @Test func noDeploymentPublishes5263() async throws {
        let rule = "none: {listeners: {role: {equals: secondary}}}"
        #expect(Self.org(try await Self.scan(select: "kind: deployment", require: rule)) == [])
        let haproxy =
            GoodDeployment.haproxy + """

                frontend secondary
                    mode tcp
                    bind :5263
                    default_backend cert_proxy_nodes

                """
        let manifest = GoodDeployment.manifest + "    cert-proxy: {secondary-port: 5263}\n"
        let published = try await Self.scan(
            select: "kind: deployment", require: rule, haproxy: haproxy, manifest: manifest)
        #expect(
            Self.org(published) == [
                "certlint.yaml:6:11 deployment access: Something the organisation wants (listener 5263 (frontend secondary): not expected: role secondary)"
            ])
        let proxy = try await Self.scan(
            select: "kind: cert-proxy", require: "secondary-published: {equals: false}", haproxy: haproxy,
            manifest: manifest)
        #expect(
            Self.org(proxy) == [
                "certlint.yaml:10:17 deployment access / cert proxy: Something the organisation wants (secondary-published is true, expected false)"
            ])
    }

    @Test func tlsVersionsAreKnownWhereTheConfigurationStatesThem() async throws {
        let rule = "min-tls-version: {in: ['1.2', '1.3']}"
        let select = "kind: listener\n      where: {terminates-tls: {equals: true}}"
        let unstated = try await Self.scan(select: select, require: rule)
        #expect(Self.org(unstated) == [])
        #expect(unstated.checks.filter { $0.ruleID.rawValue == "ORG001" }.isEmpty)
        let old = GoodDeployment.haproxy.replacing(
            "bind :443 ssl crt /etc/haproxy/certs/access.pem",
            with: "bind :443 ssl crt /etc/haproxy/certs/access.pem ssl-min-ver TLSv1.0")
        let stated = try await Self.scan(select: select, require: rule, haproxy: old)
        #expect(
            Self.org(stated) == [
                "lb/haproxy.cfg:9:5 deployment access / listener 443 (frontend access_https): Something the organisation wants (min-tls-version is '1.0', expected one of 1.2, 1.3)"
            ])
    }

    @Test func awsSecurityPoliciesByFamily() {
        let names = [
            "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06",
            "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", "ELBSecurityPolicy-TLS-1-1-2017-01",
            "ELBSecurityPolicy-FS-1-2-Res-2020-10", "ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS13-1-4-2030-01",
            "MyCustomPolicy", "ELBSecurityPolicy-TLS13-1-9223372036854775807", "ELBSecurityPolicy-TLS-1-", "",
        ]
        #expect(
            names.map { AWSSecurityPolicy.versions($0).map { $0.map(\.name).joined(separator: " ") } ?? "unknown" } == [
                "1.2 1.3", "1.3", "1.0 1.1 1.2 1.3", "1.1 1.2", "1.2", "1.0 1.1 1.2", "unknown", "unknown", "unknown",
                "unknown", "unknown",
            ])
    }

    @Test func malformedRelationsAreExit2WithWhere() throws {
        let tail =
            ". A pack is a folder of YAML files: rules: and matrix rows as in certlint's rules/ folder, checks: as docs/policy-packs.md describes."
        let problems = try [
            "every: {certs: {key-bits: {at-least: 1}}}", "every: {certificate: {port: {equals: 1}}}",
            "count: {pools: {exists: true}}",
            "every: {pools: {every: {listener: {every: {pool-members: {every: {pool: {name: {equals: a}}}}}}}}}",
        ].map {
            try PolicyPackTests.problem(PolicyPackTests.rule(require: $0)).replacingOccurrences(of: tail, with: "")
        }
        #expect(
            problems == [
                "rule pack pack.yaml:9:15: checks[0].require.every.certs: unknown relation of listener; expected one of deployment, pools, pool-members, certificate",
                "rule pack pack.yaml:9:29: checks[0].require.every.certificate.port: unknown attribute of certificate; expected all, any, not, every, some, none, count or one of roles, path, subject, issuer, dns-names, self-signed, days-until-expiry, key-type, key-bits, signature-algorithm, provider-issued, chain",
                "rule pack pack.yaml:9:23: checks[0].require.count.pools.exists: unknown operator for a count; expected one of equals, not-equals, in, not-in, less-than, greater-than, at-least, at-most",
                "rule pack pack.yaml:9:72: checks[0].require.every.pools.every.listener.every.pool-members.every: follows more than 3 relations in a row",
            ])
    }
}
