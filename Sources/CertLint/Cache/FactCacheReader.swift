/// Reads what `FactCacheEncoder` wrote, in the same order. Every read is bounded by the payload,
/// nesting by `FactCacheEncoder.maximumDepth`, and counts by the bytes left: a damaged payload is
/// a `DecodingError`, never a crash or a large allocation.
final class FactCacheReader {
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads a value through its `Decodable` conformance.
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try decodeValue(type) }

    /// What `FactCacheEncoder.encode(each:)` wrote.
    func decode<Element: Decodable>(each type: Element.Type) throws -> [Element] {
        try (0..<readLength()).map { _ in try decodeValue(type) }
    }

    func damaged(_ expected: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "expected \(expected) at byte \(position)"))
    }

    fileprivate func decodeValue<Value: Decodable>(_ type: Value.Type) throws -> Value {
        if let primitive = FactCachePrimitives.type(of: type) {
            guard let value = try primitive.read(from: self) as? Value else { throw damaged("\(type)") }
            return value
        }
        return try nested { try Value(from: Reading(reader: self)) }
    }

    /// Runs one level of nesting, refusing more than `FactCacheEncoder.maximumDepth`.
    func nested<Value>(_ read: () throws -> Value) throws -> Value {
        depth += 1
        defer { depth -= 1 }
        guard depth <= FactCacheEncoder.maximumDepth else { throw damaged("less nesting") }
        return try read()
    }

    /// A presence byte, and the value when there is one.
    func optional<Value>(_ read: () throws -> Value) throws -> Value? {
        try readPresence() ? try read() : nil
    }

    func readInt() throws -> Int {
        guard let value = Int(exactly: try readSigned()) else { throw damaged("a number") }
        return value
    }

    func expectEnd() throws {
        guard position == bytes.count else { throw damaged("the end of the entry") }
    }

    func readUnsigned() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 64 else { throw damaged("a number") }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    func readSigned() throws -> Int64 {
        let zigzag = try readUnsigned()
        return Int64(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1)))
    }

    /// A length that fits in what is left.
    func readLength() throws -> Int {
        let length = try readUnsigned()
        guard length <= UInt64(bytes.count - position) else { throw damaged("a length within the entry") }
        return Int(length)
    }

    func readString() throws -> String {
        let length = try readLength()
        defer { position += length }
        return String(decoding: bytes[position..<position + length], as: UTF8.self)
    }

    func readBytes() throws -> [UInt8] {
        let length = try readLength()
        defer { position += length }
        return Array(bytes[position..<position + length])
    }

    /// An element count: four bytes, each element taking at least one more.
    fileprivate func readCount() throws -> Int {
        guard bytes.count - position >= 4 else { throw damaged("a count") }
        let count =
            Int(bytes[position]) | Int(bytes[position + 1]) << 8 | Int(bytes[position + 2]) << 16
            | Int(bytes[position + 3]) << 24
        position += 4
        guard count <= bytes.count - position else { throw damaged("a count within the entry") }
        return count
    }

    /// Reads a presence byte: true for 1, false for 0 (consumed either way).
    func readPresence() throws -> Bool {
        switch try readUnsigned() {
        case 0: return false
        case 1: return true
        default: throw damaged("a presence byte")
        }
    }

    /// Whether the next byte says nil, consuming it only then.
    fileprivate func nextIsNil() throws -> Bool {
        guard position < bytes.count else { throw damaged("a presence byte") }
        if bytes[position] == 0 {
            position += 1
            return true
        }
        return false
    }

    /// The enum case written before a nested container, without consuming it.
    fileprivate func peekString() throws -> String {
        let start = position
        defer { position = start }
        return try readString()
    }
}

private struct Reading: Decoder {
    let reader: FactCacheReader
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedReader<Key>(reader: reader))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        UnkeyedReader(reader: reader, count: try reader.readCount())
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(reader: reader) }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: FactCacheReader
    var codingPath: [any CodingKey] { [] }

    /// Only an enum asks: its case, written before its nested container.
    var allKeys: [Key] {
        guard let name = try? reader.peekString(), let key = Key(stringValue: name) else { return [] }
        return [key]
    }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { try reader.nextIsNil() }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader.decodeValue(type) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try reader.readPresence() ? try reader.decodeValue(type) : nil
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(type) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(type) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(type) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try present(type) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(type) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try present(type) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try present(type) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try present(type) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try present(type) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try present(type) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try present(type) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try present(type) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try present(type) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try present(type) }

    private func present<T: Decodable>(_ type: T.Type) throws -> T? {
        try reader.readPresence() ? try reader.decodeValue(type) : nil
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        guard try reader.readString() == key.stringValue else { throw reader.damaged("the case \(key.stringValue)") }
        return KeyedDecodingContainer(KeyedReader<NestedKey>(reader: reader))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        UnkeyedReader(reader: reader, count: try reader.readCount())
    }

    func superDecoder() throws -> any Decoder { Reading(reader: reader) }
    func superDecoder(forKey key: Key) throws -> any Decoder { Reading(reader: reader) }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
    let reader: FactCacheReader
    let total: Int
    var codingPath: [any CodingKey] { [] }
    private(set) var currentIndex = 0

    init(reader: FactCacheReader, count: Int) {
        self.reader = reader
        total = count
    }

    var count: Int? { total }
    var isAtEnd: Bool { currentIndex >= total }

    private mutating func element() throws {
        guard !isAtEnd else { throw reader.damaged("no more elements") }
        currentIndex += 1
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw reader.damaged("an element") }
        guard try reader.nextIsNil() else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try element()
        return try reader.decodeValue(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try element()
        return KeyedDecodingContainer(KeyedReader<NestedKey>(reader: reader))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try element()
        return UnkeyedReader(reader: reader, count: try reader.readCount())
    }

    mutating func superDecoder() throws -> any Decoder {
        try element()
        return Reading(reader: reader)
    }
}

private struct SingleReader: SingleValueDecodingContainer {
    let reader: FactCacheReader
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { (try? reader.nextIsNil()) ?? false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard try reader.readPresence() else { throw reader.damaged("a value") }
        return try reader.decodeValue(type)
    }
}
