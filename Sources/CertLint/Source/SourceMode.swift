/// Which version of the repository a scan reads.
package enum SourceMode: Sendable, Equatable {
    /// Tracked and untracked-but-not-ignored files as they are on disk (`git ls-files -co --exclude-standard`).
    case workingTree
    /// The blobs of the index: what `git commit` would record.
    case index
    /// The blobs of a commit's tree.
    case revision(String)
}

/// Where the scanned content came from, for SARIF's `versionControlProvenance`.
struct Provenance: Sendable, Equatable {
    let repositoryURI: String
    let revisionID: String?
    let branch: String?
}
