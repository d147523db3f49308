import Foundation
import Testing

@testable import CertLint

/// NGINX's tokenizer rules (`ngx_conf_read_token`), each sample also checked with the real
/// `nginx -t` where it is installed, so the expectation is NGINX's and not a guess.
@Suite struct NGINXGrammarTests {
    struct Sample: CustomStringConvertible, Sendable {
        let description: String
        let text: [UInt8]
        /// Directives certlint must read (`name arg…`), among all it reads.
        let expected: [String]
        /// Whether Debian's nginx-light can check it (it has no Lua module).
        var nginxChecks = true

        init(_ description: String, _ server: String, expected: [String], nginxChecks: Bool = true) {
            self.description = description
            text = Array("events {}\nhttp {\n    server {\n\(server)\n    }\n}\n".utf8)
            self.expected = expected
            self.nginxChecks = nginxChecks
        }

        init(_ description: String, bytes: [UInt8], expected: [String]) {
            self.description = description
            text = bytes
            self.expected = expected
        }
    }

    static let samples: [Sample] = [
        Sample(
            "# inside a word is part of it", "server_name a#b; listen 8443;",
            expected: ["server_name a#b", "listen 8443"]),
        Sample(
            "# after a blank starts a comment", "listen 8443; # listen 9443;\nserver_name x;",
            expected: ["listen 8443", "server_name x"]),
        Sample(
            "${var} inside an unquoted word", "set $x 1; location / { return 200 ${x}ok; }",
            expected: ["set $x 1", "return 200 ${x}ok"]),
        Sample("} inside a word", "location / { return 200 a}b; }", expected: ["return 200 a}b"]),
        Sample(
            "escapes in quoted and unquoted words",
            #"add_header X "q\"x\\y"; add_header Y a\;b; add_header Z 'it\'s';"#,
            expected: [#"add_header X q"x\y"#, #"add_header Y a\;b"#, "add_header Z it's"]),
        Sample(
            "an OpenResty Lua block is Lua, not directives",
            "location / { content_by_lua_block { ngx.say(\"}\") -- }\n local s = [[ { ]] local t = [==[ ]] } ]==] } }\nlisten 8443;",
            expected: ["content_by_lua_block", "listen 8443"], nginxChecks: false),
        Sample(
            "a byte that is not UTF-8 in a comment",
            bytes: Array("events {}\nhttp {\n    # caf".utf8) + [0xE9]
                + Array("\n    server { listen 8443; }\n}\n".utf8),
            expected: ["listen 8443"]),
    ]

    static func flattened(_ directives: [NGINXDirective]) -> [String] {
        var result: [String] = []
        var pending = Array(directives.reversed())
        while let directive = pending.popLast() {
            result.append(([directive.name] + directive.arguments).joined(separator: " "))
            pending += (directive.block ?? []).reversed()
        }
        return result
    }

    @Test(arguments: samples)
    func readsAsNGINXDoes(_ sample: Sample) throws {
        let text = String(decoding: sample.text, as: UTF8.self)
        let read = Self.flattened(try NGINXParser.parse(text, path: "nginx.conf"))
        for directive in sample.expected { #expect(read.contains(directive), "\(directive) in \(read)") }
        if sample.nginxChecks && RealLoadBalancers.present {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "certlint-nginx-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try Data(sample.text).write(to: folder.appendingPathComponent("nginx.conf"))
            let check = try run(
                "/usr/sbin/nginx",
                [
                    "-t", "-p", folder.path + "/", "-c", folder.appendingPathComponent("nginx.conf").path, "-g",
                    "pid \(folder.path)/nginx.pid;",
                ])
            #expect(check.status == 0, "nginx -t: \(check.error)")
        }
    }

    @Test func unterminatedLuaBlockIsAFormatError() {
        #expect(throws: FormatError.self) {
            try NGINXParser.parse(
                "http { server { location / { access_by_lua_block { if x then --[[ } ]] end\n", path: "n.conf")
        }
    }

    @Test func aClosingQuoteMustBeFollowedByABlank() {
        // nginx -t: unexpected "b" in …
        #expect(throws: FormatError.self) {
            try NGINXParser.parse("events {}\nhttp { server_name \"a\"b; }\n", path: "n.conf")
        }
    }
}
