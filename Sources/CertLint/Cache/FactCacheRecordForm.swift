/// A record in the fact cache: what the scan notes about the bytes, then each part of the
/// outcome as a count (or a presence byte) and its elements. Most files give empty parts, so a
/// record is mostly counts; Terraform syntax is written by hand (`HCLCacheForm`), the rest of
/// the facts through their `Codable` conformances.
extension FactCacheRecord {
    func write(to encoder: FactCacheEncoder) throws {
        encoder.optional(transcodedFrom) { encoder.write($0) }
        isBinary.write(to: encoder)
        outcome.claimed.write(to: encoder)
        guard outcome.claimed else { return }
        let facts = outcome.facts
        try encoder.encode(each: facts.listeners)
        try encoder.encode(each: facts.deployments)
        try encoder.encode(each: facts.notes)
        try encoder.encode(each: facts.nginx)
        try encoder.encode(each: outcome.parseErrors)
        try encoder.encode(each: outcome.directives)
        encoder.writeLength(facts.terraform.count)
        for source in facts.terraform {
            encoder.write(source.path)
            (source.kind == .configuration).write(to: encoder)
            source.body.write(to: encoder)
        }
        try encoder.encode(facts.certificateFile)
        try encoder.encode(outcome.certificates)
    }

    static func read(from reader: FactCacheReader) throws -> FactCacheRecord {
        let transcodedFrom = try reader.optional { try reader.readString() }
        let isBinary = try Bool.read(from: reader)
        var outcome = Extraction.FileOutcome()
        outcome.claimed = try Bool.read(from: reader)
        if outcome.claimed {
            outcome.facts.listeners = try reader.decode(each: Listener.self)
            outcome.facts.deployments = try reader.decode(each: Deployment.self)
            outcome.facts.notes = try reader.decode(each: ScanNote.self)
            outcome.facts.nginx = try reader.decode(each: NGINXSource.self)
            outcome.parseErrors = try reader.decode(each: ParseFailure.self)
            outcome.directives = try reader.decode(each: SuppressionDirective.self)
            outcome.facts.terraform = try (0..<reader.readLength()).map { _ in
                TerraformSource(
                    path: try reader.readString(),
                    kind: try Bool.read(from: reader) ? .configuration : .variables,
                    body: try HCLBody.read(from: reader))
            }
            outcome.facts.certificateFile = try reader.decode(CertificateFile?.self)
            outcome.certificates = try reader.decode(Resolver.CertificateLoad?.self)
        }
        return FactCacheRecord(transcodedFrom: transcodedFrom, isBinary: isBinary, outcome: outcome)
    }
}
