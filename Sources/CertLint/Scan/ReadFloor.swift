/// The cheapest possible pass over a repository: list it and read every file's bytes through
/// the same source layer a scan uses, without parsing. The benchmark's floor.
package enum ReadFloor {
    package static func readEverything(at path: String, mode: SourceMode = .workingTree) throws -> (
        files: Int, bytes: Int
    ) {
        let snapshot = try Scanner.openSnapshot(path, mode: mode)
        var files = 0
        var bytes = 0
        for file in snapshot.paths where !snapshot.isSubmodule(file) && !snapshot.isSymbolicLink(file) {
            if case .bytes(let content) = snapshot.read(file, sizeLimit: Int.max) {
                files += 1
                bytes += content.count
            }
        }
        return (files, bytes)
    }
}
