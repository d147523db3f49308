import Foundation
import Testing

/// Every input a fuzz target once crashed on (kept under Fixtures/fuzz/TARGET/) is replayed
/// through the same target by the `certlint-fuzz` binary, built without the fuzzer: it must
/// return for each of them.
@Suite struct FuzzRegressionTests {
    static let folder = Fixtures.testsDirectory.appendingPathComponent("Fixtures/fuzz")

    static var targets: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            !$0.hasPrefix(".") && !$0.hasSuffix(".md")
        }.sorted()
    }

    static var replayBinary: String {
        URL(fileURLWithPath: CommandLineTests.binary).deletingLastPathComponent().appendingPathComponent(
            "certlint-fuzz"
        ).path
    }

    @Test(arguments: targets)
    func crashInputsNoLongerCrash(_ target: String) throws {
        let inputs = try FileManager.default.contentsOfDirectory(
            atPath: Self.folder.appendingPathComponent(target).path
        ).filter { !$0.hasPrefix(".") }
        let result = try run(
            Self.replayBinary, [Self.folder.appendingPathComponent(target).path],
            environment: ["CERTLINT_FUZZ_TARGET": target])
        #expect(result.status == 0, "\(result.error.prefix(2000))")
        #expect(result.output == "replayed \(inputs.count) inputs\n")
    }
}
