/// The values the fact cache's coder writes itself rather than through `Codable`: numbers,
/// strings, booleans, and byte arrays (a certificate's DER) as one length-prefixed run.
protocol FactCachePrimitive: Sendable {
    func write(to encoder: FactCacheEncoder)
    static func read(from reader: FactCacheReader) throws -> Self
}

/// The primitive types by identity: one dictionary look-up per value instead of a protocol
/// conformance check (which dominated decoding).
enum FactCachePrimitives {
    private static let types: [ObjectIdentifier: any FactCachePrimitive.Type] = {
        let all: [any FactCachePrimitive.Type] = [
            Bool.self, String.self, Double.self, Float.self, Int.self, Int8.self, Int16.self, Int32.self, Int64.self,
            UInt.self, UInt8.self, UInt16.self, UInt32.self, UInt64.self, [UInt8].self, HCLBody.self,
            SourceRange.self, TextPosition.self, SourceLocation.self,
        ]
        return Dictionary(uniqueKeysWithValues: all.map { (ObjectIdentifier($0), $0) })
    }()

    static func type(of type: Any.Type) -> (any FactCachePrimitive.Type)? { types[ObjectIdentifier(type)] }
}

extension SourceLocation: FactCachePrimitive {
    func write(to encoder: FactCacheEncoder) {
        encoder.write(path)
        encoder.writeSigned(Int64(line))
        encoder.writeSigned(Int64(column))
        encoder.optional(endLine) { encoder.writeSigned(Int64($0)) }
        encoder.optional(endColumn) { encoder.writeSigned(Int64($0)) }
    }

    static func read(from reader: FactCacheReader) throws -> SourceLocation {
        SourceLocation(
            path: try reader.readString(), line: try reader.readInt(), column: try reader.readInt(),
            endLine: try reader.optional { try reader.readInt() },
            endColumn: try reader.optional { try reader.readInt() })
    }
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
