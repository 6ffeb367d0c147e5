import PlacementModel

/// Seeded random CNN-like instances for tests and benchmarks: a DAG in which each layer reads
/// from recent layers (local skip connections, like ResNets and RandWire), on one CPU and two
/// different GPUs, with optional lower precisions. The same parameters give the same instance.
public struct RandomInstance: Sendable {
    public var layers: Int
    /// Edges per layer on average (each layer after the first gets 1 to ⌊2·degree⌋−1 inputs).
    public var degree: Double = 3
    /// How far back a layer may take its inputs from.
    public var window: Int = 16
    /// fp32 only, or fp32, fp16 and int8 with sensitivities and an accuracy budget.
    public var quantized = false
    public var objective: Objective = .latency
    /// Two identical GPUs (a T4 pair) instead of an A100 and a T4: a symmetry class.
    public var twinGPUs = false
    public var seed: UInt64

    public init(layers: Int, seed: UInt64) {
        self.layers = layers
        self.seed = seed
    }

    /// Device kinds and how much slower than the fastest GPU each one computes.
    static let kinds: [(name: String, slowdown: Double, memory: Double)] = [
        ("xeon-8380", 20, 256e9), ("a100-40g", 1, 40e9), ("t4", 4, 16e9),
    ]

    /// The machine's devices: the CPU, then the two GPUs.
    var machine: [(name: String, slowdown: Double, memory: Double)] {
        twinGPUs ? [Self.kinds[0], Self.kinds[2], Self.kinds[2]] : Self.kinds
    }

    /// Names a non-default shape, so that instances of different shapes have different names.
    var shapeSuffix: String {
        degree == 3 && window == 16 ? "" : "-d\(formatSignificant(degree))-w\(window)"
    }

    public func instance() -> Instance {
        var rng = SeededGenerator(seed: seed)
        let precisions =
            quantized
            ? [Precision.fp32, Precision(name: "fp16", bits: 16), Precision(name: "int8", bits: 8)] : [.fp32]
        let devices = machine.enumerated().map { i, kind in
            Device(
                name: i == 0 ? "cpu0" : "gpu\(i - 1)", kind: kind.name, memory: kind.memory,
                precisions: i == 0 ? ["fp32"] : nil)
        }
        var layerList: [Layer] = []
        var edges: [Edge] = []
        layerList.reserveCapacity(layers)
        for v in 0..<layers {
            let base = 1e-5 * Double.random(in: 1...100, using: &rng)
            var costs: [String: [String: Double]] = [:]
            var sensitivity: [String: Double] = [:]
            for kind in Self.kinds where machine.contains(where: { $0.name == kind.name }) {
                let seconds = base * kind.slowdown * Double.random(in: 0.7...1.3, using: &rng)
                var row = ["fp32": seconds]
                if quantized, kind.slowdown < 20 {
                    row["fp16"] = seconds * 0.55
                    row["int8"] = seconds * 0.35
                }
                costs[kind.name] = row
            }
            let params = Double(Int.random(in: 1_000...2_000_000, using: &rng))
            if quantized {
                sensitivity = ["fp16": 1e-4, "int8": 1e-3 * Double.random(in: 0.5...2, using: &rng)]
            }
            layerList.append(Layer(
                name: "L\(v)", op: "Op", params: params,
                outputElements: Double(Int.random(in: 10_000...1_000_000, using: &rng)), costs: costs,
                sensitivity: sensitivity))
            guard v > 0 else { continue }
            let inputs = Int.random(in: 1...max(1, Int(2 * degree) - 1), using: &rng)
            let sources = (1...min(v, window)).shuffled(using: &rng).prefix(inputs).map { v - $0 }
            edges += sources.sorted().map { Edge(from: "L\($0)", to: "L\(v)") }
        }
        return Instance(
            name: "random-\(layers)\(shapeSuffix)\(twinGPUs ? "-twins" : "")-s\(seed)", precisions: precisions, devices: devices,
            links: Links(intraServer: Link(bandwidth: 16e9, latency: 1e-5)), layers: layerList, edges: edges,
            objective: objective, accuracyBudget: quantized ? 2e-4 * Double(layers) : nil)
    }
}
