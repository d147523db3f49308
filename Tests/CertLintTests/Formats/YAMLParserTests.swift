import Testing

@testable import CertLint

@Suite struct YAMLParserTests {
    @Test func keepsPositionsOfEveryNode() throws {
        let documents = try YAMLParser().parse("a: 1\nlist:\n  - x\n  - {k: v}\n")
        let root = try #require(documents.first)
        #expect(root["a"]?.start == TextPosition(line: 1, column: 4))
        let list = try #require(root["list"]?.sequence)
        #expect(list.map(\.start) == [TextPosition(line: 3, column: 5), TextPosition(line: 4, column: 5)])
        #expect(list[1]["k"]?.scalar == "v")
        #expect(list[1]["k"]?.start == TextPosition(line: 4, column: 9))
    }

    @Test func readsEveryDocumentOfAStream() throws {
        let documents = try YAMLParser().parse("---\nkind: A\n---\nkind: B\n...\n")
        #expect(documents.map { $0["kind"]?.scalar } == ["A", "B"])
    }

    @Test func readsJSON() throws {
        let root = try #require(try YAMLParser().parse("{\n  \"port\": 5262,\n  \"ssl\": false\n}").first)
        #expect(root["port"]?.resolved == .int(5262))
        #expect(root["ssl"]?.resolved == .bool(false))
        #expect(root["port"]?.start == TextPosition(line: 2, column: 11))
    }

    @Test func resolvesScalarsByTheCoreSchemaAndKeepsQuotedStrings() throws {
        let root = try #require(try YAMLParser().parse("a: '5262'\nb: 5262\nc: ~\nd: yes\n").first)
        #expect(root["a"]?.resolved == .string("5262"))
        #expect(root["b"]?.resolved == .int(5262))
        #expect(root["c"]?.resolved == .null)
        #expect(root["d"]?.resolved == .string("yes"))
    }

    @Test func aliasesReuseTheAnchoredNode() throws {
        let root = try #require(try YAMLParser().parse("base: &b {port: 5262}\ncopy: *b\n").first)
        #expect(root["copy"]?["port"]?.scalar == "5262")
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        #expect(throws: FormatError("mapping values are not allowed in this context", line: 2, column: 3)) {
            try YAMLParser().parse("a: 1\n b: 2\nc: [\n")
        }
        #expect(throws: FormatError("alias *missing names no anchor defined before it", line: 1, column: 4)) {
            try YAMLParser().parse("a: *missing\n")
        }
    }

    @Test func aliasBombEndsQuicklyAsAFormatError() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...12 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        #expect(throws: FormatError.self) { try YAMLParser().parse(text) }
        do {
            _ = try YAMLParser().parse(text)
        } catch {
            #expect(
                error.message
                    == "aliases expand to more than 1000000 nodes (or 61 MiB of text); refusing to expand further (alias bomb?)"
            )
            #expect(error.position.line == 6)  // a5 is the first to pass a million nodes
        }
    }

    @Test func deepNestingIsBounded() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: FormatError("nesting is deeper than 400 levels", line: 1, column: 401)) {
            try YAMLParser().parse(text)
        }
    }
}
