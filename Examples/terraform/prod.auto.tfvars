# Someone "secured" the cert proxy listener.
cert_proxy_protocol = "TLS"
