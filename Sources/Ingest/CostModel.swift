import Foundation
import PlacementModel

/// What a layer computes, independent of any device: the inputs a cost model needs.
public struct LayerWork: Sendable {
    public enum Units: Sendable {
        /// Matrix units: Conv, ConvTranspose, Gemm, MatMul.
        case tensor
        /// General units: element-wise, pooling, normalisation, data movement.
        case vector
    }

    public var name: String
    public var op: String
    public var units: Units
    public var flops: Double
    /// Elements read from other layers (weights excluded).
    public var inputElements: Double
    public var params: Double
    public var outputElements: Double

    public init(name: String, op: String, units: Units, flops: Double, inputElements: Double, params: Double, outputElements: Double) {
        self.name = name
        self.op = op
        self.units = units
        self.flops = flops
        self.inputElements = inputElements
        self.params = params
        self.outputElements = outputElements
    }
}

/// Roofline costs: t = max(FLOPs / (η_c · peak), bytes / (η_m · memory bandwidth)) + kernel
/// overhead, per device kind and precision, with bytes = (inputs + weights + outputs) · bits / 8.
/// Matrix work uses the kind's tensor peak at the precision, else its vector peak; other work the
/// vector peak at the precision, else at fp32 (computed wide, stored narrow). A kind with neither
/// cannot run the layer at that precision.
public enum CostModel {
    public static func seconds(_ work: LayerWork, on kind: DeviceCatalog.Kind, precision: String, bits: Int) -> Double? {
        let peak: Double? =
            switch work.units {
            case .tensor: kind.tensorPeak[precision] ?? kind.vectorPeak[precision]
            case .vector: kind.vectorPeak[precision] ?? kind.vectorPeak["fp32"]
            }
        guard let peak, kind.precisions.contains(precision) else { return nil }
        let bytes = (work.inputElements + work.params + work.outputElements) * Double(bits) / 8
        return max(work.flops / (kind.computeEfficiency * peak), bytes / (kind.memoryEfficiency * kind.memoryBandwidth))
            + kind.kernelOverhead
    }

    /// Default quantization sensitivity (HAWQ-style, conservative, not measured): a base
    /// penalty per bit width, larger for layers with fewer parameters (less redundancy), and
    /// 0 at the reference precision. Base: 16 bits 1e-5, 8 bits 1e-3, 4 bits 1e-2 (fp8: as 8).
    public static func sensitivity(params: Double, bits: Int, referenceBits: Int) -> Double {
        guard bits < referenceBits else { return 0 }
        let base: Double = bits >= 16 ? 1e-5 : bits >= 8 ? 1e-3 : 1e-2
        return base * (1 + 4 / (1 + log10(1 + params)))
    }

    /// Bits of the precisions dnnplace knows by name.
    public static let knownBits: [String: Int] = ["fp32": 32, "tf32": 32, "fp16": 16, "bf16": 16, "fp8e4m3": 8, "fp8e5m2": 8, "int8": 8, "int4": 4]

    /// Builds an instance from layer work and a machine: costs for every kind present at every
    /// requested precision it supports, default sensitivities, edges by index.
    public static func instance(
        name: String, works: [LayerWork], edges: [(Int, Int)], machine: Machine, precisions: [String],
        objective: Objective = .latency
    ) throws(InputError) -> Instance {
        let unknown = precisions.filter { knownBits[$0] == nil }
        if !unknown.isEmpty {
            throw InputError("unknown precision(s) \(unknown.joined(separator: ", ")); known: \(knownBits.keys.sorted().joined(separator: ", "))")
        }
        let list = precisions.map { Precision(name: $0, bits: knownBits[$0]!) }
        let referenceBits = list.first?.bits ?? 32
        let kinds = Set(machine.servers.flatMap { $0.devices.map(\.kind) }).sorted()
        let layers = works.map { work -> Layer in
            var costs: [String: [String: Double]] = [:]
            for kind in kinds {
                var row: [String: Double] = [:]
                for precision in list {
                    row[precision.name] = seconds(work, on: machine.catalog.kinds[kind]!, precision: precision.name, bits: precision.bits)
                }
                if !row.isEmpty { costs[kind] = row }
            }
            var penalties: [String: Double] = [:]
            for precision in list.dropFirst() {
                penalties[precision.name] = sensitivity(params: work.params, bits: precision.bits, referenceBits: referenceBits)
            }
            return Layer(
                name: work.name, op: work.op, params: work.params, outputElements: work.outputElements, costs: costs,
                sensitivity: penalties.filter { $0.value > 0 })
        }
        let servers = Set(machine.servers.map(\.name))
        return Instance(
            name: name, precisions: list, devices: machine.devices(precisions: precisions),
            links: Links(intraServer: machine.intraServer, interServer: servers.count > 1 ? machine.interServer : nil),
            layers: layers, edges: edges.map { Edge(from: works[$0.0].name, to: works[$0.1].name) }, objective: objective)
    }
}
