import ArgumentParser
import CertLint
import Foundation

@main
struct CertLintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certlint",
        abstract:
            "Checks Workspace ONE Access load balancers, certificates and cert proxy settings in a Git repository against the cert proxy decision matrix.",
        version: certlintVersion,
        subcommands: [
            Scan.self, BaselineCommand.self, Config.self, InstallHook.self, Rules.self, Explain.self, Verify.self,
            Proxy.self,
        ],
        defaultSubcommand: Scan.self)

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
