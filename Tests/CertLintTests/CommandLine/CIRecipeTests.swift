import Foundation
import Testing

@testable import CertLint

/// The CI recipes in Examples/ci, run as far as this machine allows: each `certlint` command
/// they contain runs against a Git copy of the example tree, exits 0 or 1 (never 2), and writes
/// the files the CI system then reads.
@Suite struct CIRecipeTests {
    static let recipes = Fixtures.packageRoot.appendingPathComponent("Examples/ci")

    /// `certlint …` commands of a recipe: YAML `run:`/`- ` lines and Jenkins `sh '…'` steps.
    static func commands(in name: String) throws -> [String] {
        let text = try String(contentsOf: recipes.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: "certlint scan") else { return nil }
            var command = String(line[start.lowerBound...])
            if command.hasSuffix("'") { command.removeLast() }
            return command
        }
    }

    @Test(arguments: ["github-actions.yml", "gitlab-ci.yml", "Jenkinsfile"])
    func recipeCommandsRunAgainstTheExample(_ name: String) throws {
        let commands = try Self.commands(in: name)
        #expect(!commands.isEmpty)
        let repository = try FixtureRepository(git: true)
        let examples = Fixtures.packageRoot.appendingPathComponent("Examples")
        for item in try FileManager.default.contentsOfDirectory(atPath: examples.path) where item != "ci" {
            try FileManager.default.copyItem(
                at: examples.appendingPathComponent(item), to: repository.root.appendingPathComponent(item))
        }
        try FileManager.default.copyItem(
            at: Self.recipes.appendingPathComponent(".certlint-baseline.json"),
            to: repository.root.appendingPathComponent(".certlint-baseline.json"))
        try repository.commitAll("infrastructure")
        try repository.git("branch", "-f", "origin/main", "HEAD")
        let binDirectory = URL(fileURLWithPath: CommandLineTests.binary).deletingLastPathComponent().path
        for command in commands {
            let result = try run(
                "/bin/sh", ["-c", "cd '\(repository.path)' && PATH='\(binDirectory)':\"$PATH\" NO_COLOR=1 \(command)"])
            #expect(result.status == 0 || result.status == 1, "\(command): \(result.error)")
            for flag in ["--sarif", "--junit"] where command.contains(flag) {
                let file = command.components(separatedBy: flag + " ")[1].split(separator: " ")[0]
                #expect(
                    FileManager.default.fileExists(atPath: repository.root.appendingPathComponent(String(file)).path),
                    "\(command) wrote no \(file)")
            }
        }
    }

    @Test func recipesAreWellFormedYAML() throws {
        for name in ["github-actions.yml", "gitlab-ci.yml"] {
            let text = try String(contentsOf: Self.recipes.appendingPathComponent(name), encoding: .utf8)
            #expect(throws: Never.self) { _ = try YAMLParser().parse(text) }
        }
    }
}
