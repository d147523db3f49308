import Testing

@testable import CertLint

@Suite struct RepositoryPathTests {
    @Test func folderAndName() {
        #expect(RepositoryPath.folder(of: "lb/prod/haproxy.cfg") == "lb/prod")
        #expect(RepositoryPath.folder(of: "haproxy.cfg") == "")
        #expect(RepositoryPath.name(of: "lb/prod/haproxy.cfg") == "haproxy.cfg")
        #expect(RepositoryPath.name(of: "haproxy.cfg") == "haproxy.cfg")
    }

    @Test func enclosingFoldersNearestFirstWithoutTheRoot() {
        #expect(
            RepositoryPath.selfAndEnclosingFolders(of: "lb/prod/haproxy.cfg") == [
                "lb/prod/haproxy.cfg", "lb/prod", "lb",
            ])
        #expect(RepositoryPath.selfAndEnclosingFolders(of: "certlint.yaml") == ["certlint.yaml"])
    }

    @Test func insideIsByWholeFolderNames() {
        #expect(RepositoryPath.isInside("lb/prod/haproxy.cfg", "lb"))
        #expect(RepositoryPath.isInside("lb", "lb"))
        #expect(RepositoryPath.isInside("anything", ""))
        #expect(!RepositoryPath.isInside("lb-old/haproxy.cfg", "lb"))
    }

    @Test func pathsWrittenRelativeToAFolder() {
        #expect(RepositoryPath.resolve("../certs/a.pem", from: "lb/prod") == "lb/certs/a.pem")
        #expect(RepositoryPath.resolve("./a.pem", from: "") == "a.pem")
        #expect(RepositoryPath.resolve("../../../etc/passwd", from: "lb/prod") == "")
        #expect(RepositoryPath.normalise("a//b/./c/../d") == "a/b/d")
    }
}

@Suite struct RepositoryPathIndexTests {
    let index = RepositoryPathIndex([
        "nginx/nginx.conf", "nginx/conf.d/a.conf", "nginx/conf.d/b.conf", "nginx/conf.d/b.conf.bak",
        "nginx/sites/x/site.conf", "other/conf.d/a.conf", "README.md",
    ])

    @Test func literalSegmentsWalkTheirFolder() {
        #expect(index.files(matching: ["nginx", "nginx.conf"]) == ["nginx/nginx.conf"])
        #expect(index.files(matching: ["nginx", "conf.d"]) == [])
        #expect(index.files(matching: ["README.md"]) == ["README.md"])
    }

    @Test func globsMatchWithinOneSegment() {
        #expect(
            index.files(matching: ["nginx", "conf.d", "*.conf"]) == ["nginx/conf.d/a.conf", "nginx/conf.d/b.conf"])
        #expect(index.files(matching: ["*", "conf.d", "a.conf"]) == ["nginx/conf.d/a.conf", "other/conf.d/a.conf"])
        #expect(index.files(matching: ["nginx", "*", "*", "site.conf"]) == ["nginx/sites/x/site.conf"])
        #expect(
            index.files(matching: ["nginx", "conf.d", "[ab].conf"]) == ["nginx/conf.d/a.conf", "nginx/conf.d/b.conf"])
        #expect(index.files(matching: ["nginx", "*.conf"]) == ["nginx/nginx.conf"])
    }
}
