import CertLint
print("certlint")
