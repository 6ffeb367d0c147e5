/// Reads a JSON value with its path, logging every type error, missing field, unknown field
/// and bad number instead of stopping at the first. Accessors return nil after logging.
public struct JSONReader {
    public let value: JSONValue
    public let path: String
    public let log: DiagnosticLog

    public init(_ value: JSONValue, path: String = "", log: DiagnosticLog) {
        self.value = value
        self.path = path
        self.log = log
    }

    public func error(_ message: String) { log.error(path, message) }

    func child(_ key: String, _ value: JSONValue) -> JSONReader {
        let isIdentifier = !key.isEmpty && key.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F || $0 == 0x2D }
        let component = isIdentifier ? key : "[\"\(key)\"]"
        let separator = path.isEmpty || !isIdentifier ? "" : "."
        return JSONReader(value, path: path + separator + component, log: log)
    }

    private func typeError(_ expected: String) {
        error("expected \(expected), found \(value.typeName)")
    }

    public func string() -> String? {
        guard case .string(let s) = value else { typeError("a string"); return nil }
        return s
    }

    /// A non-empty name.
    public func name() -> String? {
        guard let s = string() else { return nil }
        if s.isEmpty { error("a name must not be empty"); return nil }
        return s
    }

    public func bool() -> Bool? {
        guard case .bool(let b) = value else { typeError("true or false"); return nil }
        return b
    }

    /// A finite number that is ≥ 0 (or > 0 with `positive`).
    public func number(positive: Bool = false) -> Double? {
        guard case .number(let x) = value else { typeError("a number"); return nil }
        if !x.isFinite { error("the number is not finite"); return nil }
        if positive, x <= 0 { error("must be positive, found \(JSONValue.format(x))"); return nil }
        if x < 0 { error("must not be negative, found \(JSONValue.format(x))"); return nil }
        return x
    }

    /// A whole number ≥ `minimum`.
    public func integer(minimum: Int = 0) -> Int? {
        guard let x = number() else { return nil }
        guard x == x.rounded(), x >= Double(minimum), x < 1e15 else {
            error("expected a whole number ≥ \(minimum), found \(JSONValue.format(x))")
            return nil
        }
        return Int(x)
    }

    public func array() -> [JSONReader]? {
        guard case .array(let elements) = value else { typeError("an array"); return nil }
        return elements.enumerated().map { JSONReader($1, path: "\(path)[\($0)]", log: log) }
    }

    /// The members of an object as readers, in file order; duplicate keys are logged.
    public func members() -> [(key: String, reader: JSONReader)]? {
        guard case .object(let members) = value else { typeError("an object"); return nil }
        var seen = Set<String>()
        var result: [(key: String, reader: JSONReader)] = []
        result.reserveCapacity(members.count)
        for member in members {
            let reader = child(member.key, member.value)
            if !seen.insert(member.key).inserted {
                reader.error("duplicate key")
                continue
            }
            result.append((member.key, reader))
        }
        return result
    }

    /// An object with a fixed set of fields: unknown ones are logged (they are typos more
    /// often than extensions), duplicates too.
    public func object(fields: Set<String>) -> ObjectReader? {
        guard let members = members() else { return nil }
        var byKey: [String: JSONReader] = [:]
        for (key, reader) in members {
            if fields.contains(key) {
                byKey[key] = reader
            } else {
                reader.error("unknown field (expected one of: \(fields.sorted().joined(separator: ", ")))")
            }
        }
        return ObjectReader(reader: self, fields: byKey)
    }
}

public struct ObjectReader {
    public let reader: JSONReader
    let fields: [String: JSONReader]

    /// The field, or nil when it is absent or null.
    public func optional(_ key: String) -> JSONReader? {
        guard let field = fields[key], field.value != .null else { return nil }
        return field
    }

    /// The field; logs "missing field" when it is absent or null.
    public func required(_ key: String) -> JSONReader? {
        if let field = optional(key) { return field }
        reader.error("missing field '\(key)'")
        return nil
    }

    public func has(_ key: String) -> Bool { optional(key) != nil }
}
