import Placement
import PlacementModel

/// What a command reports about one run: the SPEC §7 result object (`json`) and the same
/// figures as a readable summary (`text`). Every figure comes from the evaluator or a bound.
public struct PlanReport {
    public var problem: Problem
    public var objective: Objective
    public var result: PlacementResult

    public init(problem: Problem, objective: Objective, result: PlacementResult) {
        self.problem = problem
        self.objective = objective
        self.result = result
    }

    var evaluation: Evaluation? { result.evaluation }
    var assignment: Assignment? { result.assignment }
    var lowerBound: Double? { result.lowerBound }
    public var status: SolveStatus { result.status }

    public var value: Double? { evaluation?.value(objective) }

    /// (value − LB) / LB, when both are known and LB > 0.
    public var gap: Double? {
        guard let value, let lowerBound, lowerBound > 0 else { return nil }
        return max(0, (value - lowerBound) / lowerBound)
    }

    public var json: JSONValue {
        let memory = evaluation.map { evaluation in
            JSONValue.object((0..<problem.deviceCount).map { JSONMember(problem.deviceName($0), .number(evaluation.memory[$0])) })
        }
        return .record([
            "instance": .string(problem.instance.name),
            "objective": .string(objective.rawValue),
            "method": .string(result.method),
            "solver": result.solver.map(JSONValue.string),
            "status": .string(status.rawValue),
            "message": result.message.map(JSONValue.string),
            "value": value.map(JSONValue.number),
            "lowerBound": lowerBound.map(JSONValue.number),
            "gap": gap.map(JSONValue.number),
            "seconds": .number(result.seconds),
            "latency": evaluation.map { .number($0.latency) },
            "period": evaluation.map { .number($0.period) },
            "throughput": evaluation.map { .number($0.throughput) },
            "memory": memory,
            "accuracyCost": evaluation.map { .number($0.accuracyCost) },
            "plan": assignment.map { problem.plan($0, objective: objective).json },
        ])
    }

    /// A summary for a terminal: headline figures, then devices, links and (small plans) layers.
    public func text(maxLayerRows: Int = 40) -> String {
        var lines: [String] = []
        let instance = problem.instance
        lines.append("\(instance.name): \(counted(problem.layerCount, "layer")), \(counted(problem.graph.edgeCount, "edge")), \(counted(problem.deviceCount, "device"))")
        // Optimal under a gap the user loosened is said so, next to the figure.
        let within = status == .optimal && (gap ?? 0) > SolveRequest.defaultGap ? " within the requested gap" : ""
        lines.append("method \(result.method)\(result.solver.map { ", solver \($0)" } ?? ""), objective \(objective.rawValue): \(status.rawValue)\(within)")
        if let message = result.message { lines.append(message) }
        guard let evaluation, let assignment else { return lines.joined(separator: "\n") }
        var summary = TextTable(["", ""])
        let schedule = evaluation.scheduleWasGiven ? "schedule from the plan" : "list-scheduled"
        summary.append(["latency", "\(formatSeconds(evaluation.latency)) (\(schedule))"])
        summary.append(["period", "\(formatSeconds(evaluation.period)) (\(formatSignificant(evaluation.throughput)) inputs/s)"])
        if let lowerBound {
            let gapText = gap.map { ", gap \(formatGap($0))" } ?? ""
            summary.append(["lower bound", formatSeconds(lowerBound) + gapText])
        }
        if instance.accuracyBudget != nil || evaluation.accuracyCost > 0 {
            let budget = instance.accuracyBudget.map { " (budget \(formatSignificant($0)))" } ?? ""
            summary.append(["accuracy cost", formatSignificant(evaluation.accuracyCost) + budget])
        }
        summary.append(["time", formatSeconds(result.seconds)])
        lines.append(summary.render(indent: "  "))

        var devices = TextTable(["device", "kind", "layers", "busy", "load", "memory", "capacity"], rightAligned: [2, 3, 4, 5, 6])
        var layerCount = [Int](repeating: 0, count: problem.deviceCount)
        for d in assignment.device { layerCount[d] += 1 }
        for d in 0..<problem.deviceCount {
            let load = evaluation.period > 0 ? evaluation.deviceLoad[d] / evaluation.period : 0
            devices.append([
                problem.deviceName(d), problem.kindNames[problem.kindOf[d]], "\(layerCount[d])",
                formatSeconds(evaluation.deviceLoad[d]), "\(Int((load * 100).rounded()))%",
                formatBytes(evaluation.memory[d]), formatBytes(problem.memory[d]),
            ])
        }
        lines.append("")
        lines.append(devices.render(indent: "  "))

        if !evaluation.linkLoad.isEmpty {
            var links = TextTable(["link", "busy", "load"], rightAligned: [1, 2])
            for (resource, load) in evaluation.linkLoad.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                let share = evaluation.period > 0 ? load / evaluation.period : 0
                links.append([problem.linkName(resource), formatSeconds(load), "\(Int((share * 100).rounded()))%"])
            }
            lines.append("")
            lines.append(links.render(indent: "  "))
        }

        var layers = TextTable(["layer", "device", "precision", "start", "finish"], rightAligned: [3, 4])
        let order = (0..<problem.layerCount).sorted { (evaluation.start[$0], $0) < (evaluation.start[$1], $1) }
        for v in order.prefix(maxLayerRows) {
            layers.append([
                problem.layerName(v), problem.deviceName(assignment.device[v]),
                problem.precisionName(assignment.precision[v]), formatSeconds(evaluation.start[v]),
                formatSeconds(evaluation.finish[v]),
            ])
        }
        lines.append("")
        lines.append(layers.render(indent: "  "))
        if order.count > maxLayerRows {
            lines.append("  … \(order.count - maxLayerRows) more layers (--json or --out for all)")
        }
        return lines.joined(separator: "\n")
    }
}
