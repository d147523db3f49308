import Foundation

// The targets reach internal parsers through @testable imports, which only debug builds allow;
// a release build (`swift build -c release`, the pre-commit hook) gets an empty table.
#if DEBUG
    @testable import CertLint
    @testable import CertLintStaging
    import NIOCore

    /// One fuzz target per reader: each takes arbitrary bytes and must return (a value or a
    /// `FormatError`), never trap, hang or exhaust memory. `Scripts/fuzz.sh TARGET SECONDS` runs one
    /// under libFuzzer; without the `FUZZING` flag this binary replays files through a target, which
    /// is how the regression inputs under `Tests/CertLintTests/Fixtures/fuzz/` are checked.
    enum FuzzTargets {
        static let all: [String: @Sendable ([UInt8]) -> Void] = [
            "yaml": { _ = try? YAMLParser().parse(text($0)) },
            "hcl": { _ = try? HCLParser.parse(text($0)) },
            "tfjson": { _ = try? HCLJSON.parse(text($0), path: "main.tf.json") },
            "terraform": {
                terraform(files($0, names: ["main.tf", "variables.tf", "modules/a/main.tf", "terraform.tfvars"]))
            },
            "cloudformation": { extract(CloudFormationExtractor(), "templates/lb.yaml", $0) },
            "haproxy": { extract(HAProxyExtractor(), "lb/haproxy.cfg", $0) },
            "nginx": {
                nginx(
                    files(
                        $0,
                        names: [
                            "nginx/nginx.conf", "nginx/conf.d/a.conf", "nginx/sites/b.conf", "nginx/snippets/c.conf",
                        ]))
            },
            "netscaler": { extract(NetScalerExtractor(), "ns.conf", $0) },
            "as3": { extract(AS3Extractor(), "as3/declaration.json", $0) },
            "nsxt": { extract(NSXTPolicyExtractor(), "nsxt/policy.json", $0) },
            "avi": { extract(AviExtractor(), "avi/config.json", $0) },
            "kubernetes": { extract(KubernetesExtractor(), "k8s/ingress.yaml", $0) },
            "pem": { bytes in
                extract(CertificateExtractor(), "certs/a.pem", bytes)
                extract(CertificateExtractor(), "certs/a.der", bytes)
            },
            "manifest": { bytes in
                guard let reader = try? ManifestReader(path: "certlint.yaml", text: text(bytes)) else { return }
                _ = try? reader.settings()
                _ = try? reader.deployments()
            },
            "stage": { _ = try? StageFile.parse(text($0), path: "stage.yaml") },
            "clienthello": { bytes in
                var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
                buffer.writeBytes(bytes)
                _ = ClientHello.peek(buffer)
            },
            "redactor": { bytes in
                let line = text(bytes)
                _ = Redactor.redact(line)
                _ = Redactor.snippet(line, column: bytes.first.map(Int.init) ?? 1)
            },
            "factcache": { bytes in
                // A pack's payloads are decoded whatever their checksums say; then the bytes
                // themselves as a record and as HCL syntax.
                for record in FactCachePack.records(in: bytes) ?? [] {
                    guard let payload = record.payload else { continue }
                    _ = try? FactCacheRecord.read(from: FactCacheReader(Array(bytes[payload])))
                }
                _ = try? FactCacheRecord.read(from: FactCacheReader(bytes))
                _ = try? HCLBody.read(from: FactCacheReader(bytes))
            },
            "scan": {
                scan(
                    files(
                        $0,
                        names: [
                            "certlint.yaml", "lb/haproxy.cfg", "main.tf", "nginx/nginx.conf", "k8s/svc.yaml",
                            "certs/a.pem",
                        ]))
            },
        ]

        static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

        /// The input cut into files at lines that read `=====` (so one input can hold several files).
        static func files(_ bytes: [UInt8], names: [String]) -> [(String, [UInt8])] {
            var parts: [[UInt8]] = [[]]
            let separator = Array("\n=====\n".utf8)
            var index = 0
            while index < bytes.count {
                if bytes[index] == 0x0A, index + separator.count <= bytes.count,
                    Array(bytes[index..<index + separator.count]) == separator, parts.count < names.count
                {
                    parts.append([])
                    index += separator.count
                } else {
                    parts[parts.count - 1].append(bytes[index])
                    index += 1
                }
            }
            return zip(names, parts).map { ($0, $1) }
        }

        static func extract(_ extractor: any Extractor, _ path: String, _ bytes: [UInt8]) {
            let file = ScannedFile(path: path, bytes: bytes)
            _ = extractor.claims(file)
            _ = try? extractor.extract(file)
        }

        static func facts(_ files: [(String, [UInt8])]) -> FileFacts {
            var facts = FileFacts()
            for (path, bytes) in files {
                if let outcome = try? Extraction.extract(ScannedFile(path: path, bytes: bytes)) {
                    facts.merge(outcome.facts)
                }
            }
            return facts
        }

        static func terraform(_ files: [(String, [UInt8])]) {
            let texts = Dictionary(files.map { ($0.0, text($0.1)) }, uniquingKeysWith: { a, _ in a })
            _ = TerraformProject(sources: facts(files).terraform, readFile: { texts[$0] }).listeners()
        }

        static func nginx(_ files: [(String, [UInt8])]) {
            let texts = Dictionary(files.map { ($0.0, text($0.1)) }, uniquingKeysWith: { a, _ in a })
            var project = NGINXProject(
                sources: facts(files).nginx, listed: files.map(\.0), readFile: { texts[$0] })
            var notes: [ScanNote] = []
            var failures: [ParseFailure] = []
            _ = project.listeners(notes: &notes, failures: &failures)
        }

        /// The whole pipeline on a folder holding the files: extract, resolve, evaluate, suppress,
        /// and every output format.
        static func scan(_ files: [(String, [UInt8])]) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certlint-fuzz-\(getpid())")
            try? FileManager.default.removeItem(at: folder)
            defer { try? FileManager.default.removeItem(at: folder) }
            for (path, bytes) in files {
                let url = folder.appendingPathComponent(path)
                try? FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? Data(bytes).write(to: url)
            }
            var options = ScanOptions()
            options.paths = [folder.path]
            options.jobs = 1
            let box = ResultBox()
            let done = DispatchSemaphore(value: 0)
            Task {
                box.result = try? await Scanner.scan(options)
                done.signal()
            }
            done.wait()
            guard let result = box.result else { return }
            for format in OutputFormat.allCases { _ = format.render(result) }
        }

        final class ResultBox: @unchecked Sendable {
            var result: ScanResult?
        }
    }
#else
    enum FuzzTargets {
        static let all: [String: @Sendable ([UInt8]) -> Void] = [:]
    }
#endif
