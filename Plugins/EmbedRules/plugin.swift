import Foundation
import PackagePlugin

/// Embeds every YAML file of the package's `rules/` folder into the CertLint module.
@main
struct EmbedRules: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let rulesDirectory = context.package.directoryURL.appending(path: "rules")
        let inputs = try FileManager.default.contentsOfDirectory(
            at: rulesDirectory, includingPropertiesForKeys: nil
        )
        .filter { $0.pathExtension == "yaml" }
        .sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedRules.swift")
        return [
            .buildCommand(
                displayName: "Embedding rules/ into \(target.name)",
                executable: try context.tool(named: "embed-rules").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
