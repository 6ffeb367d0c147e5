import PlacementModel

/// Seeded random tiny instances that exercise every feature the exact formulations model:
/// several precisions with sensitivities and budgets, memory that binds (sometimes too tight:
/// infeasible), missing costs, pins, groups, edge byte overrides, commOverlap off, several
/// servers, host-staged transfers with host-memory devices, and interchangeable devices.
/// Sizes are kept so the enumeration oracle stays cheap.
enum TinyInstances {
    static func make(seed: UInt64, objective: Objective) -> Problem {
        var rng = SeededGenerator(seed: seed &* 7919 &+ (objective == .latency ? 1 : 2))
        while true {
            if let problem = attempt(&rng, objective), workload(problem, objective) <= 3000 { return problem }
        }
    }

    /// Enumeration work: assignments × (latency) topological orders.
    static func workload(_ problem: Problem, _ objective: Objective) -> Int {
        let choices = problem.deviceCount * problem.precisionCount
        let assignments = (0..<problem.layerCount).reduce(1) { total, _ in total * choices }
        return objective == .latency ? assignments * Oracle.countTopologicalOrders(problem.graph) / 8 : assignments
    }

    private static func attempt(_ rng: inout SeededGenerator, _ objective: Objective) -> Problem? {
        let n = Int.random(in: 3...6, using: &rng)
        let hostStaged = Int.random(in: 0..<5, using: &rng) == 0
        let twoServers = Int.random(in: 0..<4, using: &rng) == 0
        let precisions: [Precision] =
            Bool.random(using: &rng) ? [.fp32] : [.fp32, Precision(name: "int8", bits: 8)]
        let kinds = ["cpu", "gpu"]
        let deviceCount = Int.random(in: 2...3, using: &rng)
        let devices = (0..<deviceCount).map { d -> Device in
            // Devices 1 and 2 are often twins (same kind, memory): a symmetry class.
            let kind = d == 0 ? kinds[0] : kinds[1]
            return Device(
                name: "d\(d)", kind: kind, server: twoServers && d == deviceCount - 1 ? "s1" : "s0",
                memory: Double(Int.random(in: 2...8, using: &rng)) * 100,
                precisions: kind == "cpu" ? ["fp32"] : nil, hostMemory: hostStaged && kind == "cpu")
        }
        var layers: [Layer] = []
        for v in 0..<n {
            var costs: [String: [String: Double]] = [:]
            for kind in kinds where v == 0 || Int.random(in: 0..<6, using: &rng) > 0 {
                var row = ["fp32": Double(Int.random(in: 1...20, using: &rng))]
                if precisions.count == 2, kind == "gpu" { row["int8"] = Double(Int.random(in: 1...10, using: &rng)) }
                costs[kind] = row
            }
            layers.append(Layer(
                name: "L\(v)", params: Double(Int.random(in: 0...40, using: &rng)),
                outputElements: Double(Int.random(in: 1...40, using: &rng)), costs: costs,
                sensitivity: precisions.count == 2 ? ["int8": Double(Int.random(in: 1...3, using: &rng))] : [:],
                pin: Int.random(in: 0..<12, using: &rng) == 0 ? "d0" : nil,
                group: Int.random(in: 0..<8, using: &rng) == 0 ? "g" : nil))
        }
        var edges: [Edge] = []
        for v in 1..<n {
            for u in 0..<v where Int.random(in: 0..<3, using: &rng) == 0 || u == v - 1 && Bool.random(using: &rng) {
                let override = Int.random(in: 0..<6, using: &rng) == 0 ? Double(Int.random(in: 1...40, using: &rng)) : nil
                edges.append(Edge(from: "L\(u)", to: "L\(v)", elements: override))
            }
        }
        let instance = Instance(
            name: "tiny", precisions: precisions, devices: devices,
            links: Links(
                mode: hostStaged ? .hostStaged : .direct,
                intraServer: Link(bandwidth: Double(Int.random(in: 8...64, using: &rng)), latency: Double(Int.random(in: 0...2, using: &rng))),
                interServer: Link(bandwidth: 4, latency: 3),
                pairs: !hostStaged && deviceCount == 3 && Int.random(in: 0..<4, using: &rng) == 0
                    ? [LinkPair(from: "d1", to: "d2", link: Link(bandwidth: 100, latency: 0), bidirectional: true)] : []),
            layers: layers, edges: edges, objective: objective,
            accuracyBudget: precisions.count == 2 && Bool.random(using: &rng) ? Double(Int.random(in: 0...6, using: &rng)) : nil,
            commOverlap: Int.random(in: 0..<3, using: &rng) > 0)
        return try? Problem(instance)
    }
}
