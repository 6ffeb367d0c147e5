import PlacementModel

/// Greedy placement in topological order: each layer takes the option that finishes it
/// earliest (latency: HEFT-like earliest finish with transfer times) or raises the period least
/// (throughput), among the options that keep memory, the accuracy budget and groups satisfiable.
/// O(E · D · P). Returns nil when it paints itself into a corner (memory or budget).
public enum Greedy {
    /// The better of two runs: free precision choice under the budget, and precisions capped by
    /// `PrecisionAllocation` (which spends the budget where it saves most).
    public static func place(_ problem: Problem, objective: Objective) -> Assignment? {
        let runs = [place(problem, objective: objective, caps: nil)]
            + [PrecisionAllocation.caps(problem).flatMap { place(problem, objective: objective, caps: $0) }]
        return runs.compactMap { $0 }.map { ($0, problem.evaluate($0)) }.filter { $0.1.isValid }
            .min { $0.1.value(objective) < $1.1.value(objective) }?.0
    }

    /// One greedy pass; with `caps`, layer v only takes precisions of sensitivity ≤ caps[v].
    static func place(_ problem: Problem, objective: Objective, caps: [Double]?) -> Assignment? {
        var state = State(problem)
        for v in problem.graph.topologicalOrder {
            var best: (score: Double, tie: Double, option: Problem.Option)?
            for option in problem.options[v] where state.allows(v, option)
                && problem.sensitivity(v, option.precision) <= (caps?[v] ?? .infinity) * (1 + 1e-12) {
                let (score, tie) =
                    objective == .latency ? (state.finish(v, option), option.cost) : state.periodAfter(v, option)
                if best == nil || (score, tie) < (best!.score, best!.tie) { best = (score, tie, option) }
            }
            guard let choice = best?.option else { return nil }
            state.place(v, choice)
        }
        return Assignment(device: state.device, precision: state.precision)
    }

    private struct State {
        let problem: Problem
        var device: [Int]
        var precision: [Int]
        var finishTime: [Double]
        var deviceFree: [Double]
        var memoryLeft: [Double]
        var budgetLeft: Double
        /// Σ of the smallest sensitivity of each layer not yet placed: kept in reserve.
        var budgetReserve: Double
        var groupDevice: [Int: Int] = [:]
        var groupOf: [Int: Int] = [:]
        /// Per group, the least weight of its members not yet placed.
        var groupWeight: [Double]
        let lightest: [Double]
        var loads: LoadTracker

        init(_ problem: Problem) {
            self.problem = problem
            let n = problem.layerCount
            device = [Int](repeating: -1, count: n)
            precision = [Int](repeating: -1, count: n)
            finishTime = [Double](repeating: 0, count: n)
            deviceFree = [Double](repeating: 0, count: problem.deviceCount)
            memoryLeft = problem.memory
            budgetLeft = problem.instance.accuracyBudget ?? .infinity
            budgetReserve = (0..<n).reduce(0) { total, v in
                total + (problem.options[v].map { problem.sensitivity(v, $0.precision) }.min() ?? 0)
            }
            for (g, layers) in problem.groups.enumerated() { for v in layers { groupOf[v] = g } }
            let lightest = (0..<n).map { v in problem.options[v].map { problem.weightBytes(v, $0.precision) }.min() ?? 0 }
            self.lightest = lightest
            groupWeight = problem.groups.map { layers in layers.reduce(0) { $0 + lightest[$1] } }
            loads = LoadTracker(problem)
        }

        func minimumSensitivity(_ v: Int) -> Double {
            problem.options[v].map { problem.sensitivity(v, $0.precision) }.min() ?? 0
        }

        func allows(_ v: Int, _ option: Problem.Option) -> Bool {
            let d = option.device
            let weight = problem.weightBytes(v, option.precision)
            if let g = groupOf[v] {
                if let fixed = groupDevice[g] {
                    if fixed != d { return false }
                } else if memoryLeft[d] < groupWeight[g] - lightest[v] + weight {
                    // The first member goes where the whole group fits.
                    return false
                }
            }
            if weight > memoryLeft[d] * (1 + 1e-12) { return false }
            let penalty = problem.sensitivity(v, option.precision)
            return penalty + budgetReserve - minimumSensitivity(v) <= budgetLeft * (1 + 1e-12)
        }

        /// Earliest finish of v with this option, given its placed predecessors.
        func finish(_ v: Int, _ option: Problem.Option) -> Double {
            let graph = problem.graph
            var ready = deviceFree[option.device]
            for i in graph.predecessorStart[v]..<graph.predecessorStart[v + 1] {
                let u = graph.predecessors[i]
                let bytes = problem.outputBytes(u, precision[u])
                ready = max(ready, finishTime[u] + problem.transfers.time(from: device[u], to: option.device, bytes: bytes))
            }
            return ready + option.cost
        }

        func periodAfter(_ v: Int, _ option: Problem.Option) -> (Double, Double) {
            loads.periodAfter(v, option, device: device, precision: precision)
        }

        mutating func place(_ v: Int, _ option: Problem.Option) {
            let end = finish(v, option)
            loads.place(v, option, device: device, precision: precision)
            device[v] = option.device
            precision[v] = option.precision
            finishTime[v] = end
            deviceFree[option.device] = end
            memoryLeft[option.device] -= problem.weightBytes(v, option.precision)
            budgetLeft -= problem.sensitivity(v, option.precision)
            budgetReserve -= minimumSensitivity(v)
            if let g = groupOf[v] {
                if groupDevice[g] == nil { groupDevice[g] = option.device }
                groupWeight[g] -= lightest[v]
            }
        }
    }
}

/// Device and link loads of a partial plan, updated one layer at a time (SPEC §3 throughput),
/// for heuristics that grow a plan. Each transfer is charged when its first consumer is placed.
struct LoadTracker {
    let problem: Problem
    private(set) var deviceLoad: [Double]
    private(set) var linkLoad: [LinkResource: Double] = [:]
    private(set) var period = 0.0
    /// Transfers already charged: (layer, destination device), (layer, to host), (layer, server).
    private var sent = Set<Int>()
    private var sentToHost = Set<Int>()
    private var sentToServer = Set<Int>()

    init(_ problem: Problem) {
        self.problem = problem
        deviceLoad = [Double](repeating: 0, count: problem.deviceCount)
    }

    enum Resource: Hashable {
        case device(Int)
        case link(LinkResource)
    }

    /// What placing v with this option adds, per resource.
    private func charges(_ v: Int, _ option: Problem.Option, device: [Int], precision: [Int]) -> [(Resource, Double)] {
        var charges: [(Resource, Double)] = [(.device(option.device), option.cost)]
        let model = problem.transfers
        let b = option.device
        let chargeDevices = !problem.instance.commOverlap
        let m = problem.deviceCount
        for u in problem.graph.predecessors(of: v) {
            let a = device[u]
            guard a != b, !sent.contains(u * m + b) else { continue }
            let bytes = problem.outputBytes(u, precision[u])
            switch model.mode {
            case .direct:
                let seconds = bytes * model.secondsPerByte[a * m + b]
                charges.append((.link(.pair(a, b)), seconds))
                if chargeDevices { charges += [(.device(a), seconds), (.device(b), seconds)] }
            case .hostStaged:
                if !model.hostMemory[a], !sentToHost.contains(u), let up = model.hostLink[a] {
                    charges.append((.link(.toHost(a)), bytes / up.bandwidth))
                    if chargeDevices { charges.append((.device(a), bytes / up.bandwidth)) }
                }
                let (s, t) = (model.server[a], model.server[b])
                if s != t, !sentToServer.contains(u * problem.serverNames.count + t), let network = model.network {
                    charges.append((.link(.network(s, t)), bytes / network.bandwidth))
                }
                if !model.hostMemory[b], let down = model.hostLink[b] {
                    charges.append((.link(.fromHost(b)), bytes / down.bandwidth))
                    if chargeDevices { charges.append((.device(b), bytes / down.bandwidth)) }
                }
            }
        }
        return charges
    }

    private func load(_ resource: Resource) -> Double {
        switch resource {
        case .device(let d): deviceLoad[d]
        case .link(let link): linkLoad[link] ?? 0
        }
    }

    /// The period after placing v, and v's device load after it (a tie-breaker).
    func periodAfter(_ v: Int, _ option: Problem.Option, device: [Int], precision: [Int]) -> (Double, Double) {
        var added: [Resource: Double] = [:]
        for (resource, seconds) in charges(v, option, device: device, precision: precision) {
            added[resource, default: 0] += seconds
        }
        let worst = added.map { load($0.key) + $0.value }.max() ?? 0
        return (max(period, worst), deviceLoad[option.device] + option.cost)
    }

    mutating func place(_ v: Int, _ option: Problem.Option, device: [Int], precision: [Int]) {
        for (resource, seconds) in charges(v, option, device: device, precision: precision) {
            switch resource {
            case .device(let d):
                deviceLoad[d] += seconds
                period = max(period, deviceLoad[d])
            case .link(let link):
                linkLoad[link, default: 0] += seconds
                period = max(period, linkLoad[link]!)
            }
        }
        let m = problem.deviceCount
        for u in problem.graph.predecessors(of: v) where device[u] != option.device {
            sent.insert(u * m + option.device)
            sentToHost.insert(u)
            sentToServer.insert(u * problem.serverNames.count + problem.transfers.server[option.device])
        }
    }
}
