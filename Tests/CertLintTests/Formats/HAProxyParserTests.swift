import Testing

@testable import CertLint

@Suite struct HAProxyParserTests {
    @Test func splitsSectionsAndWordsWithQuotesEscapesAndComments() throws {
        let config = try HAProxyParser.parse(
            """
            global # comment
                log stdout format raw local0
            frontend "fe access"
                http-request set-header X-Note "a # b" # trailing
                http-request set-header X-Esc a\\ b 'single "q"'
            """)
        #expect(config.sections.map(\.kind) == ["global", "frontend"])
        #expect(config.sections[1].name == "fe access")
        let words = config.sections[1].directives.map { $0.words.map(\.text) }
        #expect(
            words == [
                ["http-request", "set-header", "X-Note", "a # b"],
                ["http-request", "set-header", "X-Esc", "a b", "single \"q\""],
            ])
        #expect(config.sections[1].directives[0].line == 4)
        #expect(config.sections[1].directives[0].words[3].column == 36)
    }

    @Test func unclosedQuoteIsAnError() {
        #expect(throws: FormatError("the quote \" opened here is not closed on this line", line: 2, column: 31)) {
            try HAProxyParser.parse("frontend fe\n    http-request set-header X \"open\n")
        }
    }

    @Test func directiveOutsideASectionIsAnError() {
        #expect(
            throws: FormatError(
                "'bind' stands outside any section; HAProxy expects 'global', 'defaults', 'frontend', 'backend' or 'listen' first",
                line: 2, column: 1)
        ) {
            try HAProxyParser.parse("# header\nbind :443\n")
        }
    }

    func listeners(_ text: String) throws -> [Listener] {
        try HAProxyExtractor().extract(ScannedFile(path: "haproxy.cfg", bytes: Array(text.utf8))).listeners
    }

    @Test func bindAddressesPortsAndRanges() throws {
        let found = try listeners(
            """
            frontend fe
                bind 10.0.0.1:443,[::]:8443 ssl crt a.pem crt b.pem
                bind ipv4@*:5262-5263
                bind unix@/var/run/admin.sock
            """)
        #expect(found.map(\.port) == [443, 8443, 5262, 5263])
        #expect(found[0].terminatesTLS && !found[2].terminatesTLS)
        #expect(
            found[0].certificates.map { if case .file(let file) = $0 { return file.path } else { return "" } } == [
                "a.pem", "b.pem",
            ])
        #expect(found.allSatisfy { $0.layer == .l4 })  // HAProxy's default mode is tcp
    }

    @Test func defaultsAreInheritedAndNamedDefaultsFollowFrom() throws {
        let found = try listeners(
            """
            defaults web
                mode http
                option forwardfor
            defaults
                mode tcp
            frontend fe_tcp
                bind :5262
            frontend fe_web from web
                bind :443 ssl crt x.pem
                default_backend be
            backend be from web
                default-server ssl verify required
                server s1 wsa1.example.com:443
                server s2 wsa2.example.com no-ssl
            """)
        #expect(found.map(\.layer) == [.l4, .l7])
        // option forwardfor of `defaults web`, on the way from fe_web to be (both `from web`).
        #expect(found[1].forwardedForHeader == nil)
        #expect(found[1].pools.map { $0.forwardedForHeader?.line } == [3])
        let members = found[1].members
        #expect(members.map(\.usesTLS) == [true, false])
        #expect(members.map(\.port) == [443, nil])
        #expect(members[0].verifiesCertificate)
    }

    @Test func badPortsAreFormatErrors() {
        #expect(
            throws: FormatError(
                "'70000' in bind address ':70000' is not a port or port range (1–65535)", line: 2, column: 10)
        ) {
            try listeners("frontend fe\n    bind :70000\n")
        }
        #expect(throws: FormatError("'server' needs a name and an address", line: 2, column: 5)) {
            try listeners("backend be\n    server lonely\nfrontend fe\n    bind :443\n    default_backend be\n")
        }
    }

    @Test func claimsHAProxyFilesOnly() {
        let extractor = HAProxyExtractor()
        #expect(extractor.claims(ScannedFile(path: "lb/haproxy.cfg", bytes: Array("frontend fe\n  bind :443\n".utf8))))
        #expect(extractor.claims(ScannedFile(path: "etc/haproxy", bytes: Array("listen l\n".utf8))))
        #expect(!extractor.claims(ScannedFile(path: "setup.cfg", bytes: Array("[metadata]\nname = x\n".utf8))))
        #expect(
            !extractor.claims(ScannedFile(path: "nginx.conf", bytes: Array("http { server { listen 443; } }\n".utf8))))
    }
}

@Suite struct LineEndingTests {
    @Test func crlfFilesReadLikeLFFiles() async throws {
        let crlf = { (text: String) in text.replacingOccurrences(of: "\n", with: "\r\n") }
        let haproxy = GoodDeployment.haproxy.replacing(
            "bind :5262", with: "bind :5262 ssl crt /etc/haproxy/certs/access.pem")
        let repository = try GoodDeployment.repository(manifest: crlf(GoodDeployment.manifest), haproxy: crlf(haproxy))
        try repository.write("certs/access.pem", crlf(Fixtures.certificate("san-disjoint")))
        let result = try await repository.scan()
        #expect(result.brief == ["CP004 lb/haproxy.cfg:21:5"])
        #expect(result.findings.first?.snippet == "    bind :5262 ssl crt /etc/haproxy/certs/access.pem")
        #expect(result.topology.deployments.first?.publicCertificate?.commonName == "access.example.com")
    }
}

@Suite struct ForwardingHeaderTests {
    @Test func spellingsOfTheTwoHeaders() {
        #expect(
            ["X-Forwarded-For", "x_forwarded_for", "\"X-Forwarded-For\""].map { ForwardingHeader(name: $0) } == [
                .forwardedFor, .forwardedFor, .forwardedFor,
            ])
        #expect(
            ["RemotePort", "Remoteport", "Remote-Port", "Remote Port"].map { ForwardingHeader(name: $0) } == [
                .remotePort, .remotePort, .remotePort, .remotePort,
            ])
        #expect(ForwardingHeader(name: "X-Forwarded-Port") == nil)
        #expect(
            ForwardingHeader.insertedByIRule(
                "when HTTP_REQUEST {\n  HTTP::header insert \"RemotePort\" [TCP::client_port]\n  HTTP::header replace X-Forwarded-For [IP::client_addr]\n  HTTP::header remove Server\n}"
            ) == [.remotePort, .forwardedFor])
        #expect(ForwardingHeader.insertedByIRule("when HTTP_REQUEST { HTTP::header insert X-Note 1 }").isEmpty)
    }
}
