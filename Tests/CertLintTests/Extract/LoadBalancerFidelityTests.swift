import Testing

@testable import CertLint

/// One regression test per class of configuration where certlint's reading once differed from
/// what the real HAProxy 2.6 or NGINX 1.22 does (found by `DifferentialTests`).
@Suite struct LoadBalancerFidelityTests {
    static let manifest = """
        version: 1
        deployments:
          - name: access
            vip: access.example.com
            nodes: [node1.example.com, node2.example.com]
            cert-proxy:
              secondary-port: 5263
            load-balancer: [lb]

        """

    func scan(_ files: [String: String]) async throws -> ScanResult {
        try await FixtureRepository(files: files.merging(["certlint.yaml": Self.manifest]) { a, _ in a }).scan()
    }

    func rules(_ result: ScanResult, _ ids: Set<String>) -> [String] {
        result.brief.filter { ids.contains(String($0.prefix(5))) }
    }

    static let haproxyHead = """
        defaults
            timeout connect 2s
            timeout client 5s
            timeout server 5s

        """

    // MARK: HAProxy

    @Test func tcpFrontendUpgradedByAnHTTPBackendWorksAtLayer7() async throws {
        let config =
            Self.haproxyHead + """
                frontend fe_5262
                    bind :5262
                    mode tcp
                    default_backend be_5262
                backend be_5262
                    mode http
                    server node1 node1.example.com:5262
                """
        let result = try await scan(["lb/haproxy.cfg": config])
        let at = location(of: "mode http", in: config, path: "lb/haproxy.cfg")
        #expect(rules(result, ["CP004"]) == ["CP004 \(at)"])
        #expect(result.messages(.cp004).first?.contains("works at Layer 7 (HTTP)") == true)
    }

    /// A 443 re-encrypting to the nodes with the given header lines in the frontend and backend.
    static func haproxy443(frontend: String, backend: String = "", frontendMode: String = "http") -> String {
        haproxyHead + """
            frontend fe_443
                bind :443 ssl crt /etc/haproxy/public.pem
                mode \(frontendMode)
            \(frontend)
                default_backend be_443
            backend be_443
                mode http
            \(backend)
                server node1 node1.example.com:443 ssl verify none
            """
    }

    @Test(arguments: [
        // Another header name.
        (
            "    option forwardfor header X-Client\n    http-request set-header RemotePort %[src_port]", "",
            ["X-Forwarded-For"]
        ),
        // The load balancer's own port, not the client's.
        ("    option forwardfor\n    http-request set-header RemotePort %[dst_port]", "", ["RemotePort"]),
        // What the client sent, copied.
        (
            "    http-request set-header X-Forwarded-For %[req.hdr(x-forwarded-for)]\n    http-request set-header RemotePort %[src_port]",
            "", ["X-Forwarded-For"]
        ),
        // A dash makes another header.
        ("    option forwardfor\n    http-request add-header Remote-Port %[src_port]", "", ["RemotePort"]),
        // The backend's rule runs last and overwrites the frontend's.
        (
            "    http-request set-header RemotePort %[src_port]\n    option forwardfor",
            "    http-request set-header RemotePort %[dst_port]", ["RemotePort"]
        ),
        // A copy made after the frontend set the client's address is the client's address.
        (
            "    http-request set-header X-Forwarded-For %[src]\n    http-request set-header RemotePort %[src_port]",
            "    http-request set-header X-Forwarded-For %[req.hdr(x-forwarded-for)]", []
        ),
    ])
    func headerValuesAndOrder(_ frontend: String, _ backend: String, _ missing: [String]) async throws {
        let config = Self.haproxy443(frontend: frontend, backend: backend)
        let result = try await scan(["lb/haproxy.cfg": config])
        if missing.isEmpty {
            #expect(rules(result, ["CP008"]) == [])
        } else {
            #expect(
                rules(result, ["CP008"]) == [
                    "CP008 \(location(of: "frontend fe_443", in: config, path: "lb/haproxy.cfg"))"
                ])
            #expect(
                result.messages(.cp008).first?.contains("does not insert \(missing.joined(separator: " and "))")
                    == true)
        }
    }

    @Test func optionForwardforOfATCPFrontendStaysOffAfterTheUpgrade() async throws {
        let config = Self.haproxy443(
            frontend: "    option forwardfor\n    http-request set-header RemotePort %[src_port]", frontendMode: "tcp")
        let result = try await scan(["lb/haproxy.cfg": config])
        #expect(
            rules(result, ["CP008"]) == ["CP008 \(location(of: "frontend fe_443", in: config, path: "lb/haproxy.cfg"))"]
        )
        #expect(result.messages(.cp008).first?.contains("does not insert X-Forwarded-For") == true)
    }

    // MARK: NGINX

    static func nginx(http: String, stream: String = "") -> String {
        """
        events {}
        http {
        \(http)
        }
        \(stream.isEmpty ? "" : "stream {\n\(stream)\n}")
        """
    }

    static let vipServer = """
            server {
                listen 443 ssl;
                server_name access.example.com;
                ssl_certificate /etc/nginx/public.pem;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header RemotePort $remote_port;
                location / {
                    LOCATION
                    proxy_pass https://node1.example.com;
                }
            }
        """

    @Test(arguments: [
        // Any proxy_set_header in the location drops all of the server's.
        ("proxy_set_header Host $host;", ["X-Forwarded-For", "RemotePort"]),
        ("proxy_set_header RemotePort $server_port;", ["X-Forwarded-For", "RemotePort"]),
        (
            "proxy_set_header X-Forwarded-For $http_x_forwarded_for; proxy_set_header RemotePort $remote_port;",
            ["X-Forwarded-For"]
        ),
        ("", []),
    ])
    func proxySetHeaderInheritanceAndValues(_ location: String, _ missing: [String]) async throws {
        let config = Self.nginx(http: Self.vipServer.replacing("LOCATION", with: location))
        let result = try await scan(["lb/nginx.conf": config])
        if missing.isEmpty {
            #expect(rules(result, ["CP008"]) == [])
        } else {
            #expect(
                rules(result, ["CP008"]) == [
                    "CP008 \(CertLintTests.location(of: "server {", in: config, path: "lb/nginx.conf"))"
                ])
            #expect(
                result.messages(.cp008).first?.contains("does not insert \(missing.joined(separator: " and "))")
                    == true)
        }
    }

    @Test func aCatchAllServerIsNotTheVIPs() async throws {
        let catchAll =
            "    server {\n        listen 443 ssl default_server;\n        server_name _;\n        ssl_certificate /etc/nginx/other.pem;\n        return 444;\n    }\n"
        let config = Self.nginx(http: catchAll + Self.vipServer.replacing("LOCATION", with: ""))
        let result = try await scan(["lb/nginx.conf": config])
        let joined = try #require(result.topology.deployments.first).listeners(.service).map(\.listener.name)
        #expect(joined == ["server access.example.com"])
        #expect(rules(result, ["CP007", "CP008"]) == [])
    }

    @Test func sslOnAnotherServersListenMakesTheSocketTLS() async throws {
        let other =
            "    server {\n        listen 443 ssl;\n        server_name other.example.com;\n        return 404;\n    }\n"
        let config = Self.nginx(
            http: "    ssl_certificate /etc/nginx/public.pem;\n" + other
                + Self.vipServer.replacing("LOCATION", with: "").replacing("listen 443 ssl;", with: "listen 443;"))
        let result = try await scan(["lb/nginx.conf": config])
        let listener = try #require(result.topology.deployments.first?.listeners(.service).first?.listener)
        #expect(listener.name == "server access.example.com")
        #expect(listener.terminatesTLS)
    }

    @Test func aPortRangeAndOneStreamServerOnSeveralPorts() async throws {
        let stream = """
                upstream proxies { server node1.example.com:5262; }
                upstream service { server node1.example.com:443; }
                server {
                    listen 5262-5263;
                    proxy_pass proxies;
                }
                server {
                    listen 443;
                    listen 8443;
                    proxy_pass service;
                }
            """
        let result = try await scan(["lb/nginx.conf": Self.nginx(http: "", stream: stream)])
        let deployment = try #require(result.topology.deployments.first)
        #expect(deployment.listeners.map(\.listener.port).sorted() == [443, 5262, 5263])
        #expect(deployment.mode?.mode == .passthrough)
        // 5263 of a passthrough deployment forwards to the nodes' 5262: CP005 is about 5262 only.
        #expect(rules(result, ["CP004", "CP005"]) == [])
    }

    @Test func includesAreRelativeToThePrefixNotToTheIncludingFile() async throws {
        let site = Self.vipServer.replacing("LOCATION", with: "")
            .replacing(
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n        proxy_set_header RemotePort $remote_port;",
                with: "include snippets/headers.conf;")
        let files = [
            "lb/nginx.conf": Self.nginx(http: "    include sites/*.conf;"),
            "lb/sites/access.conf": site,
            "lb/snippets/headers.conf": "proxy_set_header X-Forwarded-For $remote_addr;\n",
            // What a reader relative to the including file would take instead.
            "lb/sites/snippets/headers.conf":
                "proxy_set_header X-Forwarded-For $remote_addr;\nproxy_set_header RemotePort $remote_port;\n",
        ]
        let result = try await scan(files)
        #expect(
            rules(result, ["CP008"]) == [
                "CP008 \(CertLintTests.location(of: "server {", in: site, path: "lb/sites/access.conf"))"
            ])
        #expect(result.messages(.cp008).first?.contains("does not insert RemotePort") == true)
    }
}
