/// The TLS versions of an Elastic Load Balancing security policy (`ssl_policy`, `SslPolicy`), by
/// the families AWS documents for Application and Network Load Balancers:
/// `ELBSecurityPolicy-TLS13-1-X-…` accepts 1.X to 1.3, `ELBSecurityPolicy-TLS-1-X-…` and
/// `ELBSecurityPolicy-FS-1-X-…` 1.X to 1.2, and `ELBSecurityPolicy-2016-08`, `-2015-05` and
/// `-FS-2018-06` 1.0 to 1.2. An HTTPS or TLS listener without a policy gets
/// `ELBSecurityPolicy-2016-08` from the API (Terraform, CloudFormation, the CLI). Any other name is
/// not known to certlint: nil.
enum AWSSecurityPolicy {
    static let apiDefault = "ELBSecurityPolicy-2016-08"

    static func versions(_ name: String) -> [TLSVersion]? {
        if ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-2015-05", "ELBSecurityPolicy-FS-2018-06"].contains(name) {
            return TLSVersion.range(.tls10, .tls12)
        }
        let families: [(prefix: String, high: TLSVersion)] = [
            ("ELBSecurityPolicy-TLS13-1-", .tls13), ("ELBSecurityPolicy-TLS-1-", .tls12),
            ("ELBSecurityPolicy-FS-1-", .tls12),
        ]
        for family in families where name.hasPrefix(family.prefix) {
            let minor = name.dropFirst(family.prefix.count).prefix { $0 != "-" }
            guard let low = TLSVersion.allCases.first(where: { $0.name == "1.\(minor)" }), low <= family.high else {
                return nil
            }
            return TLSVersion.range(low, family.high)
        }
        return nil
    }
}
