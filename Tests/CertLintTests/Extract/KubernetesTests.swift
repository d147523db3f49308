import Foundation
import Testing

@testable import CertLint

enum KubernetesFixture {
    static func manifests(
        mode: LoadBalancerMode, certificate: String, certProxyAnnotations: String = "", certProxyTarget: Int = 5262,
        backendHTTPS: Bool = true, remotePort: Bool = true
    ) -> String {
        let pem = Data(Fixtures.certificate(certificate).utf8).base64EncodedString()
        let web =
            mode == .reencrypt
            ? """
            apiVersion: v1
            kind: Secret
            metadata:
              name: access-tls
            type: kubernetes.io/tls
            data:
              tls.crt: \(pem)
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: access
              annotations:
            \(backendHTTPS ? "    nginx.ingress.kubernetes.io/backend-protocol: \"HTTPS\"\n" : "")\(remotePort ? "    nginx.ingress.kubernetes.io/configuration-snippet: |\n      proxy_set_header RemotePort $remote_port;\n" : "")    kubernetes.io/ingress.class: nginx
            spec:
              tls:
                - hosts: [access.example.com]
                  secretName: access-tls
              rules:
                - host: access.example.com
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: access
                            port:
                              number: 443
            """
            : """
            apiVersion: v1
            kind: Service
            metadata:
              name: access-lb
            spec:
              type: LoadBalancer
              ports:
                - name: https
                  port: 443
                  targetPort: 443
            """
        return """
            apiVersion: v1
            kind: Service
            metadata:
              name: access
            spec:
              selector: {app: access}
              ports:
                - port: 443
                  targetPort: 443
            ---
            \(web)
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: cert-proxy
              annotations:
                external-dns.alpha.kubernetes.io/hostname: access.example.com\(certProxyAnnotations)
            spec:
              type: LoadBalancer
              selector: {app: access}
              ports:
                - name: cert-proxy
                  port: 5262
                  targetPort: \(certProxyTarget)

            """
    }
}

@Suite struct KubernetesTests {
    func manifest(_ matrixCase: MatrixCase) -> String { matrixCase.manifest(loadBalancer: "k8s") }

    @Test(arguments: MatrixCase.all)
    func matrixRowsFromKubernetes(_ matrixCase: MatrixCase) async throws {
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": manifest(matrixCase),
                "k8s/access.yaml": KubernetesFixture.manifests(
                    mode: matrixCase.mode, certificate: matrixCase.certificate),
            ],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false, loadBalancerLine: true))
        #expect(result.topology.deployments.first?.mode?.mode == matrixCase.mode)
    }

    func scan(_ manifests: String) async throws -> ScanResult {
        let matrixCase = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
        return try await FixtureRepository(
            files: ["certlint.yaml": manifest(matrixCase), "k8s/access.yaml": manifests],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"]
        ).scan()
    }

    @Test func listenerRules() async throws {
        var manifests = KubernetesFixture.manifests(
            mode: .reencrypt, certificate: "san-disjoint",
            certProxyAnnotations:
                "\n    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:123456789012:certificate/abc\n    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: \"5262\""
        )
        var result = try await scan(manifests)
        // The port entry `- name: cert-proxy` (its mapping starts after "- ").
        let portLine =
            manifests.split(separator: "\n", omittingEmptySubsequences: false).lastIndex {
                $0.contains("- name: cert-proxy")
            }! + 1
        #expect(result.brief == ["CP004 k8s/access.yaml:\(portLine):7"])

        manifests = KubernetesFixture.manifests(mode: .reencrypt, certificate: "san-disjoint", certProxyTarget: 443)
        result = try await scan(manifests)
        let targetLine =
            manifests.split(separator: "\n", omittingEmptySubsequences: false).lastIndex {
                $0.contains("targetPort: 443")
            }! + 1
        #expect(result.brief == ["CP005 k8s/access.yaml:\(targetLine):19"])

        manifests = KubernetesFixture.manifests(mode: .reencrypt, certificate: "san-disjoint", backendHTTPS: false)
        result = try await scan(manifests)
        #expect(result.findings.map(\.ruleID) == [.cp007])

        manifests = KubernetesFixture.manifests(mode: .reencrypt, certificate: "san-disjoint", remotePort: false)
        result = try await scan(manifests)
        #expect(result.findings.map(\.ruleID) == [.cp008])
    }

    @Test func invalidBase64InATLSSecretIsCP900NamingTheKey() async throws {
        let manifests =
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\ntype: kubernetes.io/tls\ndata:\n  tls.crt: not*base64!\n"
        let result = try await scan(manifests)
        #expect(result.brief.filter { $0.hasPrefix("CP900") } == ["CP900 k8s/access.yaml:7:12"])
        #expect(result.messages(.cp900) == ["Kubernetes: the Secret's data.tls.crt is not valid base64"])
    }

    @Test func helmTemplatesAreNotedNotParsed() async throws {
        let repository = try FixtureRepository(files: [
            "chart/Chart.yaml": "apiVersion: v2\nname: access\n",
            "chart/templates/service.yaml":
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  type: LoadBalancer\n",
        ])
        let result = try await repository.scan()
        #expect(result.findings.isEmpty)
        #expect(
            result.notes.map(\.message) == [
                "is a template ({{ … }}), e.g. of a Helm chart; not read as Kubernetes YAML"
            ])
    }
}
