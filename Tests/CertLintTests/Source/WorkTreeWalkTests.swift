import Foundation
import Testing

@testable import CertLint

/// The work-tree listing against Git itself: the untracked files must be the ones
/// `git ls-files --others --exclude-standard` names, on hand-made and generated trees.
@Suite struct WorkTreeWalkTests {
    func walk(_ repository: FixtureRepository) throws -> WorkTreeWalk {
        let git = try #require(try GitRepository.discover(containing: repository.path))
        let (tracked, conflicted, _) = try git.indexEntries()
        return try WorkTreeWalk(
            root: Snapshot.realPath(repository.path), tracked: tracked, conflicted: conflicted,
            isIgnored: git.isIgnored)
    }

    func gitUntracked(_ repository: FixtureRepository) throws -> [String] {
        try repository.git("ls-files", "-z", "--others", "--exclude-standard").split(separator: "\0").map(String.init)
            .sorted()
    }

    @Test func untrackedFilesAreTheOnesGitNames() throws {
        let repository = try FixtureRepository(git: true)
        for path in ["a.txt", "d/e/t.txt", "ignored/tracked.txt", "sub/keep/x.cfg", "gone.txt", "became-folder"] {
            try repository.write(path, "tracked\n")
        }
        try repository.commitAll("start")
        try repository.write(".gitignore", "ignored/\n*.log\n!keep.log\n/top-only.txt\n")
        try repository.write("sub/.gitignore", "*.cfg\n!x.cfg\n")
        try repository.write(".git/info/exclude", "excluded-by-info\n")
        for path in [
            "d/e/u.txt", "d/e/f.log", "keep.log", "top-only.txt", "deep/top-only.txt", "ignored/new.txt",
            "sub/keep/y.cfg", "sub/keep/x.cfg.bak", "excluded-by-info", "new/a/b/c.txt", "name with space.txt",
            "ünïcode/ß.txt", "nested/x/n.txt", "nested/top.txt", "fake-repo/.git", "fake-repo/inside.txt",
        ] {
            try repository.write(path, "new\n")
        }
        _ = try run("/usr/bin/git", ["init", "-q", repository.path + "/nested"])
        try FileManager.default.createDirectory(
            at: repository.root.appendingPathComponent("empty/also-empty"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repository.path + "/link-to-d", withDestinationPath: "d")
        try FileManager.default.createSymbolicLink(atPath: repository.path + "/outside", withDestinationPath: "/etc")
        try repository.remove("gone.txt")
        try repository.remove("became-folder")
        try repository.write("became-folder/inside.txt", "new\n")

        let walk = try walk(repository)
        // Git looks inside a `.git` entry and lists the files beside one that is not a repository;
        // certlint, as libgit2 1.5 did before it, does not open other repositories (a `.git` file
        // may point anywhere) and takes any `.git` entry for one.
        let expected = try gitUntracked(repository).filter { $0 != "fake-repo/inside.txt" } + ["fake-repo/"]
        #expect(walk.untracked == expected.sorted())
        #expect(expected.contains("nested/") && expected.contains("link-to-d") && expected.contains("outside"))
        #expect(walk.statuses["gone.txt"] == nil && walk.statuses["d/e/t.txt"] != nil)
        #expect(walk.entered.contains("d/e") && walk.entered.contains("ignored"))
        #expect(!walk.entered.contains("link-to-d") && !walk.entered.contains("nested"))
        #expect(walk.entered.contains("empty/also-empty"))
        #expect(walk.passedOver.isEmpty)
    }

    /// Random trees, ignore files and tracked subsets (seeded), each compared with Git.
    @Test(arguments: 1...24) func generatedTreesMatchGit(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        let repository = try FixtureRepository(git: true)
        let names = ["a", "b.log", "c.txt", "build", "keep.log", "tmp", "x.cfg", "d1", "Z"]
        let patterns = [
            "*.log", "!keep.log", "build/", "/c.txt", "a/**/x.cfg", "d*", "**/tmp", "b*/", "Z", "!Z", "tmp/", "*.cfg",
            "!a/x.cfg", "a/", "# comment", "\\#hash", "c.txt/",
        ]
        var files: [String] = []
        for _ in 0..<40 {
            let depth = Int.random(in: 1...4, using: &random)
            files.append((0..<depth).map { _ in random.pick(names) }.joined(separator: "/"))
        }
        var written: [String] = []
        for path in files where !written.contains(where: { $0.hasPrefix(path + "/") || path.hasPrefix($0 + "/") }) {
            try repository.write(path, "content \(path)\n")
            written.append(path)
        }
        var ignoreFolders = [""]
        for path in written { ignoreFolders.append(String(RepositoryPath.folder(of: path))) }
        for folder in Set(ignoreFolders).sorted() where random.chance(0.35) {
            let lines = (0..<Int.random(in: 1...4, using: &random)).map { _ in random.pick(patterns) }
            let file = folder.isEmpty ? ".gitignore" : folder + "/.gitignore"
            try repository.write(file, lines.joined(separator: "\n") + "\n")
        }
        let toTrack = written.filter { _ in random.chance(0.5) }
        if !toTrack.isEmpty {
            _ = try run("/usr/bin/git", ["-C", repository.path, "add", "-f", "--"] + toTrack)
        }
        let walk = try walk(repository)
        let expected = try gitUntracked(repository)
        // libgit2 1.5.1's ignore rules (which certlint asks) miss one thing git does: a `!pattern`
        // in a deeper `.gitignore` re-including a file a shallower one ignores (seed 7). What git
        // lists and certlint does not must be exactly that; certlint must never list more.
        let git = try #require(try GitRepository.discover(containing: repository.path))
        for path in Set(expected).subtracting(walk.untracked) {
            #expect(try git.isIgnored(path), "seed \(seed): \(path) is untracked for git")
        }
        #expect(Set(walk.untracked).subtracting(expected).isEmpty, "seed \(seed): \(walk.untracked) vs \(expected)")
        for path in toTrack { #expect(walk.statuses[path] != nil, "seed \(seed): \(path)") }
    }

    @Test func aNestedRepositoryIsANoteAndNotEntered() async throws {
        let repository = try GoodDeployment.committedRepository()
        try repository.write("vendor/other/.git/HEAD", "ref: refs/heads/main\n")
        try repository.write("vendor/other/lb/haproxy.cfg", "frontend x\n  bind :5262\n")
        let result = try await repository.scan()
        #expect(result.brief == [])
        #expect(
            result.notes.map { "\($0.path) \($0.message)" }.contains(
                "vendor/other/ is another Git repository inside this one; not entered"))
    }

    /// Paths are Swift strings, so a name that is not UTF-8 cannot be opened again: a note names it
    /// (libgit2's listing dropped such files without one).
    @Test func namesThatAreNotUTF8AreNotes() async throws {
        let repository = try GoodDeployment.committedRepository()
        _ = try run(
            "/bin/sh",
            [
                "-c",
                "cd \"$1\" && mkdir \"$(printf 'bad\\377')\" && echo x > \"$(printf 'bad\\377')/f.txt\" && echo y > \"$(printf 'lb/n\\376.cfg')\"",
                "sh", repository.path,
            ])
        let result = try await repository.scan()
        #expect(result.brief == [])
        let notes = result.notes.map { "\($0.path) \($0.message)" }
        #expect(notes.contains("bad\u{FFFD} has a name that is not UTF-8; not scanned"))
        #expect(notes.contains("lb/n\u{FFFD}.cfg has a name that is not UTF-8; not scanned"))
    }

    @Test func aTrackedFileUnderALinkedFolderIsStillListed() throws {
        let repository = try FixtureRepository(git: true)
        try repository.write("real/file.txt", "x\n")
        try repository.write("shown/file.txt", "x\n")
        try repository.commitAll("start")
        try repository.remove("shown")
        try FileManager.default.createSymbolicLink(atPath: repository.path + "/shown", withDestinationPath: "real")
        let snapshot = try Snapshot(containing: repository.path, mode: .workingTree)
        // Listed by its full path as before the walk; the link itself is untracked.
        #expect(snapshot.diskStatus("shown/file.txt") != nil)
        #expect(snapshot.enteredFolders?.contains("shown") == false)
        #expect(snapshot.paths.contains("shown"))
    }
}
