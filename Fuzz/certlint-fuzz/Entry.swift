import Foundation

/// The target this process fuzzes or replays: `CERTLINT_FUZZ_TARGET` (see `FuzzTargets.all`).
let selectedTarget: @Sendable ([UInt8]) -> Void = {
    let name = ProcessInfo.processInfo.environment["CERTLINT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        let names = FuzzTargets.all.keys.sorted().joined(separator: " ")
        let message =
            names.isEmpty
            ? "certlint-fuzz has its targets in debug builds only\n" : "CERTLINT_FUZZ_TARGET must be one of: \(names)\n"
        FileHandle.standardError.write(Data(message.utf8))
        exit(2)
    }
    return target
}()

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        selectedTarget(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    /// libFuzzer's driver, for a program that keeps its own `main` (SwiftPM names the entry point).
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt
#endif

/// Fuzzes (built with CERTLINT_FUZZING=1, by Scripts/fuzz.sh), or replays files (or every file
/// of folders) through the selected target and says how many.
@main
enum Entry {
    static func main() {
        #if FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
        #else
            var count = 0
            for argument in CommandLine.arguments.dropFirst() {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else { continue }
                let paths =
                    isFolder.boolValue
                    ? ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).sorted().map {
                        argument + "/" + $0
                    }
                    : [argument]
                for path in paths {
                    guard let data = FileManager.default.contents(atPath: path) else { continue }
                    selectedTarget([UInt8](data))
                    count += 1
                }
            }
            print("replayed \(count) inputs")
        #endif
    }
}
