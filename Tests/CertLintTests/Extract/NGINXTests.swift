import Testing

@testable import CertLint

enum NGINXFixture {
    static func configuration(
        mode: LoadBalancerMode, nodes: [String], certProxyListen: String = "listen 5262;", scheme: String = "https",
        remotePort: Bool = true, certProxyPort: Int = 5262
    ) -> String {
        let upstream443 = nodes.map { "        server \($0):443;" }.joined(separator: "\n")
        let upstream5262 = nodes.map { "        server \($0):\(certProxyPort);" }.joined(separator: "\n")
        let web =
            mode == .reencrypt
            ? """
            http {
                upstream access_nodes {
            \(upstream443)
                }
                server {
                    listen 443 ssl;
                    server_name access.example.com;
                    ssl_certificate /etc/nginx/certs/public.pem;
                    location / {
                        proxy_pass \(scheme)://access_nodes;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            \(remotePort ? "            proxy_set_header RemotePort $remote_port;\n" : "")            }
                }
            }
            """
            : """
            stream {
                upstream access_443 {
            \(upstream443)
                }
                server {
                    listen 443;
                    ssl_preread on;
                    proxy_pass access_443;
                }
            }
            """
        return """
            user nginx;
            events { worker_connections 1024; }

            \(web)

            stream {
                upstream cert_proxy {
            \(upstream5262)
                }
                server {
                    \(certProxyListen)
                    proxy_pass cert_proxy;
                }
            }

            """
    }
}

@Suite struct NGINXTests {
    @Test(arguments: MatrixCase.all)
    func matrixRowsFromNGINX(_ matrixCase: MatrixCase) async throws {
        let repository = try FixtureRepository(
            files: [
                "certlint.yaml": matrixCase.manifest(declaring: false),
                "nginx/nginx.conf": NGINXFixture.configuration(mode: matrixCase.mode, nodes: matrixCase.nodes),
            ],
            certificates: ["certs/ca.pem": "ca", "certs/public.pem": matrixCase.certificate])
        let result = try await repository.scan()
        #expect(result.brief == matrixCase.expectedBrief(declaring: false))
        #expect(result.topology.deployments.first?.mode?.mode == matrixCase.mode)
    }

    func scan(_ configuration: String, extra: [String: String] = [:]) async throws -> ScanResult {
        let matrixCase = MatrixCase.all.first { $0.label == "row 5" && !$0.with5263 }!
        var files = extra
        files["certlint.yaml"] = matrixCase.manifest(declaring: false)
        files["nginx/nginx.conf"] = configuration
        return try await FixtureRepository(
            files: files, certificates: ["certs/ca.pem": "ca", "certs/public.pem": "san-disjoint"]
        ).scan()
    }

    let nodes = ["wsa1.example.dmz", "wsa2.example.dmz"]

    @Test func listenerRulesOnTheWrongLine() async throws {
        var configuration = NGINXFixture.configuration(
            mode: .reencrypt, nodes: nodes, certProxyListen: "listen 5262 ssl;")
        var result = try await scan(configuration)
        #expect(
            result.brief == ["CP004 \(location(of: "listen 5262 ssl;", in: configuration, path: "nginx/nginx.conf"))"])

        configuration = NGINXFixture.configuration(mode: .reencrypt, nodes: nodes, certProxyPort: 443)
        result = try await scan(configuration)
        // The cert proxy upstream's first server, the last `server wsa1.example.dmz:443;` line.
        let lines = configuration.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.lastIndex { $0.contains("server wsa1.example.dmz:443;") }! + 1
        #expect(result.brief == ["CP005 nginx/nginx.conf:\(line):9"])

        configuration = NGINXFixture.configuration(mode: .reencrypt, nodes: nodes, scheme: "http")
        result = try await scan(configuration)
        #expect(
            result.brief == [
                "CP007 \(location(of: "server wsa1.example.dmz:443;", in: configuration, path: "nginx/nginx.conf"))"
            ])

        configuration = NGINXFixture.configuration(mode: .reencrypt, nodes: nodes, remotePort: false)
        result = try await scan(configuration)
        #expect(result.brief == ["CP008 \(location(of: "server {", in: configuration, path: "nginx/nginx.conf"))"])
        #expect(result.messages(.cp008).first?.contains("does not insert RemotePort") == true)
    }

    @Test func includesWithGlobsCyclesAndMissingFiles() async throws {
        let main = """
            events {}
            http {
                include conf.d/*.conf;
                include missing/*.conf;
            }
            """
        let site = """
            server {
                listen 443 ssl;
                ssl_certificate /etc/nginx/certs/public.pem;
                location / {
                    proxy_pass https://wsa1.example.dmz;
                    proxy_set_header X-Forwarded-For $remote_addr;
                    include snippets/remote-port.conf;
                }
            }
            """
        let snippet = "proxy_set_header RemotePort $remote_port;\n"
        let result = try await scan(
            main, extra: ["nginx/conf.d/access.conf": site, "nginx/snippets/remote-port.conf": snippet])
        let https = try #require(result.topology.deployments.first?.listeners.first { $0.role == .service }?.listener)
        #expect(https.file == "nginx/conf.d/access.conf")
        #expect(https.terminatesTLS)
        #expect(
            https.pools.map(\.remotePortHeader) == [
                SourceLocation(path: "nginx/snippets/remote-port.conf", line: 1, column: 1)
            ])
        #expect(
            result.notes.map(\.message) == [
                "line 4: include missing/*.conf matches no file in the repository; its directives are not read"
            ])

        let cycle = try await scan(
            "events {}\nhttp {\n    include loop.conf;\n}\n",
            extra: ["nginx/loop.conf": "server {\n    listen 8080;\n    include nginx.conf;\n}\n"])
        #expect(cycle.brief.filter { $0.hasPrefix("CP900") } == ["CP900 nginx/nginx.conf:3:5"])
        #expect(
            cycle.messages(.cp900) == ["NGINX: include cycle: nginx/loop.conf → nginx/nginx.conf → nginx/loop.conf"])

        // A broken file read on its own and included twice is one CP900.
        let broken = "server {\n    listen 443 ssl\n}\n"
        let twice = try await scan(
            "events {}\nhttp {\n    include conf.d/broken.conf;\n    include conf.d/*.conf;\n}\n",
            extra: ["nginx/conf.d/broken.conf": broken])
        #expect(twice.brief.filter { $0.hasPrefix("CP900") } == ["CP900 nginx/conf.d/broken.conf:3:1"])
        #expect(twice.messages(.cp900) == ["NGINX: directive \"listen\" is not terminated by \";\""])
    }

    @Test func syntaxErrorsAndTemplates() async throws {
        let broken = try await scan("http {\n    server {\n        listen 443 ssl\n    }\n}\n")
        #expect(broken.brief.filter { $0.hasPrefix("CP900") } == ["CP900 nginx/nginx.conf:4:5"])
        #expect(broken.messages(.cp900) == ["NGINX: directive \"listen\" is not terminated by \";\""])
        let template = try await scan("server {\n    listen 80;\n    server_name {{ site.domain }};\n}\n")
        #expect(template.findings.filter { $0.ruleID == .cp900 }.isEmpty)
        #expect(
            template.notes.map(\.message) == ["is a template ({{ … }} or {% … %}); not read as NGINX configuration"])
    }
}

/// TLS version settings the real servers refuse are CP900 at the setting.
@Suite struct TLSVersionSettingTests {
    @Test func aRefusedSettingInAFileTwoConfigurationsIncludeIsOneCP900() async throws {
        let main = "http {\n    include shared/tls.conf;\n    server { listen 443 ssl; }\n}\n"
        let result = try await FixtureRepository(files: [
            "nginx/a/nginx.conf": main.replacingOccurrences(of: "shared/", with: "../shared/"),
            "nginx/b/nginx.conf": main.replacingOccurrences(of: "shared/", with: "../shared/"),
            "nginx/shared/tls.conf": "ssl_protocols TLSv9;\n",
        ]).scan()
        #expect(result.notes.isEmpty, "both includes resolve: \(result.notes)")
        #expect(result.brief.filter { $0.hasPrefix("CP900") } == ["CP900 nginx/shared/tls.conf:1:1"])
    }

    @Test func protocolsNGINXOrHAProxyRefuseAreCP900() async throws {
        let nginx = try await FixtureRepository(files: [
            "nginx/nginx.conf": """
            http {
                server {
                    listen 443 ssl;
                    ssl_protocols TLSv1.0 TLSv1.2;
                }
            }

            """
        ]).scan()
        #expect(nginx.brief == ["CP900 nginx/nginx.conf:4:9"])
        #expect(
            nginx.messages(.cp900) == [
                "NGINX: ssl_protocols: invalid value; expected SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3"
            ])
        let frontend = "frontend access\n    mode tcp\n    bind :443 ssl crt /etc/haproxy/a.pem "
        let unknown = try await FixtureRepository(files: ["haproxy.cfg": frontend + "ssl-min-ver TLSv1.4\n"]).scan()
        let disabled = try await FixtureRepository(files: ["haproxy.cfg": frontend + "no-tlsv12 no-tlsv13\n"]).scan()
        let missing = try await FixtureRepository(files: ["haproxy.cfg": frontend + "ssl-min-ver\n"]).scan()
        #expect(
            unknown.brief + disabled.brief + missing.brief == [
                "CP900 haproxy.cfg:3:54", "CP900 haproxy.cfg:3:5", "CP900 haproxy.cfg:3:42",
            ])
        #expect(
            unknown.messages(.cp900) + disabled.messages(.cp900) + missing.messages(.cp900) == [
                "HAProxy: 'TLSv1.4': unknown ssl/tls version (SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3)",
                "HAProxy: all SSL/TLS versions are disabled for this bind",
                "HAProxy: 'ssl-min-ver' needs a version",
            ])
    }
}
