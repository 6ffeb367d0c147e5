import PlacementModel

/// The throughput baseline of the NeurIPS'20 paper and Archer et al.'s SliceGraph: cut the
/// file's topological order into contiguous segments, one per device in a fixed device order
/// (segments may be empty), minimising the largest segment load by dynamic programming; try
/// every distinct order of the device classes (up to `maxOrders`) and keep the best evaluated
/// plan. A segment's load on device d is its compute plus, as the transfer model charges them,
/// the bytes leaving and entering it (each tensor once). Precisions: the budget allocation's
/// caps, fastest allowed option per device. O(n·E + m·n²) per device order.
enum ContiguousSplit {
    static let maxOrders = 120
    /// n²·m·orders steps at most (10,000 layers on 3 devices, one order: 3.7 s here without a
    /// bound, `--method dp`); larger graphs get fewer orders, or none.
    static let workLimit = 300_000_000

    /// `bound`, when given, is a known plan's period: segments whose compute alone exceeds it
    /// are in no better plan, so each segment end only looks back that far.
    static func place(_ problem: Problem, below bound: Double = .infinity) -> Assignment? {
        let n = problem.layerCount
        let m = problem.deviceCount
        let order = problem.graph.topologicalOrder
        var position = [Int](repeating: 0, count: n)
        for (i, v) in order.enumerated() { position[v] = i }
        let caps = PrecisionAllocation.caps(problem)
        // The option each layer takes on each device (nil: cannot run there).
        let choice: [[Problem.Option?]] = (0..<m).map { d in
            order.map { v in
                problem.options[v].filter {
                    $0.device == d && problem.sensitivity(v, $0.precision) <= (caps?[v] ?? .infinity) * (1 + 1e-12)
                }.min { $0.cost < $1.cost }
            }
        }
        let bytes = order.map { problem.outputBytes($0, 0) }
        let lastConsumer = order.map { v in problem.graph.successors(of: v).map { position[$0] }.max() ?? -1 }
        let rates = (0..<m).map { transferRates(problem, $0) }
        let chargeDevices = !problem.instance.commOverlap

        // For the current segment end e: loads[d][k] is the load of [e − k, e) on device d, for
        // every k up to the longest segment d can take (within memory and the bound).
        func segmentLoads(end e: Int) -> [[Double]] {
            var consumers = [Int](repeating: 0, count: n)
            var incoming = 0.0
            var outgoing = 0.0
            var compute = [Double](repeating: 0, count: m)
            var weight = [Double](repeating: 0, count: m)
            var loads = [[Double]](repeating: [0], count: m)
            for s in stride(from: e - 1, through: 0, by: -1) {
                // Layer s joins the segment [s, e).
                let v = order[s]
                if consumers[s] > 0 { incoming -= bytes[s] }
                for u in problem.graph.predecessors(of: v) {
                    let p = position[u]
                    consumers[p] += 1
                    if consumers[p] == 1, p < s { incoming += bytes[p] }
                }
                if lastConsumer[s] >= e { outgoing += bytes[s] }
                var open = false
                // Only the devices that could take [s + 1, e) can take [s, e).
                for d in 0..<m where loads[d].count == e - s {
                    guard let option = choice[d][s] else { continue }
                    compute[d] += option.cost
                    weight[d] += problem.weightBytes(v, option.precision)
                    guard weight[d] <= problem.memory[d], compute[d] <= bound else { continue }
                    let send = outgoing * rates[d].out
                    let receive = incoming * rates[d].in
                    loads[d].append(max(compute[d] + (chargeDevices ? send + receive : 0), send, receive))
                    open = true
                }
                // A segment no device can take stays so when it grows.
                if !open { break }
            }
            return loads
        }

        // All device orders advance together, so each segment's loads are computed once.
        let orders = deviceOrders(problem, limit: max(1, min(maxOrders, workLimit / max(1, n * n * m))))
        guard n * n * m <= workLimit else { return nil }
        // period[k][j][e]: best bottleneck of order k placing the first e layers on its first j devices.
        var period = orders.map { _ in [[Double]](repeating: [Double](repeating: .infinity, count: n + 1), count: m + 1) }
        var cut = orders.map { _ in [[Int]](repeating: [Int](repeating: 0, count: n + 1), count: m + 1) }
        for k in orders.indices { period[k][0][0] = 0 }
        for e in 0...n {
            let loads = segmentLoads(end: e)
            for (k, deviceOrder) in orders.enumerated() {
                for j in 1...m {
                    let d = deviceOrder[j - 1]
                    for (length, load) in loads[d].enumerated() where period[k][j - 1][e - length].isFinite {
                        let value = max(period[k][j - 1][e - length], load)
                        if value < period[k][j][e] {
                            period[k][j][e] = value
                            cut[k][j][e] = e - length
                        }
                    }
                }
            }
        }
        var best: (Assignment, Double)?
        for (k, deviceOrder) in orders.enumerated() where period[k][m][n].isFinite {
            var device = [Int](repeating: 0, count: n)
            var precision = [Int](repeating: 0, count: n)
            var e = n
            for j in stride(from: m, through: 1, by: -1) {
                let d = deviceOrder[j - 1]
                for i in cut[k][j][e]..<e {
                    device[order[i]] = d
                    precision[order[i]] = choice[d][i]!.precision
                }
                e = cut[k][j][e]
            }
            let plan = Assignment(device: device, precision: precision)
            let evaluation = problem.evaluate(plan)
            if evaluation.isValid, evaluation.period < best?.1 ?? .infinity { best = (plan, evaluation.period) }
        }
        return best?.0
    }

    /// Seconds per byte a device pays to send to and receive from the others (the average link
    /// in direct mode; its host link in host-staged mode, none for host-memory devices).
    private static func transferRates(_ problem: Problem, _ d: Int) -> (out: Double, in: Double) {
        let links = problem.transfers
        let m = problem.deviceCount
        switch links.mode {
        case .direct:
            guard m > 1 else { return (0, 0) }
            let others = (0..<m).filter { $0 != d }
            let out = others.map { links.secondsPerByte[d * m + $0] }.reduce(0, +) / Double(others.count)
            let into = others.map { links.secondsPerByte[$0 * m + d] }.reduce(0, +) / Double(others.count)
            return (out, into)
        case .hostStaged:
            guard !links.hostMemory[d], let link = links.hostLink[d] else { return (0, 0) }
            return (1 / link.bandwidth, 1 / link.bandwidth)
        }
    }

    /// Distinct orders of the devices up to interchangeable ones (permutations of the classes'
    /// multiset), at most `maxOrders`.
    private static func deviceOrders(_ problem: Problem, limit: Int) -> [[Int]] {
        var remaining = problem.deviceClasses
        var orders: [[Int]] = []
        var current: [Int] = []
        func extend() {
            if orders.count >= limit { return }
            if current.count == problem.deviceCount {
                orders.append(current)
                return
            }
            for c in remaining.indices where !remaining[c].isEmpty {
                current.append(remaining[c].removeFirst())
                extend()
                remaining[c].insert(current.removeLast(), at: 0)
            }
        }
        extend()
        return orders
    }
}
