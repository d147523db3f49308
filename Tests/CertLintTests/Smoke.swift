import Testing
@testable import CertLint
@Test func version() { #expect(!certlintVersion.isEmpty) }
