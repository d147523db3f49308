import Foundation
import Testing

@testable import CertLint

/// Paths split without Foundation's `NSString` path methods, which crash on a one-character
/// string in swift-corelibs-foundation 6.3.1; and Terraform's `dirname`/`basename` as Go's
/// `filepath.Dir`/`filepath.Base`.
@Suite struct PathSplittingTests {
    @Test func localFoldersAreFoundationsWhereFoundationDoesNotCrash() {
        for path in ["/a/b/c", "/a", "a//b/", "ab", "//a", "a/b/", "/ab/", "ab/cd//", "../x", "./ab"] {
            #expect(LocalPath.folder(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
        }
        // One character: Foundation 6.3.1 stops the process with an illegal instruction.
        #expect(LocalPath.folder(of: "x") == "")
        #expect(LocalPath.folder(of: ".") == "")
        #expect(LocalPath.folder(of: "/") == "/")
        #expect(LocalPath.folder(of: "") == "")
    }

    /// The examples of Go's documentation for `filepath.Dir` and `filepath.Base`.
    @Test func goDirAndBase() {
        let dirs = [
            ("/foo/bar/baz.js", "/foo/bar"), ("/foo/bar/baz", "/foo/bar"), ("/foo/bar/baz/", "/foo/bar/baz"),
            ("/dirty//path///", "/dirty/path"), ("dev.txt", "."), ("../todo.txt", ".."), ("..", "."), (".", "."),
            ("/", "/"), ("", "."), ("a", "."), ("a/../../b/c", "../b"), ("/../a/b", "/a"),
        ]
        for (path, dir) in dirs { #expect(GoFilePath.dir(path) == dir, "Dir(\(path))") }
        let bases = [
            ("/foo/bar/baz.js", "baz.js"), ("/foo/bar/baz", "baz"), ("/foo/bar/baz/", "baz"), ("dev.txt", "dev.txt"),
            ("../todo.txt", "todo.txt"), ("..", ".."), (".", "."), ("/", "/"), ("", "."), ("a", "a"), ("///", "/"),
        ]
        for (path, base) in bases { #expect(GoFilePath.base(path) == base, "Base(\(path))") }
    }

    @Test func terraformDirnameAndBasenameOfOneCharacter() throws {
        let body = try HCLParser.parse("a = dirname(\"x\")\nb = basename(\"x/\")\nc = dirname(\"certs/a.pem\")\n")
        let evaluator = TerraformEvaluator(
            module: TerraformModule(directory: "", files: []), inputs: [:], rootDirectory: "", readFile: { _ in nil },
            childEvaluator: { _, _ in nil })
        let values = body.attributes.map { evaluator.evaluate($0.expression) }
        #expect(values == [.string("."), .string("x"), .string("certs")])
    }
}
