import Foundation
import PlacementModel

/// A plan drawn as SVG: for latency, a Gantt chart with a row per device, a bar per layer
/// (coloured by precision) and the transfers into each device as thin grey bars under it; for
/// throughput, each device's and link's load per input against the period. Every bar has a
/// `<title>`, which browsers show on hover. All figures come from the evaluation.
public struct PlanChart {
    public let problem: Problem
    public let assignment: Assignment
    public let evaluation: Evaluation
    public let objective: Objective

    public init(problem: Problem, assignment: Assignment, evaluation: Evaluation, objective: Objective) {
        self.problem = problem
        self.assignment = assignment
        self.evaluation = evaluation
        self.objective = objective
    }

    static let palette = SVG.palette
    static let width = 960.0
    static let labelWidth = 120.0
    static let rowHeight = 28.0

    public func svg() -> String {
        objective == .latency ? gantt() : loads()
    }

    /// The SVG inside a minimal HTML page.
    public func html() -> String {
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>\(SVG.escape(problem.instance.name))</title>
        <style>body{font-family:sans-serif} rect.layer:hover{stroke:#000;stroke-width:1.5}</style></head>
        <body><h1>\(SVG.escape(problem.instance.name))</h1>
        \(svg())
        </body></html>
        """
    }

    private func gantt() -> String {
        let span = max(evaluation.latency, 1e-300)
        let plotWidth = Self.width - Self.labelWidth - 20
        func x(_ time: Double) -> Double { Self.labelWidth + time / span * plotWidth }
        var body = ""
        let transfers = TransferSet(problem, assignment)
        for d in 0..<problem.deviceCount {
            let y = 40 + Double(d) * Self.rowHeight * 1.5
            body += SVG.text(x: 8, y: y + 17, problem.deviceName(d))
            for u in 0..<problem.layerCount {
                // Transfers into d: from u's finish, for τ(u, d).
                guard let bytes = transfers.bytes(from: u, to: d) else { continue }
                let arrival = evaluation.finish[u] + problem.transfers.time(from: assignment.device[u], to: d, bytes: bytes)
                body += rect(
                    x: x(evaluation.finish[u]), y: y + Self.rowHeight - 2, width: x(arrival) - x(evaluation.finish[u]), height: 5,
                    fill: "#bbbbbb", className: "transfer",
                    title: "\(problem.layerName(u)) → \(problem.deviceName(d)): \(formatBytes(bytes)), \(formatSeconds(evaluation.finish[u])) – \(formatSeconds(arrival))")
            }
        }
        for v in 0..<problem.layerCount {
            let d = assignment.device[v]
            let y = 40 + Double(d) * Self.rowHeight * 1.5
            let p = assignment.precision[v]
            body += rect(
                x: x(evaluation.start[v]), y: y, width: x(evaluation.finish[v]) - x(evaluation.start[v]), height: Self.rowHeight - 4,
                fill: Self.palette[p % Self.palette.count], className: "layer",
                title: "\(problem.layerName(v)) (\(problem.precisionName(p))): \(formatSeconds(evaluation.start[v])) – \(formatSeconds(evaluation.finish[v]))")
        }
        let height = 40 + Double(problem.deviceCount) * Self.rowHeight * 1.5 + 60
        let axis = SVG.text(x: Self.labelWidth, y: height - 30, "0") + SVG.text(x: Self.width - 80, y: height - 30, formatSeconds(span))
        return SVG.document(
            width: Self.width, height: height, title: "\(problem.instance.name): latency \(formatSeconds(evaluation.latency))",
            body: body + axis + legend(y: height - 12))
    }

    private func loads() -> String {
        var rows: [(String, Double)] = (0..<problem.deviceCount).map { (problem.deviceName($0), evaluation.deviceLoad[$0]) }
        rows += evaluation.linkLoad.sorted { $0.key < $1.key }.map { (problem.linkName($0.key), $0.value) }
        let scale = max(evaluation.period, 1e-300)
        let plotWidth = Self.width - Self.labelWidth - 20
        var body = ""
        for (i, (name, load)) in rows.enumerated() {
            let y = 40 + Double(i) * Self.rowHeight
            body += SVG.text(x: 8, y: y + 17, name)
            let isDevice = i < problem.deviceCount
            body += rect(
                x: Self.labelWidth, y: y, width: load / scale * plotWidth, height: Self.rowHeight - 6,
                fill: isDevice ? Self.palette[0] : "#bbbbbb", className: isDevice ? "device" : "link",
                title: "\(name): \(formatSeconds(load)) per input (\(Int((load / scale * 100).rounded()))% of the period)")
        }
        let height = 40 + Double(rows.count) * Self.rowHeight + 30
        let periodLine = "<line x1=\"\(SVG.number(Self.labelWidth + plotWidth))\" y1=\"30\" x2=\"\(SVG.number(Self.labelWidth + plotWidth))\" y2=\"\(SVG.number(height - 20))\" stroke=\"#e15759\" stroke-dasharray=\"4 3\"/>\n"
        return SVG.document(
            width: Self.width, height: height, title: "\(problem.instance.name): period \(formatSeconds(evaluation.period)) (\(formatSignificant(evaluation.throughput)) inputs/s)",
            body: body + periodLine)
    }

    private func legend(y: Double) -> String {
        problem.instance.precisions.enumerated().map { p, precision in
            rect(x: Self.labelWidth + Double(p) * 90, y: y - 10, width: 12, height: 12, fill: Self.palette[p % Self.palette.count], className: "legend", title: precision.name)
                + SVG.text(x: Self.labelWidth + Double(p) * 90 + 16, y: y, precision.name)
        }.joined()
    }

    private func rect(x: Double, y: Double, width: Double, height: Double, fill: String, className: String, title: String) -> String {
        let outline = className == "layer" ? " stroke=\"#ffffff\" stroke-width=\"0.75\"" : ""
        return "<rect class=\"\(className)\" x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" width=\"\(SVG.number(max(width, 0.5)))\" height=\"\(SVG.number(height))\" fill=\"\(fill)\"\(outline)><title>\(SVG.escape(title))</title></rect>\n"
    }
}
