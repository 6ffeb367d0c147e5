import Foundation
import PlacementModel

/// The rows `dnnplace bench` writes, one per instance × method × objective, as CSV (resumable,
/// mergeable across shards) and summarised as Markdown.
public struct BenchmarkRow: Sendable, Equatable {
    public var instance: String
    public var method: String
    public var objective: String
    public var status: String
    public var value: Double?
    public var lowerBound: Double?
    public var seconds: Double
    public var layers: Int
    public var edges: Int
    public var devices: Int

    public init(
        instance: String, method: String, objective: String, status: String, value: Double?, lowerBound: Double?,
        seconds: Double, layers: Int, edges: Int, devices: Int
    ) {
        self.instance = instance
        self.method = method
        self.objective = objective
        self.status = status
        self.value = value
        self.lowerBound = lowerBound
        self.seconds = seconds
        self.layers = layers
        self.edges = edges
        self.devices = devices
    }

    /// What identifies a row: a resumed run skips work whose key is already written.
    public var key: String { Self.key(instance: instance, method: method, objective: objective) }

    public static func key(instance: String, method: String, objective: String) -> String {
        "\(instance)\u{1}\(method)\u{1}\(objective)"
    }

    public var gap: Double? {
        guard let value, let lowerBound, lowerBound > 0 else { return nil }
        return (value - lowerBound) / lowerBound
    }
}

public enum BenchmarkTable {
    public static let header = "instance,method,objective,status,value,lowerBound,gap,seconds,layers,edges,devices"

    public static func csvLine(_ row: BenchmarkRow) -> String {
        func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        return [
            quote(row.instance), quote(row.method), row.objective, row.status, number(row.value), number(row.lowerBound),
            number(row.gap), String(format: "%.3f", row.seconds), "\(row.layers)", "\(row.edges)", "\(row.devices)",
        ].joined(separator: ",")
    }

    public static func csv(_ rows: [BenchmarkRow]) -> String {
        ([header] + rows.map(csvLine)).joined(separator: "\n") + "\n"
    }

    /// Parses what `csv` wrote; errors name the line.
    public static func parse(_ text: String, file: String) throws(InputError) -> [BenchmarkRow] {
        var rows: [BenchmarkRow] = []
        var errors: [Diagnostic] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if number == 0, line == header { continue }
            let fields = splitCSV(String(line))
            func double(_ i: Int) -> Double? { fields[i].isEmpty ? nil : Double(fields[i]) }
            guard fields.count == 11, let seconds = Double(fields[7]), let layers = Int(fields[8]), let edges = Int(fields[9]),
                let devices = Int(fields[10])
            else {
                errors.append(Diagnostic(file: file, path: "line \(number + 1)", message: "not a row of \(header)"))
                continue
            }
            rows.append(BenchmarkRow(
                instance: fields[0], method: fields[1], objective: fields[2], status: fields[3], value: double(4),
                lowerBound: double(5), seconds: seconds, layers: layers, edges: edges, devices: devices))
        }
        if !errors.isEmpty { throw InputError(errors) }
        return rows
    }

    private static func quote(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    private static func splitCSV(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(line)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }

    /// Per objective and method: the geometric mean of value / best (the best plan any method
    /// found on the instance) and of seconds, wins (best value, ties counted for each), and the
    /// geometric mean of best bound / best plan; then the headline comparisons.
    public static func markdown(_ rows: [BenchmarkRow], title: String, command: String) -> String {
        var lines = ["# \(title)", "", "Produced by: `\(command)`", ""]
        for objective in ["latency", "throughput"] {
            let group = rows.filter { $0.objective == objective }
            guard !group.isEmpty else { continue }
            let instances = Array(Set(group.map(\.instance))).sorted()
            var best: [String: Double] = [:]
            var bound: [String: Double] = [:]
            for instance in instances {
                let mine = group.filter { $0.instance == instance }
                best[instance] = mine.compactMap(\.value).min()
                bound[instance] = mine.compactMap(\.lowerBound).max()
            }
            var table = TextTable(["method", "plans", "value / best (geo. mean)", "wins", "seconds (geo. mean)"], rightAligned: [1, 2, 3, 4])
            for method in Array(Set(group.map(\.method))).sorted() {
                let mine = group.filter { $0.method == method }
                let ratios = mine.compactMap { row in row.value.flatMap { v in best[row.instance].map { v / $0 } } }
                let wins = mine.filter { row in row.value != nil && row.value! <= best[row.instance]! * (1 + 1e-9) }.count
                table.append([
                    method, "\(ratios.count)/\(mine.count)", ratios.isEmpty ? "-" : formatSignificant(geometricMean(ratios), digits: 4),
                    "\(wins)", formatSignificant(geometricMean(mine.map { max($0.seconds, 1e-3) }), digits: 3),
                ])
            }
            let boundRatios = instances.compactMap { i in bound[i].flatMap { b in best[i].map { b / $0 } } }
            lines += [
                "## \(objective) (\(instances.count) instances)", "", "```", table.render(), "```", "",
                "Best lower bound / best plan, geometric mean: \(boundRatios.isEmpty ? "-" : formatSignificant(geometricMean(boundRatios), digits: 3))", "",
            ]
            lines += headlines(group, instances: instances, best: best)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The comparisons the placement papers report: the best plan against the best single
    /// device, split against the MILP, split against the other heuristics.
    private static func headlines(_ rows: [BenchmarkRow], instances: [String], best: [String: Double]) -> [String] {
        func value(_ instance: String, _ method: String) -> BenchmarkRow? {
            rows.first { $0.instance == instance && $0.method == method && $0.value != nil }
        }
        var lines: [String] = []
        let speedups = instances.compactMap { i in value(i, "single")?.value.flatMap { v in best[i].map { v / $0 } } }
        if !speedups.isEmpty {
            lines.append("- best plan against the best single device: \(formatSignificant(geometricMean(speedups), digits: 3))x faster (geometric mean over \(speedups.count))")
        }
        let versusMILP = instances.compactMap { i -> (Double, Double)? in
            guard let split = value(i, "split"), let milp = value(i, "milp") else { return nil }
            return (split.value! / milp.value!, milp.seconds / max(split.seconds, 1e-3))
        }
        if !versusMILP.isEmpty {
            lines.append("- split against the MILP: value ratio \(formatSignificant(geometricMean(versusMILP.map(\.0)), digits: 4)), MILP time / split time \(formatSignificant(geometricMean(versusMILP.map(\.1)), digits: 3)) (geometric means over \(versusMILP.count))")
        }
        for other in ["greedy", "heft", "dp", "local", "single", "random"] {
            let ratios = instances.compactMap { i -> Double? in
                guard let split = value(i, "split"), let rival = value(i, other) else { return nil }
                return rival.value! / split.value!
            }
            if !ratios.isEmpty {
                lines.append("- \(other) / split value: \(formatSignificant(geometricMean(ratios), digits: 4)) (geometric mean over \(ratios.count))")
            }
        }
        return lines.isEmpty ? [] : lines + [""]
    }

    static func geometricMean(_ values: [Double]) -> Double {
        exp(values.map(log).reduce(0, +) / Double(max(values.count, 1)))
    }
}
