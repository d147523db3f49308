/// Host-name facts from DOMAIN §3: namespaces and RFC 6125 wildcard matching.
enum Namespace: String, Sendable, Hashable {
    /// Every node's domain equals the VIP's domain (example.com / example.com).
    case shared
    /// At least one node lives in another domain, including a sub-domain (example.com / example.dmz).
    case disjoint

    var matrixName: String { self == .shared ? "shared namespace" : "disjoint namespace" }
}

enum HostNames {
    /// The name without its first label: `access.example.com` → `example.com`.
    static func domain(of fqdn: String) -> String {
        let name = fqdn.lowercasedFQDN
        guard let dot = name.firstIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...])
    }

    static func namespace(vip: String, nodes: [String]) -> Namespace {
        let publicDomain = domain(of: vip)
        return nodes.allSatisfy { domain(of: $0) == publicDomain } ? .shared : .disjoint
    }

    /// RFC 6125 §6.4.3: a `*` stands for exactly one whole left-most label; names compare
    /// without case and trailing dot.
    static func matches(pattern: String, host: String) -> Bool {
        let pattern = pattern.lowercasedFQDN
        let host = host.lowercasedFQDN
        guard pattern.hasPrefix("*.") else { return pattern == host }
        let suffix = pattern.dropFirst(2)
        // The wildcard must sit above at least two labels (no `*.com`).
        guard suffix.contains(".") else { return false }
        guard let dot = host.firstIndex(of: ".") else { return false }
        return host[host.index(after: dot)...] == suffix && dot != host.startIndex
    }

    static func isWildcard(_ name: String) -> Bool { name.hasPrefix("*.") }
}
