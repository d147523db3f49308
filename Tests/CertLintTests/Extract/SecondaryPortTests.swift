import Testing

@testable import CertLint

/// CP006 (5263 published on the load balancer) in every load-balancer format of issue 4.
@Suite struct SecondaryPortTests {
    static let row5 = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
    static let nodes = ["wsa1.example.dmz", "wsa2.example.dmz"]

    static let cases: [(String, String, String)] = [
        (
            "nginx/nginx.conf",
            NGINXFixture.configuration(mode: .reencrypt, nodes: nodes).replacing(
                "listen 5262;", with: "listen 5262;\n            listen 5263;"), "listen 5263;"
        ),
        (
            "k8s/access.yaml",
            KubernetesFixture.manifests(mode: .reencrypt, certificate: "san-disjoint").replacing(
                "      targetPort: 5262\n",
                with: "      targetPort: 5262\n    - name: secondary\n      port: 5263\n      targetPort: 5263\n"),
            "- name: secondary"
        ),
        (
            "f5/access.json",
            AS3Fixture.application(mode: .reencrypt, nodes: nodes, certificate: "san-disjoint").replacing(
                "\"virtualPort\": 5262,", with: "\"virtualPort\": 5263,"), "\"virtualPort\": 5263"
        ),
        (
            "netscaler/ns.conf",
            NetScalerFixture.configuration(mode: .reencrypt, nodes: nodes)
                + "add lb vserver vs_secondary TCP 203.0.113.10 5263\nbind lb vserver vs_secondary sg_cert_proxy\n",
            "add lb vserver vs_secondary"
        ),
        (
            "nsx/infra.json",
            PolicyFixture.text(.nsxJSON, mode: .reencrypt, nodes: nodes, certificate: "san-disjoint").replacing(
                "\"ports\": [\"5262\"]", with: "\"ports\": [\"5262\", \"5263\"]"), "\"ports\": [\"5262\", \"5263\"]"
        ),
        (
            "avi/config.json",
            PolicyFixture.text(.aviJSON, mode: .reencrypt, nodes: nodes, certificate: "san-disjoint").replacing(
                "\"services\": [{\"port\": 5262, \"enable_ssl\": false}]",
                with: "\"services\": [{\"port\": 5262, \"enable_ssl\": false}, {\"port\": 5263, \"enable_ssl\": false}]"
            ), "{\"port\": 5263"
        ),
    ]

    @Test(arguments: 0..<cases.count)
    func port5263OnTheLoadBalancerIsCP006(_ index: Int) async throws {
        let (path, text, marker) = Self.cases[index]
        let manifest = Self.row5.manifest(loadBalancer: String(path.split(separator: "/")[0]))
        let repository = try FixtureRepository(
            files: ["certlint.yaml": manifest, path: text],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"])
        let result = try await repository.scan()
        #expect(result.findings.map(\.ruleID) == [.cp006], "\(path)")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(marker) }.map
        { $0 + 1 }
        #expect(result.findings.first?.location.path == path)
        #expect(result.findings.first?.location.line == line, "\(path)")
    }
}
