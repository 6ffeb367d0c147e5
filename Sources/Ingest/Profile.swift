import Foundation
import PlacementModel

/// Measured layer times that override modelled costs: a CSV `layer,deviceKind,precision,seconds`
/// (a header line is allowed), or ONNX Runtime's profiling JSON (`"cat": "Node"` events with
/// `name` = node name + "_kernel_time" and `dur` in microseconds; several runs are averaged),
/// which names neither the device kind nor the precision: the caller gives them.
public struct Profile: Sendable {
    public struct Entry: Sendable, Equatable {
        public var layer: String
        public var kind: String
        public var precision: String
        public var seconds: Double
        public init(layer: String, kind: String, precision: String, seconds: Double) {
            self.layer = layer
            self.kind = kind
            self.precision = precision
            self.seconds = seconds
        }
    }

    public var entries: [Entry]

    public static func csv(_ text: String, file: String) throws(InputError) -> Profile {
        var entries: [Entry] = []
        var errors: [Diagnostic] = []
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.allSatisfy(\.isEmpty) || number == 0 && fields.first == "layer" { continue }
            let path = "line \(number + 1)"
            guard fields.count == 4 else {
                errors.append(Diagnostic(file: file, path: path, message: "expected 4 fields (layer,deviceKind,precision,seconds), found \(fields.count)"))
                continue
            }
            guard let seconds = Double(fields[3]), seconds.isFinite, seconds >= 0 else {
                errors.append(Diagnostic(file: file, path: path, message: "'\(fields[3])' is not a non-negative number of seconds"))
                continue
            }
            entries.append(Entry(layer: fields[0], kind: fields[1], precision: fields[2], seconds: seconds))
        }
        if !errors.isEmpty { throw InputError(errors) }
        return Profile(entries: entries)
    }

    public static func onnxRuntime(_ json: JSONValue, kind: String, precision: String, file: String) throws(InputError) -> Profile {
        let log = DiagnosticLog()
        var total: [String: Double] = [:]
        var runs: [String: Int] = [:]
        var order: [String] = []
        for event in JSONReader(json, log: log).array() ?? [] {
            guard case .object = event.value, event.value["cat"] == .string("Node"),
                case .string(let name) = event.value["name"] ?? .null, name.hasSuffix("_kernel_time")
            else { continue }
            guard case .number(let microseconds) = event.value["dur"] ?? .null, microseconds >= 0 else {
                event.error("a node event needs a non-negative 'dur' (microseconds)")
                continue
            }
            let layer = String(name.dropLast("_kernel_time".count))
            if total[layer] == nil { order.append(layer) }
            total[layer, default: 0] += microseconds
            runs[layer, default: 0] += 1
        }
        do {
            try log.throwIfAny()
        } catch {
            throw error.inFile(file)
        }
        return Profile(entries: order.map { Entry(layer: $0, kind: kind, precision: precision, seconds: total[$0]! / Double(runs[$0]!) / 1e6) })
    }

    /// The instance with these measured costs in place of its own; every entry must name a
    /// layer, a device kind and a precision of the instance.
    public func applied(to instance: Instance, file: String) throws(InputError) -> Instance {
        var result = instance
        let layerIndex = Dictionary(instance.layers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let kinds = Set(instance.devices.map(\.kind))
        let precisions = Set(instance.precisions.map(\.name))
        var errors: [Diagnostic] = []
        for (i, entry) in entries.enumerated() {
            let path = "entry \(i + 1)"
            guard let v = layerIndex[entry.layer] else {
                errors.append(Diagnostic(file: file, path: path, message: "unknown layer '\(entry.layer)'"))
                continue
            }
            guard kinds.contains(entry.kind) else {
                errors.append(Diagnostic(file: file, path: path, message: "unknown device kind '\(entry.kind)' (kinds: \(kinds.sorted().joined(separator: ", ")))"))
                continue
            }
            guard precisions.contains(entry.precision) else {
                errors.append(Diagnostic(file: file, path: path, message: "unknown precision '\(entry.precision)'"))
                continue
            }
            result.layers[v].costs[entry.kind, default: [:]][entry.precision] = entry.seconds
        }
        if !errors.isEmpty { throw InputError(errors) }
        return result
    }
}
