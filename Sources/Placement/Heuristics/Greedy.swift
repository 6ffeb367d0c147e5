import PlacementModel

/// Constructive placement: layers one at a time in a topological order, each taking the option
/// its rule scores best among those that keep memory, the accuracy budget and groups
/// satisfiable. O(E · D · P) (with insertion, times the layers already on a device).
/// Returns nil when it paints itself into a corner (memory or budget).
/// - greedy: file-order topological order, earliest finish (latency) or least period (throughput);
/// - HEFT: upward-rank order, earliest finish with insertion into idle gaps (the schedule is kept);
/// - random: a seeded random allowed option per layer.
public enum Greedy {
    public enum Rule: Sendable {
        case earliestFinish
        case leastPeriod
        case random(seed: UInt64)
    }

    public enum Order: Sendable {
        /// Among ready layers, the earliest in the file.
        case file
        /// Among ready layers, the largest upward rank (HEFT's priority, at mean costs).
        case upwardRank
    }

    /// The better of two runs: free precision choice under the budget, and precisions capped by
    /// `PrecisionAllocation` (which spends the budget where it saves most).
    public static func place(
        _ problem: Problem, objective: Objective, rule: Rule? = nil, order: Order = .file, insertion: Bool = false,
        devices: Set<Int>? = nil
    ) -> Assignment? {
        let rule = rule ?? (objective == .latency ? .earliestFinish : .leastPeriod)
        let capsList: [[Double]?] = [nil] + (PrecisionAllocation.caps(problem).map { [$0] } ?? [])
        return capsList.compactMap { place(problem, rule: rule, order: order, insertion: insertion, caps: $0, devices: devices) }
            .map { ($0, problem.evaluate($0)) }.filter { $0.1.isValid }
            .min { $0.1.value(objective) < $1.1.value(objective) }?.0
    }

    /// One pass; with `caps`, layer v only takes precisions of sensitivity ≤ caps[v]; with
    /// `devices`, only those devices (pinned layers keep their pin). With insertion the plan
    /// carries its schedule.
    static func place(
        _ problem: Problem, objective: Objective = .latency, rule: Rule, order: Order = .file, insertion: Bool = false,
        caps: [Double]?, devices: Set<Int>? = nil
    ) -> Assignment? {
        var state = State(problem, insertion: insertion)
        var rng = SeededGenerator(seed: { if case .random(let seed) = rule { return seed } else { return 0 } }())
        for v in Self.order(problem, order) {
            var best: (score: Double, tie: Double, option: Problem.Option)?
            for option in problem.options[v] where state.allows(v, option)
                && (devices?.contains(option.device) ?? true || problem.instance.layers[v].pin != nil)
                && problem.sensitivity(v, option.precision) <= (caps?[v] ?? .infinity) * (1 + 1e-12) {
                let (score, tie): (Double, Double) =
                    switch rule {
                    case .earliestFinish: (state.finish(v, option).end, option.cost)
                    case .leastPeriod: state.periodAfter(v, option)
                    case .random: (Double.random(in: 0..<1, using: &rng), 0)
                    }
                if best == nil || (score, tie) < (best!.score, best!.tie) { best = (score, tie, option) }
            }
            guard let choice = best?.option else { return nil }
            state.place(v, choice)
        }
        return Assignment(device: state.device, precision: state.precision, start: insertion ? state.startTime : nil)
    }

    /// A topological order: by file order, or by upward rank at mean option costs and mean
    /// transfer times (ties: file order).
    static func order(_ problem: Problem, _ order: Order) -> [Int] {
        guard order == .upwardRank else { return problem.graph.topologicalOrder }
        let graph = problem.graph
        let meanCost = problem.options.map { $0.isEmpty ? 0 : $0.map(\.cost).reduce(0, +) / Double($0.count) }
        let m = problem.deviceCount
        let meanPerByte = m > 1 ? problem.transfers.secondsPerByte.reduce(0, +) / Double(m * (m - 1)) : 0
        let meanLatency = m > 1 ? problem.transfers.latency.reduce(0, +) / Double(m * (m - 1)) : 0
        var rank = [Double](repeating: 0, count: problem.layerCount)
        for v in graph.topologicalOrder.reversed() {
            let transfer = meanLatency + problem.outputElements[v] * problem.bits[0] / 8 * meanPerByte
            rank[v] = meanCost[v] + (graph.successors(of: v).map { transfer + rank[$0] }.max() ?? 0)
        }
        return graph.topologicalOrder(byPriority: rank)
    }

    private struct State {
        let problem: Problem
        var device: [Int]
        var precision: [Int]
        var startTime: [Double]
        var finishTime: [Double]
        /// Busy intervals per device (with insertion); else only the last end counts.
        var busy: [BusyIntervals]
        let insertion: Bool
        /// Free memory, and the room kept for layers that can run on one device only: other
        /// layers must leave it free, or the plan paints itself into a corner.
        var room: MemoryRoom
        var budgetLeft: Double
        /// Σ of the smallest sensitivity of each layer not yet placed: kept in reserve.
        var budgetReserve: Double
        /// Per layer, the smallest sensitivity of an option that fits its device's memory (on
        /// its group's device, once the group has one).
        var leastPenalty: [Double]
        var groupDevice: [Int: Int] = [:]
        var groupOf: [Int: Int] = [:]
        var loads: LoadTracker

        init(_ problem: Problem, insertion: Bool) {
            self.problem = problem
            self.insertion = insertion
            let n = problem.layerCount
            device = [Int](repeating: -1, count: n)
            precision = [Int](repeating: -1, count: n)
            startTime = [Double](repeating: 0, count: n)
            finishTime = [Double](repeating: 0, count: n)
            busy = [BusyIntervals](repeating: BusyIntervals(), count: problem.deviceCount)
            room = MemoryRoom(problem)
            budgetLeft = problem.instance.accuracyBudget ?? .infinity
            // An option heavier than its device's whole memory is in no plan: it reserves nothing.
            leastPenalty = (0..<n).map { v in
                let fitting = problem.options[v].filter { problem.fits(v, $0) }
                return (fitting.isEmpty ? problem.options[v] : fitting).map { problem.sensitivity(v, $0.precision) }.min() ?? 0
            }
            budgetReserve = leastPenalty.reduce(0, +)
            for (g, layers) in problem.groups.enumerated() { for v in layers { groupOf[v] = g } }
            loads = LoadTracker(problem)
        }

        func allows(_ v: Int, _ option: Problem.Option) -> Bool {
            let d = option.device
            // The memory this choice takes on d, and the memory kept there for layers that can
            // run only on d: v's own share of it is in `needed`.
            var needed = problem.weightBytes(v, option.precision)
            var reserved = room.reserved[d] - (room.onlyDevice[v] == d ? room.leastWeight[v] : 0)
            if let g = groupOf[v] {
                if let fixed = groupDevice[g] {
                    if fixed != d { return false }
                } else {
                    // The first member goes where the whole group fits, beside the layers d
                    // must keep room for (a group on a device that a pinned layer fills found
                    // no room for its next member on a fuzzed instance).
                    for w in problem.groups[g] where w != v && device[w] < 0 {
                        if let held = room.onlyDevice[w] {
                            if held != d { return false }
                            reserved -= room.leastWeight[w]
                        }
                        needed += room.leastWeight[w]
                    }
                }
            }
            if needed + reserved > room.memoryLeft[d] * (1 + 1e-12) { return false }
            // Infinite when a member of v's group has no option on d that fits.
            let rise = groupReserveRise(v, d)
            guard rise.isFinite else { return false }
            let penalty = problem.sensitivity(v, option.precision)
            return penalty + budgetReserve - leastPenalty[v] + rise <= budgetLeft * (1 + 1e-12)
        }

        /// The smallest sensitivity of w's options on device d that fit its memory (infinity
        /// when none does).
        func leastPenalty(_ w: Int, on d: Int) -> Double {
            problem.options[w].filter { $0.device == d && problem.fits(w, $0) }
                .map { problem.sensitivity(w, $0.precision) }.min() ?? .infinity
        }

        /// How much the budget reserve rises when v is the first of its group to be placed, on
        /// d: the group's other members are then held to d, where only a lower precision may
        /// fit (a fuzzed instance's group had fp32 fit on one device only, and the budget
        /// was spent before the last member found its int8 option too costly).
        func groupReserveRise(_ v: Int, _ d: Int) -> Double {
            guard let g = groupOf[v], groupDevice[g] == nil else { return 0 }
            return problem.groups[g].filter { $0 != v && device[$0] < 0 }.reduce(0) { $0 + leastPenalty($1, on: d) - leastPenalty[$1] }
        }

        func largestOutput(_ u: Int) -> Double {
            let graph = problem.graph
            return (graph.successorStart[u]..<graph.successorStart[u + 1])
                .map { problem.edgeBytes(successorEntry: $0, from: u, precision: precision[u]) }.max() ?? 0
        }

        /// Earliest start and finish of v with this option, given its placed predecessors: after
        /// the device's last layer, or (with insertion) in the first idle gap long enough.
        func finish(_ v: Int, _ option: Problem.Option) -> (start: Double, end: Double) {
            let graph = problem.graph
            var ready = 0.0
            for i in graph.predecessorStart[v]..<graph.predecessorStart[v + 1] {
                let u = graph.predecessors[i]
                // u's largest edge: consumers placed later may raise bytes(u, device) to it, and
                // a kept schedule must stay valid.
                let bytes = largestOutput(u)
                ready = max(ready, finishTime[u] + problem.transfers.time(from: device[u], to: option.device, bytes: bytes))
            }
            let begin = insertion ? busy[option.device].earliestGap(from: ready, duration: option.cost) : max(ready, busy[option.device].end)
            return (begin, begin + option.cost)
        }

        func periodAfter(_ v: Int, _ option: Problem.Option) -> (Double, Double) {
            loads.periodAfter(v, option, device: device, precision: precision)
        }

        mutating func place(_ v: Int, _ option: Problem.Option) {
            let (begin, end) = finish(v, option)
            loads.place(v, option, device: device, precision: precision)
            device[v] = option.device
            precision[v] = option.precision
            startTime[v] = begin
            finishTime[v] = end
            busy[option.device].book(begin, duration: option.cost)
            room.place(v, on: option.device, weight: problem.weightBytes(v, option.precision))
            budgetLeft -= problem.sensitivity(v, option.precision)
            budgetReserve += groupReserveRise(v, option.device) - leastPenalty[v]
            if let g = groupOf[v] {
                if groupDevice[g] == nil {
                    groupDevice[g] = option.device
                    // The rest of the group must follow: their room there is kept from now on
                    // (a 50 KB layer took the last of it on a fuzzed instance).
                    for w in problem.groups[g] where w != v && device[w] < 0 {
                        leastPenalty[w] = leastPenalty(w, on: option.device)
                        room.hold(w, on: option.device)
                    }
                }
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
        // An unplaced producer (device −1) charges nothing yet: the splitting heuristic's windows.
        for u in problem.graph.predecessors(of: v) {
            let a = device[u]
            guard a >= 0, a != b, !sent.contains(u * m + b) else { continue }
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
        for u in problem.graph.predecessors(of: v) where device[u] >= 0 && device[u] != option.device {
            sent.insert(u * m + option.device)
            sentToHost.insert(u)
            sentToServer.insert(u * problem.serverNames.count + problem.transfers.server[option.device])
        }
    }
}
