import Foundation
import Testing

@testable import CertLint

/// Hostile files that once crashed, hung or exhausted memory, each scanned in process and
/// rendered in every format: each ends as a CP900 or a note naming the limit, and the other files
/// of the scan are still read and judged. (Larger inputs: Scripts/hostile-repositories.sh.)
@Suite struct HostileInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let files: [String: String]
        /// `RULE path:line:col message` of the findings not from the good deployment.
        let expected: [String]
        var testDescription: String { name }
    }

    static let deep = 100_000

    static let cases: [Case] = [
        Case(
            name: "HCL parentheses 100,000 deep",
            files: [
                "tf/main.tf": "locals {\n  a = " + String(repeating: "(", count: deep) + "1"
                    + String(repeating: ")", count: deep) + "\n}\n"
            ],
            expected: [
                "CP900 tf/main.tf:2:134 Terraform: Nesting too deep: blocks, expressions and templates nest deeper than 128 levels here; certlint does not read further"
            ]),
        Case(
            name: "HCL blocks 100,000 deep",
            files: ["tf/main.tf": String(repeating: "a {\n", count: deep) + String(repeating: "}\n", count: deep)],
            expected: [
                "CP900 tf/main.tf:129:4 Terraform: Nesting too deep: blocks, expressions and templates nest deeper than 128 levels here; certlint does not read further"
            ]),
        Case(
            name: "HCL unary minus 100,000 deep",
            files: ["tf/main.tf": "locals {\n  a = " + String(repeating: "-", count: deep) + "1\n}\n"],
            expected: [
                "CP900 tf/main.tf:2:134 Terraform: Nesting too deep: blocks, expressions and templates nest deeper than 128 levels here; certlint does not read further"
            ]),
        Case(
            // Each `[*]` applies what follows to every element: one level per splat.
            name: "HCL full splats 100,000 long",
            files: ["tf/main.tf": "locals {\n  a = b" + String(repeating: "[*]", count: deep) + "\n}\n"],
            expected: [
                "CP900 tf/main.tf:2:389 Terraform: Nesting too deep: blocks, expressions and templates nest deeper than 128 levels here; certlint does not read further"
            ]),
        Case(
            name: "NGINX blocks 100,000 deep",
            files: [
                "nginx/nginx.conf": "http {\n" + String(repeating: "location / {\n", count: deep)
                    + String(repeating: "}\n", count: deep) + "}\n"
            ],
            expected: [
                "CP900 nginx/nginx.conf:101:13 NGINX: blocks nest deeper than 100 levels; certlint does not read further"
            ]),
        Case(
            name: "NGINX directive without arguments (was a crash)",
            files: ["nginx/nginx.conf": "http { server { listen 443 ssl; proxy_set_header; } }\n"],
            expected: []),
        Case(
            name: "NGINX include chain 40 files deep",
            files: Dictionary(
                uniqueKeysWithValues: (0..<40).map { ("nginx/c\($0).conf", "include c\($0 + 1).conf;\n") } + [
                    ("nginx/nginx.conf", "http {\n  include c0.conf;\n}\n")
                ]),
            expected: [
                "CP900 nginx/c14.conf:1:1 NGINX: includes nest deeper than 16 files; certlint stops reading includes here"
            ]),
        Case(
            name: "NGINX include diamond (4^10 paths)",
            files: Dictionary(
                uniqueKeysWithValues: (0..<10).flatMap { level in
                    ["a", "b", "c", "d"].map { name in
                        (
                            "nginx/\(name)\(level).conf",
                            ["a", "b", "c", "d"].map { "include \($0)\(level + 1).conf;\n" }.joined()
                        )
                    }
                } + ["a", "b", "c", "d"].map { ("nginx/\($0)10.conf", "server { listen 8080; }\n") } + [
                    ("nginx/nginx.conf", "http {\n  include a0.conf;\n}\n")
                ]),
            expected: [
                "CP900 nginx/a9.conf:1:1 NGINX: includes expand to more than 100000 directives (the same files included over and over); certlint stops reading includes here"
            ]),
        Case(
            name: "YAML aliases to a 100 KB scalar, 1,000 times",
            files: [
                "k8s/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels:\n    a: &a "
                    + String(repeating: "x", count: 100_000) + "\n    b: ["
                    + Array(repeating: "*a", count: 1000).joined(separator: ",") + "]\n"
            ],
            expected: [
                "CP900 k8s/svc.yaml:7:1923 Kubernetes: aliases expand to more than 1000000 nodes (or 61 MiB of text); refusing to expand further (alias bomb?)"
            ]),
        Case(
            name: "JSON 100,000 deep",
            files: [
                "as3/a.json": "{\"class\": \"ADC\", \"x\": " + String(repeating: "[", count: deep)
                    + String(repeating: "]", count: deep) + "}\n"
            ],
            expected: ["CP900 as3/a.json:1:422 F5 AS3: nesting is deeper than 400 levels"]),
        Case(
            name: "CloudFormation Fn::Sub whose values hold their own placeholder",
            files: [
                "cfn/t.yaml":
                    "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P:\n    Type: String\n    Default: '${P}${P}'\nResources:\n  L:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      Port: !Sub ['${A}', {A: '${A}${A}'}]\n      Protocol: TLS\n      LoadBalancerArn: !Sub '${P}'\n"
            ],
            expected: []),
        Case(
            name: "CloudFormation port 2^63-1",
            files: [
                "cfn/t.yaml":
                    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  L:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      Port: 9223372036854775807\n      Protocol: TLS\n"
            ],
            expected: []),
        Case(
            name: "Terraform port 1e300, count 1e300, count 1e12, huge range",
            files: [
                "tf/main.tf":
                    "resource \"aws_lb_listener\" \"a\" {\n  port = 1e300\n  protocol = \"TLS\"\n}\nresource \"aws_lb_listener\" \"b\" {\n  count = 1e300\n  port = 5262\n}\nresource \"aws_lb_listener\" \"c\" {\n  count = 1e12\n  port = 5262\n}\nlocals {\n  r = range(-9223372036854775807, 9223372036854775807)\n  n = [for i in range(1000): [for j in range(1000): i * j]]\n}\n"
            ],
            expected: []),
        Case(
            name: "Terraform locals that double a string 60 times",
            files: [
                "tf/main.tf": "locals {\n  a0 = \"xxxxxxxxxxxxxxxx\"\n"
                    + (0..<60).map { "  a\($0 + 1) = \"${local.a\($0)}${local.a\($0)}\"\n" }.joined()
                    + "}\nresource \"aws_lb_listener\" \"l\" {\n  port = length(local.a60)\n}\n"
            ],
            expected: []),
        Case(
            name: "Terraform string functions that would build gigabytes",
            files: [
                "tf/main.tf":
                    "locals {\n  a = join(\"\", [for i in range(1000): \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"])\n  b = replace(local.a, \"x\", local.a)\n  c = join(local.a, [for i in range(1000): local.a])\n  d = format(\"%s%s%s%s%s%s%s%s\", local.a, local.a, local.a, local.a, local.a, local.a, local.a, local.a)\n  e = concat([for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i], [for i in range(1000): i])\n  f = distinct(local.e)\n}\nresource \"aws_lb_listener\" \"l\" {\n  port = length(local.b) + length(local.c) + length(local.d) + length(local.f)\n}\n"
            ],
            expected: []),
        Case(
            name: "a UTF-16 file with a byte-order mark",
            files: ["lb/win.cfg": "\u{FEFF}frontend f\r\n    bind :5262 ssl crt /x.pem\r\n"],
            expected: []),
    ]

    @Test(arguments: cases)
    func hostileFileEndsAsAFindingOrNote(_ hostile: Case) async throws {
        let repository = try GoodDeployment.repository(extra: hostile.name.hasPrefix("a UTF-16") ? [:] : hostile.files)
        if hostile.name.hasPrefix("a UTF-16") {
            for (path, text) in hostile.files {
                var bytes: [UInt8] = [0xFF, 0xFE]
                for unit in text.dropFirst().utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
                try repository.write(path, Data(bytes))
            }
        }
        let clean = try await GoodDeployment.repository().scan()
        let result = try await repository.scan()
        let extra = result.findings.filter { finding in
            !clean.findings.contains { $0.ruleID == finding.ruleID && $0.location == finding.location }
        }
        #expect(extra.map { "\($0.ruleID) \($0.location) \($0.message)" } == hostile.expected)
        // The good deployment in the same repository is still judged.
        #expect(result.topology.deployments.count == 1)
        #expect(result.checks.count >= clean.checks.count)
        for format in OutputFormat.allCases where format != .github { #expect(!format.render(result).isEmpty) }
    }

    @Test func lineEndingsCRLFAndLoneCRNumberLinesAlike() async throws {
        let haproxy = GoodDeployment.haproxy.replacing(
            "bind :5262", with: "bind :5262 ssl crt /etc/haproxy/certs/access.pem")
        let expected = "CP004 \(location(of: "bind :5262", in: haproxy, path: "lb/haproxy.cfg"))"
        for ending in ["\r\n", "\r"] {
            let result = try await GoodDeployment.repository(
                haproxy: haproxy.replacingOccurrences(of: "\n", with: ending)
            ).scan()
            #expect(result.brief == [expected], "line ending \(ending.debugDescription)")
        }
    }

    @Test func nulBytesMakeABinaryFileWithANote() async throws {
        let repository = try GoodDeployment.repository()
        try repository.write(
            "lb/extra.cfg", Data("frontend f\n".utf8 + [0] + Data("    bind :5262 ssl crt /x.pem\n".utf8)))
        let result = try await repository.scan()
        #expect(result.brief == [])
        #expect(result.notes.contains(ScanNote(path: "lb/extra.cfg", message: "is a binary file; not read")))
    }

    @Test func utf16FilesAreReadWithANote() async throws {
        let repository = try GoodDeployment.repository()
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "frontend f\r\n    bind :5262 ssl crt /x.pem\r\n".utf16 {
            bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        try repository.write("lb/win.cfg", Data(bytes))
        let result = try await repository.scan()
        #expect(
            result.notes.contains(
                ScanNote(path: "lb/win.cfg", message: "is UTF-16LE text with a byte-order mark; read as Unicode text")))
    }
}
