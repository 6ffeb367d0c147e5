import Foundation
import PlacementModel

/// The objective against accuracy cost as the budget is swept: the points of the plans found
/// and the Pareto front among them (no other point is both cheaper in accuracy and faster).
public struct ParetoFront {
    public struct Point: Sendable, Equatable {
        public var budget: Double
        public var accuracyCost: Double
        public var value: Double
        public var status: String
        public init(budget: Double, accuracyCost: Double, value: Double, status: String) {
            self.budget = budget
            self.accuracyCost = accuracyCost
            self.value = value
            self.status = status
        }
    }

    public var points: [Point]
    public var objective: Objective

    public init(points: [Point], objective: Objective) {
        self.points = points
        self.objective = objective
    }

    /// The non-dominated points, by accuracy cost.
    public var front: [Point] {
        let sorted = points.sorted { ($0.accuracyCost, $0.value) < ($1.accuracyCost, $1.value) }
        var result: [Point] = []
        for point in sorted where result.last.map({ point.value < $0.value }) ?? true { result.append(point) }
        return result
    }

    public var csv: String {
        let onFront = Set(front.map(\.budget))
        return "budget,accuracyCost,\(objective == .latency ? "latency" : "period"),status,pareto\n"
            + points.map { "\($0.budget),\($0.accuracyCost),\($0.value),\($0.status),\(onFront.contains($0.budget))" }.joined(separator: "\n") + "\n"
    }

    public var svg: String {
        let (width, height, left, bottom) = (640.0, 400.0, 70.0, 50.0)
        let maxCost = max(points.map(\.accuracyCost).max() ?? 1, 1e-12)
        let values = points.map(\.value)
        let (low, high) = (values.min() ?? 0, max(values.max() ?? 1, (values.min() ?? 0) * 1.0001 + 1e-12))
        func x(_ cost: Double) -> Double { left + cost / maxCost * (width - left - 30) }
        func y(_ value: Double) -> Double { height - bottom - (value - low) / (high - low) * (height - bottom - 40) }
        var body = "<line x1=\"\(SVG.number(left))\" y1=\"\(SVG.number(height - bottom))\" x2=\"\(SVG.number(width - 20))\" y2=\"\(SVG.number(height - bottom))\" stroke=\"#555\"/>\n"
        body += SVG.text(x: width / 2 - 40, y: height - 12, "accuracy cost") + SVG.text(x: 8, y: y(high) + 4, formatSeconds(high))
        body += SVG.text(x: 8, y: y(low) + 4, formatSeconds(low)) + SVG.text(x: x(maxCost) - 30, y: height - bottom + 16, formatSignificant(maxCost, digits: 3))
        let line = front.map { "\(SVG.number(x($0.accuracyCost))),\(SVG.number(y($0.value)))" }.joined(separator: " ")
        body += "<polyline class=\"front\" points=\"\(line)\" fill=\"none\" stroke=\"\(SVG.palette[0])\" stroke-width=\"2\"/>\n"
        for point in points {
            body += "<circle class=\"point\" cx=\"\(SVG.number(x(point.accuracyCost)))\" cy=\"\(SVG.number(y(point.value)))\" r=\"4\" fill=\"\(SVG.palette[1])\"><title>budget \(formatSignificant(point.budget)): accuracy cost \(formatSignificant(point.accuracyCost)), \(formatSeconds(point.value)) (\(point.status))</title></circle>\n"
        }
        let name = objective == .latency ? "latency" : "period"
        return SVG.document(width: width, height: height, title: "\(name) against accuracy cost", body: body)
    }
}
