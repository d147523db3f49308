import Foundation
import Testing

@testable import CertLint

/// One test per construct of the HCL native syntax specification, and the real Terraform files
/// of ../shared/corpus.
@Suite struct HCLParserTests {
    func parse(_ text: String) throws -> HCLBody { try HCLParser.parse(text) }

    func expression(_ text: String) throws -> HCLExpression {
        try #require(try parse("x = \(text)\n").attribute("x")).expression
    }

    func literal(_ parts: [HCLTemplatePart]) -> String? {
        guard parts.count == 1, case .literal(let text) = parts[0] else { return parts.isEmpty ? "" : nil }
        return text
    }

    @Test func bodiesBlocksLabelsAndAttributes() throws {
        let body = try parse(
            """
            terraform {
              required_version = ">= 1.5"
            }

            resource "aws_lb_listener" cert_proxy {
              port     = 5262
              protocol = "TCP"
              default_action { type = "forward" }
            }
            """)
        #expect(body.blocks.map(\.type) == ["terraform", "resource"])
        let resource = body.blocks[1]
        #expect(resource.labels == ["aws_lb_listener", "cert_proxy"])
        #expect(resource.range.start == TextPosition(line: 5, column: 1))
        #expect(
            resource.body.attribute("port")?.expression
                == .number(5262, SourceRange(TextPosition(line: 6, column: 14), TextPosition(line: 6, column: 18))))
        #expect(resource.body.blocks("default_action").first?.body.attribute("type") != nil)
    }

    @Test func comments() throws {
        let body = try parse("# hash\n// slashes\n/* block\n comment */ a = 1 # trailing\nb = /* inline */ 2\n")
        #expect(body.attributes.map(\.name) == ["a", "b"])
    }

    @Test func literals() throws {
        #expect(try expression("1.5e3") == .number(1500, try expression("1.5e3").range))
        guard case .bool(true, _) = try expression("true") else {
            Issue.record("true")
            return
        }
        guard case .null = try expression("null") else {
            Issue.record("null")
            return
        }
        guard case .template(let parts, _) = try expression("\"a\\tb\\u00e9\\\"\"") else {
            Issue.record("string")
            return
        }
        #expect(literal(parts) == "a\tbé\"")
    }

    @Test func templatesWithInterpolationDirectivesAndStripMarkers() throws {
        guard
            case .template(let parts, _) = try expression(
                "\"${var.name}-%{ if var.tls }tls%{ else }tcp%{ endif } $${literal}\"")
        else {
            Issue.record("template")
            return
        }
        #expect(parts.count == 4)
        guard case .interpolation(let reference) = parts[0] else {
            Issue.record("interpolation")
            return
        }
        #expect(reference.referenceName == "var.name")
        guard case .conditional(_, let then, let otherwise) = parts[2] else {
            Issue.record("if")
            return
        }
        #expect(literal(then) == "tls")
        #expect(literal(otherwise) == "tcp")
        #expect(parts[3] == .literal(" ${literal}"))
        guard case .template(let stripped, _) = try expression("\"a  ${~ x ~}  b\"") else {
            Issue.record("strip")
            return
        }
        #expect(stripped.first == .literal("a"))
        #expect(stripped.last == .literal("b"))
        guard case .template(let loop, _) = try expression("\"%{ for n in var.nodes ~} ${n} %{~ endfor }\"") else {
            Issue.record("for")
            return
        }
        guard case .loop(nil, "n", _, let body) = loop.first else {
            Issue.record("loop")
            return
        }
        #expect(body.count == 1)
    }

    @Test func heredocs() throws {
        let body = try parse("a = <<EOT\nline ${x}\n  two\nEOT\nb = <<-EOT\n    indented\n      more\n    EOT\n")
        guard case .template(let a, _) = body.attribute("a")?.expression else {
            Issue.record("a")
            return
        }
        #expect(a.first == .literal("line "))
        #expect(a.last == .literal("\n  two\n"))
        guard case .template(let b, _) = body.attribute("b")?.expression else {
            Issue.record("b")
            return
        }
        #expect(literal(b) == "indented\n  more\n")
    }

    @Test func collectionsAndObjectElementForms() throws {
        guard case .tuple(let items, _) = try expression("[1, \"two\",\n  3,\n]") else {
            Issue.record("tuple")
            return
        }
        #expect(items.count == 3)
        guard case .object(let pairs, _) = try expression("{\n  a = 1\n  \"b\": 2, c = [3]\n  (var.k) = 4\n}") else {
            Issue.record("object")
            return
        }
        #expect(pairs.count == 4)
        #expect(pairs[0].key.referenceName == "a")
    }

    @Test func functionCallsAndExpansion() throws {
        guard case .call(let name, let arguments, let expand, _) = try expression("concat(var.a,\n  [\"b\"]...)") else {
            Issue.record("call")
            return
        }
        #expect(name == "concat")
        #expect(arguments.count == 2)
        #expect(expand)
        guard case .call("provider::aws::arn_parse", _, _, _) = try expression("provider::aws::arn_parse(x)") else {
            Issue.record("provider function")
            return
        }
        // `::` is its own token in hclsyntax: blanks around it are valid.
        guard case .call("foo::upper", let one, _, _) = try expression("foo :: upper(\"x\")"), one.count == 1 else {
            Issue.record("blanks around ::")
            return
        }
        guard case .conditional = try expression("a ? b : c") else {
            Issue.record("a conditional is not a namespace")
            return
        }
        #expect(throws: FormatError.self) { try expression("foo :: (1)") }
    }

    /// Namespaced calls as Terraform's own parser reads them (`terraform fmt`), where installed.
    @Test(arguments: [
        ("provider :: aws :: arn_parse(\"x\")", true), ("provider::aws::arn_parse(\"x\")", true), ("foo :: (1)", false),
    ])
    func namespacedCallsAsTerraformReadsThem(_ text: String, _ valid: Bool) throws {
        let parsed = (try? expression(text)) != nil
        #expect(parsed == valid)
        let terraform = ["/usr/local/bin/terraform", "/usr/bin/terraform"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let terraform else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-hcl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("locals {\n  x = \(text)\n}\n".utf8).write(to: folder.appendingPathComponent("main.tf"))
        let check = try run(
            terraform, ["fmt", "-check", "-list=false", folder.appendingPathComponent("main.tf").path],
            environment: ["HOME": folder.path, "PATH": "/usr/bin:/bin"])
        // fmt exits 0 (formatted) or 3 (would reformat) for valid HCL, 2 for a syntax error.
        #expect((check.status != 2) == valid, "terraform fmt: \(check.status) \(check.error)")
    }

    @Test func operatorsFollowHCLPrecedence() throws {
        // 1 + 2 * 3 == 7 || !false && x > -1  →  ((1 + (2 * 3)) == 7) || ((!false) && (x > (-1)))
        guard case .binary("||", let left, let right, _) = try expression("1 + 2 * 3 == 7 || !false && x > -1") else {
            Issue.record("||")
            return
        }
        guard case .binary("==", .binary("+", _, .binary("*", _, _, _), _), _, _) = left else {
            Issue.record("== +")
            return
        }
        guard case .binary("&&", .unary("!", _, _), .binary(">", _, .unary("-", _, _), _), _) = right else {
            Issue.record("&&")
            return
        }
        guard case .binary("%", _, _, _) = try expression("10 % 3") else {
            Issue.record("%")
            return
        }
        guard case .binary(">=", _, _, _) = try expression("a >= b") else {
            Issue.record(">=")
            return
        }
    }

    @Test func conditionals() throws {
        guard case .conditional(_, .template, .template, _) = try expression("var.tls ? \"TLS\" : \"TCP\"") else {
            Issue.record("conditional")
            return
        }
        guard case .conditional(_, _, .conditional, _) = try expression("a ? 1 : b ? 2 : 3") else {
            Issue.record("nested")
            return
        }
    }

    @Test func forExpressions() throws {
        guard case .forTuple(let tuple, _) = try expression("[for s in var.list : upper(s) if s != \"\"]") else {
            Issue.record("tuple for")
            return
        }
        #expect(tuple.valueVariable == "s")
        #expect(tuple.condition != nil)
        guard case .forObject(let object, _) = try expression("{for k, v in var.map : k => v...}") else {
            Issue.record("object for")
            return
        }
        #expect(object.keyVariable == "k")
        #expect(object.grouping)
    }

    @Test func traversalsIndexesLegacyIndexesAndSplats() throws {
        #expect(try expression("aws_lb.main.arn").referenceName == "aws_lb.main.arn")
        #expect(try expression("aws_instance.node[0].private_ip").referenceName == "aws_instance.node[0].private_ip")
        #expect(try expression("aws_instance.node.0.id").referenceName == "aws_instance.node[0].id")
        #expect(try expression("module.lb[\"prod\"].arn").referenceName == "module.lb[\"prod\"].arn")
        guard case .splat(_, let rest, _) = try expression("aws_instance.node[*].id") else {
            Issue.record("full splat")
            return
        }
        #expect(rest == [.attribute("id")])
        guard case .splat(_, let attributeRest, _) = try expression("aws_instance.node.*.id") else {
            Issue.record("attribute splat")
            return
        }
        #expect(attributeRest == [.attribute("id")])
    }

    @Test(arguments: [
        ("a = \n", "Invalid expression: expected the start of an expression, but found a newline", 1, 5),
        ("a = 1 b = 2\n", "Missing newline after argument: an argument must end with a newline, found 'b'", 1, 7),
        (
            "resource \"x\" \"y\" {\n  a = 1\n",
            "Unclosed configuration block: there is no closing brace for the block opened above", 3, 1
        ),
        (
            "a = \"open\n",
            "Unterminated template string: a quoted string cannot span lines; use a heredoc (<<EOT) for text over several lines",
            1, 10
        ),
        (
            "a = f(1 2)\n",
            "Missing argument separator: a comma is required to separate each function argument from the next, found '2'",
            1, 9
        ),
        ("a = \"\\q\"\n", "Invalid escape sequence: the symbol \"q\" is not a valid escape sequence selector", 1, 6),
        (
            "= 1\n",
            "Argument or block definition required: an argument or block definition is required here, found '='", 1, 1
        ),
        (
            "a = <<EOT\nnever closed\n",
            "Unterminated template string: no closing marker EOT was found for the heredoc", 1, 5
        ),
    ])
    func syntaxErrorsNameLineAndColumn(_ text: String, _ message: String, _ line: Int, _ column: Int) {
        #expect(throws: FormatError(message, line: line, column: column)) { try HCLParser.parse(text) }
    }

    static let corpusFiles: [URL] = {
        let folder = Fixtures.shared.appendingPathComponent("corpus/terraform")
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            return []
        }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "tf" }.sorted { $0.path < $1.path }
    }()

    @Test(.enabled(if: !corpusFiles.isEmpty, "../shared/corpus/terraform is not beside this checkout"))
    func everyCorpusTerraformFileParses() throws {
        for file in Self.corpusFiles {
            let text = try String(contentsOf: file, encoding: .utf8)
            do {
                let body = try HCLParser.parse(text)
                #expect(!body.items.isEmpty, "\(file.lastPathComponent)")
            } catch {
                Issue.record("\(file.path): \(error.position.line):\(error.position.column): \(error.message)")
            }
        }
    }
}
