// swift-tools-version: 6.2
import PackageDescription

/// The project's own targets build without a single warning: a warning is often a bug (one was a
/// crash). Dependencies keep their own settings.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

/// `CERTLINT_FUZZING=1` (set by Scripts/fuzz.sh, in its own build folder) instruments the library
/// targets for libFuzzer and AddressSanitizer and builds `certlint-fuzz` as a fuzzer.
let fuzzing = Context.environment["CERTLINT_FUZZING"] == "1"
let instrumented: [SwiftSetting] = strict + (fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : [])

/// `CERTLINT_COMMIT` (set by Scripts/package.sh) is the commit `certlint --version` names; only
/// hexadecimal digits are kept. Only the one C file of `CBuildInfo` is compiled with it.
let commit = String((Context.environment["CERTLINT_COMMIT"] ?? "").filter(\.isHexDigit).prefix(40))
/// `CERTLINT_RULES_URL` (Scripts/package.sh) is where the release's `docs/rules/` pages are
/// published: the built-in rules' SARIF `helpUri` is it plus `CP001.md`. Only an `https://` URL
/// ending in `/`, of URL characters, is taken; anything else leaves helpUri out.
let rulesURL: String = {
    let text = Context.environment["CERTLINT_RULES_URL"] ?? ""
    let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:/._~%-")
    guard text.hasPrefix("https://"), text.hasSuffix("/"), text.count <= 200, text.allSatisfy(allowed.contains) else {
        return ""
    }
    return text
}()

let package = Package(
    name: "certlint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "certlint", targets: ["certlint"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(
            name: "CLibYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .target(
            name: "CBuildInfo",
            cSettings: [
                .define("CERTLINT_COMMIT", to: "\"\(commit)\""), .define("CERTLINT_RULES_URL", to: "\"\(rulesURL)\""),
            ]),
        .executableTarget(name: "embed-rules", path: "Sources/embed-rules", swiftSettings: strict),
        .plugin(
            name: "EmbedRules", capability: .buildTool(),
            dependencies: ["embed-rules"]),
        .target(
            name: "CertLint",
            dependencies: [
                "CLibGit2", "CLibYAML", "CBuildInfo",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: instrumented,
            plugins: ["EmbedRules"]),
        .target(
            name: "CertLintStaging",
            dependencies: [
                "CertLint",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: instrumented),
        .executableTarget(
            name: "certlint",
            dependencies: [
                "CertLint", "CertLintStaging", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .target(
            name: "CertLintBenchmarkKit", dependencies: ["CertLint"], path: "Benchmarks/Kit", swiftSettings: strict),
        .executableTarget(
            name: "certlint-bench",
            dependencies: [
                "CertLint", "CertLintBenchmarkKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/certlint-bench",
            swiftSettings: strict),
        .executableTarget(
            name: "certlint-proxy-bench",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/certlint-proxy-bench",
            swiftSettings: strict),
        // The fuzz targets: a replay tool in a normal build; a libFuzzer binary with
        // `-sanitize=fuzzer -D FUZZING` (Scripts/fuzz.sh). Debug builds only (it uses @testable).
        .executableTarget(
            name: "certlint-fuzz",
            dependencies: ["CertLint", "CertLintStaging", .product(name: "NIOCore", package: "swift-nio")],
            path: "Fuzz/certlint-fuzz",
            swiftSettings: instrumented + (fuzzing ? [.define("FUZZING")] : []),
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []),
        .testTarget(
            name: "CertLintTests",
            dependencies: [
                "CertLint", "CertLintBenchmarkKit", "CertLintStaging",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            exclude: ["Fixtures", "Golden", "RealWorld"],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
