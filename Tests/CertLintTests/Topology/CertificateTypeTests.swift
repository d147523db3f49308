import Testing

@testable import CertLint

@Suite struct CertificateTypeTests {
    func leaf(_ name: String) throws -> CertificateInfo {
        try #require(try CertificateReader.readPEM(path: "\(name).pem", text: Fixtures.certificate(name)).leaf)
    }

    let sharedNodes = ["wsa1.example.com", "wsa2.example.com"]

    @Test func sanOnlyWhenTheVIPAndEveryNodeAreNamed() throws {
        #expect(
            CertificateClassification.classify(try leaf("san-shared"), vip: "access.example.com", nodes: sharedNodes)
                .type == .san)
        let three = CertificateClassification.classify(
            try leaf("san-shared"), vip: "access.example.com", nodes: sharedNodes + ["wsa3.example.com"])
        #expect(three.type == .singleHostCN)
        #expect(three.missingNodes == ["wsa3.example.com"])
        #expect(three.namedNodes == sharedNodes)
    }

    @Test func namesCompareWithoutCaseAndTrailingDot() throws {
        let result = CertificateClassification.classify(
            try leaf("san-shared"), vip: "ACCESS.Example.COM.", nodes: ["WSA1.example.com.", "wsa2.EXAMPLE.com"])
        #expect(result.type == .san)
        #expect(HostNames.matches(pattern: "*.Example.com.", host: "access.example.COM"))
    }

    @Test func wildcardCoversExactlyOneLeftMostLabel() throws {
        #expect(HostNames.matches(pattern: "*.example.com", host: "access.example.com"))
        #expect(!HostNames.matches(pattern: "*.example.com", host: "access.eu.example.com"))
        #expect(!HostNames.matches(pattern: "*.example.com", host: "example.com"))
        #expect(!HostNames.matches(pattern: "*.com", host: "example.com"))
        #expect(
            CertificateClassification.classify(try leaf("wildcard"), vip: "access.example.com", nodes: sharedNodes).type
                == .wildcard)
        #expect(
            CertificateClassification.classify(try leaf("wildcard"), vip: "access.eu.example.com", nodes: sharedNodes)
                .type == nil)
    }

    @Test func singleHostByNameOrByCommonNameWithoutSAN() throws {
        #expect(
            CertificateClassification.classify(try leaf("single-host"), vip: "access.example.com", nodes: sharedNodes)
                .type == .singleHostCN)
        // No subjectAltName at all: the CN counts, and a CN is never "SAN".
        let cnOnly = try leaf("cn-only")
        #expect(cnOnly.dnsNames.isEmpty)
        #expect(
            CertificateClassification.classify(cnOnly, vip: "access.example.com", nodes: ["access.example.com"]).type
                == .singleHostCN)
    }

    @Test func partialSANNamesTheMissingNodes() throws {
        let result = CertificateClassification.classify(
            try leaf("partial-san"), vip: "access.example.com", nodes: sharedNodes)
        #expect(result.type == .singleHostCN)
        #expect(result.missingNodes == ["wsa2.example.com"])
    }

    @Test func doesNotCoverTheVIP() throws {
        #expect(
            CertificateClassification.classify(try leaf("other-host"), vip: "access.example.com", nodes: sharedNodes)
                .type == nil)
    }

    @Test func namespaces() {
        #expect(HostNames.namespace(vip: "access.example.com", nodes: ["wsa1.Example.com."]) == .shared)
        #expect(HostNames.namespace(vip: "access.example.com", nodes: ["wsa1.example.dmz"]) == .disjoint)
        #expect(
            HostNames.namespace(vip: "access.example.com", nodes: ["wsa1.example.com", "wsa2.dmz.example.com"])
                == .disjoint)
    }

    @Test func referencesResolveByConfigFolderThenRootThenUniqueName() {
        let index = ReferenceIndex(paths: ["lb/certs/a.pem", "certs/b.pem", "x/c.pem", "y/c.pem", "lb/haproxy.cfg"])
        func reference(_ path: String) -> FileReference {
            FileReference(path: path, location: .file("lb/haproxy.cfg"), baseDirectory: "lb")
        }
        #expect(index.resolve(reference("certs/a.pem")) == .file("lb/certs/a.pem"))
        #expect(index.resolve(reference("../certs/b.pem")) == .file("certs/b.pem"))
        #expect(index.resolve(reference("/etc/haproxy/certs/b.pem")) == .file("certs/b.pem"))
        #expect(index.resolve(reference("/etc/haproxy/c.pem")) == .ambiguous(["x/c.pem", "y/c.pem"]))
        #expect(
            index.resolve(reference("/etc/haproxy/certs/"))
                == .missing(tried: ["lb/etc/haproxy/certs", "etc/haproxy/certs", "any file named certs"]))
        #expect(index.resolve(reference("certs")) == .folder("lb/certs"))
        // The same name in several places: the nearest folder around the configuration decides.
        let nested = ReferenceIndex(paths: [
            "a/lb/haproxy.cfg", "a/certs/p.pem", "b/certs/p.pem", "c/x/p.pem", "c/y/p.pem",
        ])
        #expect(
            nested.resolve(
                FileReference(path: "/etc/haproxy/p.pem", location: .file("a/lb/haproxy.cfg"), baseDirectory: "a/lb"))
                == .file("a/certs/p.pem"))
        #expect(
            nested.resolve(FileReference(path: "/etc/haproxy/p.pem", location: .file("c/lb.cfg"), baseDirectory: "c"))
                == .ambiguous(["c/x/p.pem", "c/y/p.pem"]))
    }

    @Test func globs() {
        #expect(PathGlob("vendor/**").matches("vendor/a/b.cfg"))
        #expect(!PathGlob("vendor/**").matches("src/vendor.cfg"))
        #expect(PathGlob("**/testdata/**").matches("a/testdata/x.pem"))
        #expect(PathGlob("testdata/").matches("deep/testdata/x.pem"))
        #expect(PathGlob("*.pem").matches("a/b/c.pem"))
        #expect(!PathGlob("/*.pem").matches("a/c.pem"))
        #expect(PathGlob("/*.pem").matches("c.pem"))
        #expect(PathGlob("lb/haproxy-[0-9].cfg").matches("lb/haproxy-2.cfg"))
    }
}
