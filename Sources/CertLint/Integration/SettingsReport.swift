/// `certlint config`: the effective settings and where each came from (command line >
/// certlint.yaml > default).
package enum SettingsReport {
    package static func render(_ settings: Settings) -> String {
        func source(_ key: String) -> String { settings.sources[key] ?? "default" }
        let rules = settings.rules.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.value)" }.joined(
            separator: ", ")
        let rows: [(String, String)] = [
            ("fail-on", settings.failOn.rawValue),
            ("exclude", settings.exclude.map(\.pattern).joined(separator: ", ")),
            ("expiry-warning-days", "\(settings.expiryWarningDays)"),
            ("system-trust", "\(settings.systemTrust)"),
            ("trust-anchors", settings.trustAnchors.map(\.path).joined(separator: ", ")),
            ("rules", rules),
            ("max-file-size", "\(settings.maxFileSize) bytes"),
            (
                "unsuppressible",
                Suppressor.unsuppressible(settings).sorted().joined(
                    separator: ", ")
            ),
        ]
        let width = rows.map { $0.0.count + $0.1.count }.max() ?? 0
        var out = "settings file: \(settings.source ?? "none (defaults)")\n"
        for (key, value) in rows {
            let text = "\(key): \(value.isEmpty ? "[]" : value)"
            out += text.padding(toLength: width + 4, withPad: " ", startingAt: 0) + "(\(source(key)))\n"
        }
        return out
    }
}
