import ArgumentParser
import CBuildInfo
import CertLint
import Foundation

@main
struct CertLintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certlint",
        abstract:
            "Checks Workspace ONE Access load balancers, certificates and cert proxy settings in a Git repository against the cert proxy decision matrix.",
        version: versionText,
        subcommands: [
            Scan.self, BaselineCommand.self, Config.self, InstallHook.self, Rules.self, Explain.self, Graph.self,
            Verify.self, Proxy.self, Cache.self,
        ],
        defaultSubcommand: Scan.self)

    /// `certlint --version`: the version, the commit a packaged build was made from, and the
    /// libgit2 and libyaml it runs with.
    static var versionText: String {
        let commit = String(cString: certlint_build_commit())
        return """
            certlint \(certlintVersion)
            commit \(commit.isEmpty ? "not recorded (a development build)" : commit)
            \(LinkedLibraries.description)
            """
    }

    /// Exit codes are certlint's contract: 0 clean, 1 findings, 2 the run failed (bad flags included).
    static func main() async {
        StandardOutput.ignoreBrokenPipeSignal()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any RunFailure {
            FileHandle.standardError.write(
                Data("certlint: error: \(TerminalText.escaped(Redactor.redact(error.description)))\n".utf8))
            Foundation.exit(2)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            FileHandle.standardError.write(
                Data("\(fullMessage(for: error))\nRun `certlint --help` for the commands and their options.\n".utf8))
            Foundation.exit(2)
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension FailThreshold: ExpressibleByArgument {}
