/// Every figure of a plan, computed exactly as SPEC §2-3 define them. This is the only place
/// the tool's reported numbers come from: solvers hand their plans here and print the result.
public struct Evaluation: Sendable {
    /// Constraint violations, by name; a plan with any is not a valid plan.
    public let violations: [String]
    /// Weight bytes held per device.
    public let memory: [Double]
    /// Σ sensitivity(v, p(v)).
    public let accuracyCost: Double
    /// The schedule: the plan's own start times if it gave them, else SPEC §3 list scheduling.
    public let start: [Double]
    public let finish: [Double]
    public let scheduleWasGiven: Bool
    /// Makespan of one input.
    public let latency: Double
    /// Per-input busy time of every device, and of every link that carries anything.
    public let deviceLoad: [Double]
    public let linkLoad: [LinkResource: Double]
    /// The steady-state period: the largest device or link load.
    public let period: Double

    public var isValid: Bool { violations.isEmpty }
    /// Inputs per second; infinity when nothing takes time.
    public var throughput: Double { period > 0 ? 1 / period : .infinity }

    public func value(_ objective: Objective) -> Double {
        switch objective {
        case .latency: latency
        case .throughput: period
        }
    }
}

extension Problem {
    /// Evaluates an assignment: validity, memory, accuracy, latency (given or list-scheduled
    /// schedule) and throughput, in O(E log n).
    public func evaluate(_ assignment: Assignment) -> Evaluation {
        let transfers = TransferSet(self, assignment)
        var violations = constraintViolations(assignment)
        let memory = memoryUse(assignment)
        for d in 0..<deviceCount where memory[d] > self.memory[d] * (1 + 1e-9) {
            violations.append("device '\(deviceName(d))' holds \(formatBytes(memory[d])) of weights, more than its \(formatBytes(self.memory[d]))")
        }
        let accuracyCost = (0..<layerCount).reduce(0.0) { $0 + sensitivity($1, assignment.precision[$1]) }
        if let budget = instance.accuracyBudget, accuracyCost > budget + 1e-9 * max(1, budget) {
            violations.append("accuracy cost \(accuracyCost) exceeds the budget \(budget)")
        }
        let start: [Double]
        if let given = assignment.start, violations.isEmpty {
            start = given
            violations += scheduleViolations(assignment, transfers, start: given)
        } else {
            start = violations.isEmpty ? listSchedule(assignment, transfers) : [Double](repeating: 0, count: layerCount)
        }
        let finish = (0..<layerCount).map { v in start[v] + layerCost(assignment, v) }
        let (deviceLoad, linkLoad) = violations.isEmpty ? loads(assignment, transfers) : ([], [:])
        return Evaluation(
            violations: violations, memory: memory, accuracyCost: accuracyCost, start: start, finish: finish,
            scheduleWasGiven: assignment.start != nil, latency: finish.max() ?? 0, deviceLoad: deviceLoad,
            linkLoad: linkLoad, period: max(deviceLoad.max() ?? 0, linkLoad.values.max() ?? 0))
    }

    /// c(v, kind(d(v)), p(v)): infinity when the assignment's choice is not allowed.
    func layerCost(_ assignment: Assignment, _ v: Int) -> Double {
        let d = assignment.device[v]
        let p = assignment.precision[v]
        return d >= 0 && p >= 0 && d < deviceCount && p < precisionCount ? cost(v, d, p) : .infinity
    }

    public func memoryUse(_ assignment: Assignment) -> [Double] {
        var memory = [Double](repeating: 0, count: deviceCount)
        for v in 0..<layerCount { memory[assignment.device[v]] += weightBytes(v, assignment.precision[v]) }
        return memory
    }

    /// Choices outside a layer's options (unsupported precision, no cost, pin) and split groups.
    private func constraintViolations(_ assignment: Assignment) -> [String] {
        var violations: [String] = []
        for v in 0..<layerCount {
            let d = assignment.device[v]
            let p = assignment.precision[v]
            if options[v].contains(where: { $0.device == d && $0.precision == p }) { continue }
            if let pin = instance.layers[v].pin, pin != deviceName(d) {
                violations.append("layer '\(layerName(v))' is pinned to '\(pin)' but placed on '\(deviceName(d))'")
            } else if !supports(d, p) {
                violations.append("layer '\(layerName(v))': device '\(deviceName(d))' does not support precision '\(precisionName(p))'")
            } else if !cost(v, d, p).isFinite {
                violations.append("layer '\(layerName(v))' cannot run on '\(deviceName(d))' (kind '\(kindNames[kindOf[d]])') at '\(precisionName(p))'")
            } else {
                violations.append("layer '\(layerName(v))' on '\(deviceName(d))': its group's other layers cannot run there")
            }
        }
        for group in groups {
            let d = assignment.device[group[0]]
            if let v = group.first(where: { assignment.device[$0] != d }) {
                violations.append("layers '\(layerName(group[0]))' and '\(layerName(v))' of group '\(instance.layers[v].group!)' are on different devices")
            }
        }
        return violations
    }

    /// Precedence with transfer times, and one layer at a time per device, for a given schedule.
    private func scheduleViolations(_ assignment: Assignment, _ transfers: TransferSet, start: [Double]) -> [String] {
        var violations: [String] = []
        let finish = (0..<layerCount).map { start[$0] + layerCost(assignment, $0) }
        let tolerance = 1e-9 * max(finish.max() ?? 0, 1e-12)
        for v in 0..<layerCount where start[v] < 0 {
            violations.append("layer '\(layerName(v))' starts at a negative time \(start[v])")
        }
        for u in 0..<layerCount {
            for v in graph.successors(of: u) {
                let ready = finish[u] + transferTime(assignment, transfers, from: u, to: assignment.device[v])
                if start[v] < ready - tolerance {
                    violations.append("layer '\(layerName(v))' starts at \(start[v]) s, before its input from '\(layerName(u))' arrives at \(ready) s")
                }
            }
        }
        var onDevice = [[Int]](repeating: [], count: deviceCount)
        for v in 0..<layerCount { onDevice[assignment.device[v]].append(v) }
        for (d, layers) in onDevice.enumerated() {
            let sorted = layers.sorted { (start[$0], finish[$0]) < (start[$1], finish[$1]) }
            for (previous, next) in zip(sorted, sorted.dropFirst()) where start[next] < finish[previous] - tolerance {
                violations.append("layers '\(layerName(previous))' and '\(layerName(next))' overlap on device '\(deviceName(d))'")
            }
        }
        return violations
    }

    /// τ(u, b): seconds from u's finish until its output is usable on device b.
    func transferTime(_ assignment: Assignment, _ transfers: TransferSet, from u: Int, to b: Int) -> Double {
        let a = assignment.device[u]
        guard a != b, let bytes = transfers.bytes(from: u, to: b) else { return 0 }
        return self.transfers.time(from: a, to: b, bytes: bytes)
    }

    /// SPEC §3 list scheduling: by upward rank (ties: file order), each layer at the later of its
    /// inputs' arrival and its device's last finish, without filling gaps.
    public func listSchedule(_ assignment: Assignment) -> [Double] {
        listSchedule(assignment, TransferSet(self, assignment))
    }

    func listSchedule(_ assignment: Assignment, _ transfers: TransferSet) -> [Double] {
        appendSchedule(assignment, transfers, priority: upwardRank(assignment, transfers))
    }

    /// SPEC §3 upward rank: a layer's cost plus the longest chain of transfers and costs after it.
    func upwardRank(_ assignment: Assignment, _ transfers: TransferSet) -> [Double] {
        var rank = [Double](repeating: 0, count: layerCount)
        for v in graph.topologicalOrder.reversed() {
            var tail = 0.0
            for w in graph.successors(of: v) {
                tail = max(tail, transferTime(assignment, transfers, from: v, to: assignment.device[w]) + rank[w])
            }
            rank[v] = layerCost(assignment, v) + tail
        }
        return rank
    }

    /// Schedules layers one at a time, always the ready layer of highest `priority` (ties: file
    /// order), each at the later of its inputs' arrival, its device's last finish and its
    /// `earliest` start if given. With the start times of a schedule as negated priority it
    /// rebuilds that schedule or a better one.
    public func appendSchedule(_ assignment: Assignment, priority: [Double], earliest: [Double]? = nil) -> [Double] {
        appendSchedule(assignment, TransferSet(self, assignment), priority: priority, earliest: earliest)
    }

    func appendSchedule(
        _ assignment: Assignment, _ transfers: TransferSet, priority: [Double], earliest: [Double]? = nil
    ) -> [Double] {
        var start = [Double](repeating: 0, count: layerCount)
        var finish = [Double](repeating: 0, count: layerCount)
        var deviceFree = [Double](repeating: 0, count: deviceCount)
        for v in graph.topologicalOrder(byPriority: priority) {
            let d = assignment.device[v]
            var begin = max(deviceFree[d], earliest?[v] ?? 0)
            for u in graph.predecessors(of: v) {
                begin = max(begin, finish[u] + transferTime(assignment, transfers, from: u, to: d))
            }
            start[v] = begin
            finish[v] = begin + layerCost(assignment, v)
            deviceFree[d] = finish[v]
        }
        return start
    }

    /// SPEC §3 throughput loads: compute per device, bandwidth time per link (host-staged: per
    /// stage), and with `commOverlap` false the transfer time charged to the devices too.
    func loads(_ assignment: Assignment, _ transfers: TransferSet) -> ([Double], [LinkResource: Double]) {
        var device = [Double](repeating: 0, count: deviceCount)
        var link: [LinkResource: Double] = [:]
        let chargeDevices = !instance.commOverlap
        let model = self.transfers
        for u in 0..<layerCount {
            let a = assignment.device[u]
            device[a] += layerCost(assignment, u)
            let range = transfers.range(of: u)
            if range.isEmpty { continue }
            switch model.mode {
            case .direct:
                for i in range {
                    let b = transfers.destination[i]
                    let seconds = transfers.bytes[i] * model.secondsPerByte[a * deviceCount + b]
                    link[.pair(a, b), default: 0] += seconds
                    if chargeDevices {
                        device[a] += seconds
                        device[b] += seconds
                    }
                }
            case .hostStaged:
                if !model.hostMemory[a], let up = model.hostLink[a] {
                    let seconds = range.map { transfers.bytes[$0] }.max()! / up.bandwidth
                    link[.toHost(a), default: 0] += seconds
                    if chargeDevices { device[a] += seconds }
                }
                var networkBytes: [Int: Double] = [:]
                for i in range {
                    let b = transfers.destination[i]
                    if model.server[b] != model.server[a] {
                        networkBytes[model.server[b]] = max(networkBytes[model.server[b]] ?? 0, transfers.bytes[i])
                    }
                    if !model.hostMemory[b], let down = model.hostLink[b] {
                        let seconds = transfers.bytes[i] / down.bandwidth
                        link[.fromHost(b), default: 0] += seconds
                        if chargeDevices { device[b] += seconds }
                    }
                }
                if let network = model.network {
                    for (server, bytes) in networkBytes {
                        link[.network(model.server[a], server), default: 0] += bytes / network.bandwidth
                    }
                }
            }
        }
        return (device, link)
    }

    /// A link resource's readable name, e.g. `gpu0→cpu0`, `gpu0→host`, `s0→s1`.
    public func linkName(_ resource: LinkResource) -> String {
        switch resource {
        case .pair(let a, let b): "\(deviceName(a))→\(deviceName(b))"
        case .toHost(let a): "\(deviceName(a))→host"
        case .fromHost(let b): "host→\(deviceName(b))"
        case .network(let s, let t): "\(serverNames[s])→\(serverNames[t])"
        }
    }
}
