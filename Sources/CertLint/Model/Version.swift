package let certlintVersion = "0.1.0"
