import Foundation
import PlacementModel

/// Measured layer times that override modelled costs: a CSV `layer,deviceKind,precision,seconds`
/// (a header line is allowed), or ONNX Runtime's profiling JSON (`"cat": "Node"` events with
/// `name` = node name + "_kernel_time" and `dur` in microseconds), which names neither the
/// device kind nor the precision: the caller gives them. Several measurements of one cost (runs)
/// are averaged in both.
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
        return Profile(averaging: entries)
    }

    public static func onnxRuntime(_ json: JSONValue, kind: String, precision: String, file: String) throws(InputError) -> Profile {
        let log = DiagnosticLog()
        var entries: [Entry] = []
        for event in JSONReader(json, log: log).array() ?? [] {
            guard case .object = event.value, event.value["cat"] == .string("Node"),
                case .string(let name) = event.value["name"] ?? .null, name.hasSuffix("_kernel_time")
            else { continue }
            guard case .number(let microseconds) = event.value["dur"] ?? .null, microseconds >= 0 else {
                event.error("a node event needs a non-negative 'dur' (microseconds)")
                continue
            }
            // Microseconds until averaged: the mean of 100 and 300 µs is then exactly 200e-6 s.
            entries.append(Entry(layer: String(name.dropLast("_kernel_time".count)), kind: kind, precision: precision, seconds: microseconds))
        }
        do {
            try log.throwIfAny()
        } catch {
            throw error.inFile(file)
        }
        var profile = Profile(averaging: entries)
        for i in profile.entries.indices { profile.entries[i].seconds /= 1e6 }
        return profile
    }

    /// One entry per (layer, kind, precision), in order of first measurement, at the mean of its
    /// measurements: a CSV that repeated a line kept the last one before.
    init(averaging measurements: [Entry]) {
        var index: [[String]: Int] = [:]
        var runs: [Int] = []
        entries = []
        for measurement in measurements {
            let key = [measurement.layer, measurement.kind, measurement.precision]
            if let i = index[key] {
                entries[i].seconds += measurement.seconds
                runs[i] += 1
            } else {
                index[key] = entries.count
                entries.append(measurement)
                runs.append(1)
            }
        }
        for i in entries.indices { entries[i].seconds /= Double(runs[i]) }
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
