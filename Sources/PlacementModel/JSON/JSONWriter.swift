extension JSONValue {
    /// The value as JSON text: compact on one line, or indented by two spaces with `pretty`.
    /// Non-finite numbers, which JSON cannot carry, are written as null.
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): out += Self.format(x)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let elements):
            writeContainer(elements, open: "[", close: "]", to: &out, pretty: pretty, indent: indent) { element, out in
                element.write(to: &out, pretty: pretty, indent: indent + 1)
            }
        case .object(let members):
            writeContainer(members, open: "{", close: "}", to: &out, pretty: pretty, indent: indent) { member, out in
                Self.writeString(member.key, to: &out)
                out += pretty ? ": " : ":"
                member.value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
        }
    }

    private func writeContainer<T>(
        _ items: [T], open: String, close: String, to out: inout String, pretty: Bool, indent: Int,
        writeItem: (T, inout String) -> Void
    ) {
        out += open
        // Short arrays of scalars stay on one line even when pretty.
        let inline = !pretty || items.isEmpty || (items.count <= 8 && items.allSatisfy { ($0 as? JSONValue)?.isScalar == true })
        for (i, item) in items.enumerated() {
            if i > 0 { out += inline && pretty ? ", " : "," }
            if !inline { out += "\n" + String(repeating: "  ", count: indent + 1) }
            writeItem(item, &out)
        }
        if !inline { out += "\n" + String(repeating: "  ", count: indent) }
        out += close
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Shortest round-tripping text; integers without a fraction.
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
