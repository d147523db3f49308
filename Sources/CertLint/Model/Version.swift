import CLibGit2
import CLibYAML

package let certlintVersion = "0.1.0"

/// The versions of the system libraries certlint runs with (not those it was built against).
package enum LinkedLibraries {
    package static var description: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "libgit2 \(major).\(minor).\(revision), libyaml \(String(cString: yaml_get_version_string()))"
    }
}
