import Testing

/// The live tests: loopback servers, proxies, a thousand connections and a proxy process. They
/// run one at a time, so their load does not pile up and their timeouts measure the code.
@Suite(.serialized) enum Staging {}
