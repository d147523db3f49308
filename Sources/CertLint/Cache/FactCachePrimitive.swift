/// The values the fact cache's coder writes itself rather than through `Codable`: numbers,
/// strings, booleans, and byte arrays (a certificate's DER) as one length-prefixed run.
protocol FactCachePrimitive {
    func write(to encoder: FactCacheEncoder)
    static func read(from reader: FactCacheReader) throws -> Self
}

extension Bool: FactCachePrimitive {
    func write(to encoder: FactCacheEncoder) { encoder.writeUnsigned(self ? 1 : 0) }
    static func read(from reader: FactCacheReader) throws -> Bool {
        switch try reader.readUnsigned() {
        case 0: return false
        case 1: return true
        default: throw reader.damaged("a Boolean")
        }
    }
}

extension String: FactCachePrimitive {
    func write(to encoder: FactCacheEncoder) { encoder.write(self) }
    static func read(from reader: FactCacheReader) throws -> String { try reader.readString() }
}

extension Double: FactCachePrimitive {
    func write(to encoder: FactCacheEncoder) { encoder.write(self) }
    static func read(from reader: FactCacheReader) throws -> Double { Double(bitPattern: try reader.readUnsigned()) }
}

extension Float: FactCachePrimitive {
    func write(to encoder: FactCacheEncoder) { encoder.write(Double(self)) }
    static func read(from reader: FactCacheReader) throws -> Float {
        Float(Double(bitPattern: try reader.readUnsigned()))
    }
}

/// Integers as varints; reading one that does not fit the type is a damaged entry.
protocol FactCacheInteger: FactCachePrimitive, FixedWidthInteger {}

extension FactCacheInteger {
    func write(to encoder: FactCacheEncoder) {
        if Self.isSigned {
            encoder.writeSigned(Int64(self))
        } else {
            encoder.writeUnsigned(UInt64(self))
        }
    }

    static func read(from reader: FactCacheReader) throws -> Self {
        let value: Self? = isSigned ? Self(exactly: try reader.readSigned()) : Self(exactly: try reader.readUnsigned())
        guard let value else { throw reader.damaged("a number of type \(Self.self)") }
        return value
    }
}

extension Int: FactCacheInteger {}
extension Int8: FactCacheInteger {}
extension Int16: FactCacheInteger {}
extension Int32: FactCacheInteger {}
extension Int64: FactCacheInteger {}
extension UInt: FactCacheInteger {}
extension UInt8: FactCacheInteger {}
extension UInt16: FactCacheInteger {}
extension UInt32: FactCacheInteger {}
extension UInt64: FactCacheInteger {}

extension Array: FactCachePrimitive where Element == UInt8 {
    func write(to encoder: FactCacheEncoder) { encoder.write(self) }
    static func read(from reader: FactCacheReader) throws -> [UInt8] { try reader.readBytes() }
}
