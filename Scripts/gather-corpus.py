#!/usr/bin/env python3
"""Builds Tests/CertLintTests/RealWorld/ from local mirrors of public repositories with
permissive licences (valid inputs from other projects, mostly their own test suites), with a
PROVENANCE.tsv naming repository, commit, licence and path of every file.

    python3 Scripts/gather-corpus.py MIRRORS_FOLDER

MIRRORS_FOLDER holds bare clones named OWNER+NAME/repo (what the team's fetch tool makes).
Files land in valid/FORMAT/OWNER+NAME/PATH or invalid/FORMAT/OWNER+NAME/PATH. Validity comes
from the source project where it says so (a parser's "bad" fixtures) and, for certificates,
from a reference reader: `openssl x509` for certificates, PyYAML for Ansible YAML.
"""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "CertLintTests", "RealWorld")

# (repository, licence, format, [(path regex, validity)]): validity is "valid", "invalid",
# "openssl" (decided by `openssl x509`) or "yaml" (decided by PyYAML, tags allowed); the first
# matching rule decides.
SOURCES = [
    ("aws-cloudformation/aws-cloudformation-templates", "Apache-2.0", "cloudformation", [(r"\.(ya?ml|json)$", "valid")]),
    ("aws-cloudformation/cfn-lint", "MIT-0", "cloudformation", [
        (r"^test/fixtures/templates/good/.*\.(ya?ml|json)$", "valid"),
        (r"^test/fixtures/templates/bad/core/config_invalid_(json\.json|yaml\.yaml)$", "invalid"),
    ]),
    ("kubernetes/examples", "Apache-2.0", "kubernetes", [(r"\.ya?ml$", "valid")]),
    ("F5Networks/f5-appsvcs-extension", "Apache-2.0", "as3", [(r"^examples/declarations/.*\.json$", "valid")]),
    ("nginxinc/crossplane", "Apache-2.0", "nginx", [
        (r"^tests/configs/missing-semicolon/.*\.conf$", "invalid"),
        (r"^tests/configs/.*\.conf$", "valid"),
    ]),
    ("h5bp/server-configs-nginx", "MIT", "nginx", [(r"\.conf$", "valid")]),
    ("terraform-aws-modules/terraform-aws-eks", "Apache-2.0", "terraform", [(r"\.(tf|tfvars)$", "valid")]),
    ("terraform-aws-modules/terraform-aws-vpc", "Apache-2.0", "terraform", [(r"\.(tf|tfvars)$", "valid")]),
    ("terraform-aws-modules/terraform-aws-alb", "Apache-2.0", "terraform", [(r"\.(tf|tfvars)$", "valid")]),
    ("terraform-aws-modules/terraform-aws-iam", "Apache-2.0", "terraform", [(r"\.(tf|tfvars)$", "valid")]),
    ("terraform-aws-modules/terraform-aws-rds", "Apache-2.0", "terraform", [(r"\.(tf|tfvars)$", "valid")]),
    ("terraform-aws-modules/terraform-aws-security-group", "Apache-2.0", "terraform", [(r"^(examples|modules/(http|https|ssh)-[^/]*)/.*\.tf$|^[^/]*\.tf$", "valid")]),
    ("haproxytech/kubernetes-ingress", "Apache-2.0", "haproxy", [(r"\.cfg$", "valid")]),
    ("haproxytech/client-native", "Apache-2.0", "haproxy", [(r"\.cfg$", "valid")]),
    ("avinetworks/devops", "Apache-2.0", "avi", [(r"^automation_examples/.*\.(ya?ml|json)$", "yaml")]),
    ("avinetworks/sdk", "Apache-2.0", "netscaler", [(r"^python/avi/migrationtools/netscaler_converter/test/[^/]*\.conf$", "valid")]),
    ("zmap/zlint", "Apache-2.0", "certificates", [(r"^v3/testdata/[^/]*\.pem$", "openssl")]),
]

# HAProxy configurations that config-parser's tests hold as Go raw strings: each constant
# becomes PATH/NAME.cfg.
GO_CONSTANTS = ("haproxytech/config-parser", "Apache-2.0", "haproxy", r"^tests/configs/haproxy[^/]*\.go$")


def git(mirror, *args):
    return subprocess.run(["git", "--git-dir", mirror] + list(args), capture_output=True, check=True).stdout


def openssl_reads(data):
    """Whether `openssl x509 -inform DER` reads every CERTIFICATE block. (Its PEM path refuses
    some certificates its DER path reads, so each block is decoded here first.)"""
    blocks = re.findall(rb"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", data, re.S)
    for block in blocks:
        try:
            der = base64.b64decode(b"".join(block.split()), validate=True)
        except ValueError:
            return False
        with tempfile.NamedTemporaryFile(suffix=".der") as handle:
            handle.write(der)
            handle.flush()
            if subprocess.run(["openssl", "x509", "-noout", "-inform", "DER", "-in", handle.name], capture_output=True).returncode != 0:
                return False
    return bool(blocks)


def yaml_reads(data):
    """Whether PyYAML reads every document (any tag allowed, as CloudFormation's `!Ref`)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        list(yaml.load_all(data, Loader=Loader))
        return True
    except yaml.YAMLError:
        return False


def write(validity, fmt, repo, path, data):
    local = os.path.join(validity, fmt, repo.replace("/", "+"), path)
    target = os.path.join(ROOT, local)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(data)
    return local


def main():
    mirrors = sys.argv[1]
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    rows = []
    for repo, licence, fmt, rules in SOURCES:
        mirror = os.path.join(mirrors, repo.replace("/", "+"), "repo")
        commit = git(mirror, "rev-parse", "HEAD").decode().strip()
        for path in git(mirror, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines():
            rule = next((validity for pattern, validity in rules if re.search(pattern, path)), None)
            if rule is None:
                continue
            data = git(mirror, "show", "HEAD:" + path)
            if rule == "openssl" and b"-----BEGIN CERTIFICATE-----" not in data:
                continue  # a CRL or a key: not a certificate test case
            if rule == "openssl":
                validity = "valid" if openssl_reads(data) else "invalid"
            elif rule == "yaml":
                validity = "valid" if yaml_reads(data) else "invalid"
                # Broken YAML that holds no load-balancer service is not input certlint reads.
                if validity == "invalid" and b"avi_virtualservice" not in data and b"VirtualService" not in data:
                    continue
            else:
                validity = rule
            rows.append((write(validity, fmt, repo, path, data), repo, commit, path, licence))
    repo, licence, fmt, pattern = GO_CONSTANTS
    mirror = os.path.join(mirrors, repo.replace("/", "+"), "repo")
    commit = git(mirror, "rev-parse", "HEAD").decode().strip()
    for path in git(mirror, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines():
        if not re.search(pattern, path):
            continue
        source = git(mirror, "show", "HEAD:" + path).decode()
        for name, text in re.findall(r"const (\w+) = `(.*?)`", source, re.S):
            if re.search(r"^\s*(frontend|backend|listen)\b", text, re.M):
                rows.append((write("valid", fmt, repo, "%s/%s.cfg" % (path, name), text.encode()), repo, commit, "%s (const %s)" % (path, name), licence))
    with open(os.path.join(ROOT, "PROVENANCE.tsv"), "w") as handle:
        handle.write("local_path\trepository\tcommit\tsource_path\tlicence\n")
        for row in sorted(rows):
            handle.write("\t".join(row) + "\n")
    print("%d files" % len(rows))


if __name__ == "__main__":
    main()
