import Foundation
import PlacementModel

/// SVG plots of benchmark rows: quality against time per method (value / best plan on the
/// instance, seconds on a log axis), and per instance the speed-up of the best plan over the
/// best single device.
public enum BenchmarkPlots {
    static let palette = SVG.palette

    public static func qualityVersusTime(_ rows: [BenchmarkRow]) -> String {
        let best = bestValues(rows)
        let points = rows.compactMap { row -> (method: String, seconds: Double, ratio: Double, label: String)? in
            guard let value = row.value, let top = best[row.instance + "/" + row.objective], top > 0 else { return nil }
            return (row.method, max(row.seconds, 1e-3), value / top, "\(row.instance) · \(row.objective) · \(row.method)")
        }
        let methods = Array(Set(points.map(\.method))).sorted()
        let (width, height, left, bottom, top) = (720.0, 420.0, 60.0, 50.0, 30.0)
        let minLog = floor(log10(points.map(\.seconds).min() ?? 1e-3))
        let maxLog = max(ceil(log10(points.map(\.seconds).max() ?? 1)), minLog + 1)
        let maxRatio = max(1.1, min(points.map(\.ratio).max() ?? 1.1, 5))
        func x(_ seconds: Double) -> Double { left + (log10(seconds) - minLog) / (maxLog - minLog) * (width - left - 120) }
        func y(_ ratio: Double) -> Double { height - bottom - (min(ratio, maxRatio) - 1) / (maxRatio - 1) * (height - bottom - top) }
        var body = axes(width: width, height: height, left: left, bottom: bottom, xLabel: "seconds (log)", yLabel: "value / best")
        for tick in stride(from: minLog, through: maxLog, by: 1) {
            body += SVG.text(x: x(pow(10, tick)) - 10, y: height - bottom + 16, "1e\(Int(tick))")
        }
        for tick in [1.0, (1 + maxRatio) / 2, maxRatio] { body += SVG.text(x: 8, y: y(tick) + 4, formatSignificant(tick, digits: 3)) }
        for (m, method) in methods.enumerated() {
            let colour = palette[m % palette.count]
            for point in points where point.method == method {
                body += "<circle class=\"point\" cx=\"\(SVG.number(x(point.seconds)))\" cy=\"\(SVG.number(y(point.ratio)))\" r=\"4\" fill=\"\(colour)\" fill-opacity=\"0.75\"><title>\(SVG.escape(point.label)): \(formatSignificant(point.ratio)) of best, \(formatSeconds(point.seconds))</title></circle>\n"
            }
            body += "<rect x=\"\(SVG.number(width - 110))\" y=\"\(SVG.number(top + Double(m) * 18))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>\n"
            body += SVG.text(x: width - 95, y: top + Double(m) * 18 + 9, method)
        }
        return SVG.document(width: width, height: height, title: "Quality against time (values above \(formatSignificant(maxRatio, digits: 2))x best drawn at the top)", body: body)
    }

    public static func speedUpOverSingleDevice(_ rows: [BenchmarkRow]) -> String {
        let best = bestValues(rows)
        let bars = rows.filter { $0.method == "single" && $0.value != nil }.compactMap { row -> (String, Double)? in
            guard let top = best[row.instance + "/" + row.objective], top > 0 else { return nil }
            return ("\(row.instance) · \(row.objective)", row.value! / top)
        }.sorted { $0.0 < $1.0 }
        let (width, rowHeight, left) = (720.0, 22.0, 260.0)
        let height = 50 + Double(bars.count) * rowHeight + 20
        let largest = max(bars.map(\.1).max() ?? 1, 1)
        var body = ""
        for (i, (label, speedUp)) in bars.enumerated() {
            let y = 40 + Double(i) * rowHeight
            body += SVG.text(x: 8, y: y + 14, label)
            body += "<rect class=\"bar\" x=\"\(SVG.number(left))\" y=\"\(SVG.number(y))\" width=\"\(SVG.number(speedUp / largest * (width - left - 80)))\" height=\"\(SVG.number(rowHeight - 6))\" fill=\"\(palette[0])\"><title>\(SVG.escape(label)): \(formatSignificant(speedUp))x</title></rect>\n"
            body += SVG.text(x: left + speedUp / largest * (width - left - 80) + 6, y: y + 14, "\(formatSignificant(speedUp, digits: 3))x")
        }
        return SVG.document(width: width, height: height, title: "Best plan against the best single device (speed-up)", body: body)
    }

    private static func bestValues(_ rows: [BenchmarkRow]) -> [String: Double] {
        var best: [String: Double] = [:]
        for row in rows { if let value = row.value { best[row.instance + "/" + row.objective] = min(best[row.instance + "/" + row.objective] ?? .infinity, value) } }
        return best
    }

    private static func axes(width: Double, height: Double, left: Double, bottom: Double, xLabel: String, yLabel: String) -> String {
        "<line x1=\"\(SVG.number(left))\" y1=\"\(SVG.number(height - bottom))\" x2=\"\(SVG.number(width - 120))\" y2=\"\(SVG.number(height - bottom))\" stroke=\"#555\"/>\n"
            + "<line x1=\"\(SVG.number(left))\" y1=\"30\" x2=\"\(SVG.number(left))\" y2=\"\(SVG.number(height - bottom))\" stroke=\"#555\"/>\n"
            + SVG.text(x: (width - 120) / 2, y: height - 12, xLabel) + SVG.text(x: left + 8, y: 42, yLabel)
    }
}
