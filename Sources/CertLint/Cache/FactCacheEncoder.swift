/// A compact binary form of `Codable` values for the fact cache. Values are written in the order
/// their `encode(to:)` writes them, without keys: a type's decoding reads in the same order.
/// Integers are LEB128 varints (signed ones zigzag), strings and data are length-prefixed, an
/// optional is a presence byte, an array a count patched as its elements are written. The one key
/// written is an enum case's (`nestedContainer(keyedBy:forKey:)`, which synthesized enum coding
/// uses and a decoder's `allKeys` reads back).
final class FactCacheEncoder {
    private(set) var bytes: [UInt8] = []
    private var depth = 0
    /// Deeper values are not stored (the decoder refuses them too): a worker thread's stack is small.
    static let maximumDepth = 1024

    /// Appends a value through its `Encodable` conformance.
    func encode(_ value: some Encodable) throws { try writePrimitive(value) }

    /// A count, then each element.
    func encode<Element: Encodable>(each elements: [Element]) throws {
        writeLength(elements.count)
        for element in elements { try writePrimitive(element) }
    }

    fileprivate func encodeValue(_ value: some Encodable) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "nested too deeply"))
        }
        try value.encode(to: Writer(encoder: self))
    }

    func writeUnsigned(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    func writeSigned(_ value: Int64) {
        writeUnsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    func writeLength(_ count: Int) { writeUnsigned(UInt64(count)) }

    func write(_ string: String) {
        var text = string
        text.withUTF8 { utf8 in
            writeLength(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    func write(_ value: Double) { writeUnsigned(value.bitPattern) }

    func write(_ raw: [UInt8]) {
        writeLength(raw.count)
        bytes += raw
    }

    /// A count of elements written so far, at `offset`, as four bytes (patched in place).
    fileprivate func reserveCount() -> Int {
        bytes += [0, 0, 0, 0]
        return bytes.count - 4
    }

    fileprivate func incrementCount(at offset: Int) {
        var count =
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
        count += 1
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: count >> (8 * index)) }
    }

    /// A primitive (`FactCachePrimitive`) is written directly; anything else through its `encode(to:)`.
    fileprivate func writePrimitive<Value: Encodable>(_ value: Value) throws {
        if let primitive = FactCachePrimitives.type(of: Value.self) {
            write(value, as: primitive)
        } else {
            try encodeValue(value)
        }
    }

    private func write<Primitive: FactCachePrimitive>(_ value: some Encodable, as type: Primitive.Type) {
        (value as! Primitive).write(to: self)
    }

    func tag(_ tag: UInt64, _ value: some FactCachePrimitive) {
        writeUnsigned(tag)
        value.write(to: self)
    }

    /// A presence byte, and the value when there is one.
    func optional<Value>(_ value: Value?, _ write: (Value) -> Void) {
        guard let value else { return writeUnsigned(0) }
        writeUnsigned(1)
        write(value)
    }
}

/// The one `Encoder` all containers share: everything goes to the same bytes, in order.
private struct Writer: Encoder {
    let encoder: FactCacheEncoder
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedWriter<Key>(encoder: encoder))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedWriter(encoder: encoder, countOffset: encoder.reserveCount())
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(encoder: encoder) }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: FactCacheEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { encoder.writeUnsigned(0) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder.writePrimitive(value) }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { return encoder.writeUnsigned(0) }
        encoder.writeUnsigned(1)
        try encoder.writePrimitive(value)
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value) }

    private func present(_ value: (some Encodable)?) throws {
        guard let value else { return encoder.writeUnsigned(0) }
        encoder.writeUnsigned(1)
        try encoder.writePrimitive(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.write(key.stringValue)
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(encoder: encoder))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedWriter(encoder: encoder, countOffset: encoder.reserveCount())
    }

    mutating func superEncoder() -> any Encoder { Writer(encoder: encoder) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { Writer(encoder: encoder) }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let encoder: FactCacheEncoder
    let countOffset: Int
    var codingPath: [any CodingKey] { [] }
    private(set) var count = 0

    init(encoder: FactCacheEncoder, countOffset: Int) {
        self.encoder = encoder
        self.countOffset = countOffset
    }

    private mutating func element() {
        count += 1
        encoder.incrementCount(at: countOffset)
    }

    mutating func encodeNil() throws {
        element()
        encoder.writeUnsigned(0)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        element()
        try encoder.writePrimitive(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        element()
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(encoder: encoder))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        element()
        return UnkeyedWriter(encoder: encoder, countOffset: encoder.reserveCount())
    }

    mutating func superEncoder() -> any Encoder {
        element()
        return Writer(encoder: encoder)
    }
}

/// A single value is a presence byte (1, or 0 for nil) and the value, so that `Optional`'s own
/// coding (`decodeNil()` first) reads what was written.
private struct SingleWriter: SingleValueEncodingContainer {
    let encoder: FactCacheEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { encoder.writeUnsigned(0) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.writeUnsigned(1)
        try encoder.writePrimitive(value)
    }
}
