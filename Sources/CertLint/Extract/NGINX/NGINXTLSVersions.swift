/// The TLS versions of NGINX listeners, as nginx 1.22 decides them (checked against Debian's
/// nginx with `openssl s_client`, see TLSVersionOracleTests):
/// - `ssl_protocols` of the server, else of its `http` or `stream` context, lists them; gaps are
///   kept (`TLSv1.1 TLSv1.3` accepts no 1.2); `SSLv2` and `SSLv3` are not TLS and Debian's
///   OpenSSL 3 offers neither;
/// - the version is agreed before the client's server name picks a virtual server, so on a port
///   several servers share, the port's default server decides for all of them;
/// - nothing written: nil, the versions are the nginx release's default (1.22: TLS 1.0 to 1.2;
///   1.23.4 and later: 1.2 and 1.3).
enum NGINXTLSVersions {
    /// The versions one `ssl_protocols` lists; nil when a word is not a protocol nginx knows.
    static func read(_ directive: NGINXDirective) -> [TLSVersion]? {
        var versions: Set<TLSVersion> = []
        for word in directive.arguments {
            if word == "SSLv2" || word == "SSLv3" { continue }
            guard let version = TLSVersion(configurationName: word), word != "TLSv1.0" else { return nil }
            versions.insert(version)
        }
        guard !directive.arguments.isEmpty else { return nil }
        return versions.sorted()
    }

    /// Each terminating HTTP listener with the versions of its port's default server.
    static func decidedByDefaultServers(_ listeners: [Listener]) -> [Listener] {
        var byGroup: [String: [TLSVersion]?] = [:]
        for listener in listeners where listener.terminatesTLS {
            if let host = listener.virtualHost, host.isDefault, byGroup[host.group] == nil {
                byGroup[host.group] = .some(listener.tlsVersions)
            }
        }
        return listeners.map { listener in
            guard listener.terminatesTLS, let group = listener.virtualHost?.group, let decided = byGroup[group] else {
                return listener
            }
            var decidedListener = listener
            decidedListener.tlsVersions = decided
            return decidedListener
        }
    }
}
