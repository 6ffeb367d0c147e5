import LLMPlanner
import PlacementModel

/// A layout drawn as SVG: a row per stage with its decode time against the slowest stage (the
/// bottleneck sets the pace) and its memory per GPU against capacity. Bars carry `<title>`s.
public struct LayoutChart {
    public let report: LayoutReport

    public init(report: LayoutReport) { self.report = report }

    public func svg() -> String {
        let evaluation = report.plan.evaluation
        let labelWidth = 300.0
        let barWidth = 300.0
        let rowHeight = 24.0
        let slowest = max(evaluation.stages.map(\.decodeTime).max() ?? 1, 1e-300)
        var body = SVG.text(x: labelWidth, y: 44, "decode time per step (slowest \(formatSeconds(slowest)))")
        body += SVG.text(x: labelWidth + barWidth + 40, y: 44, "memory per GPU / capacity")
        for (i, stage) in evaluation.stages.enumerated() {
            let y = 56 + Double(i) * rowHeight
            let server = report.cluster.servers[stage.stage.server].name
            let label = "\(i): \(server) \(stage.stage.tensorParallel)×\(stage.stage.kind) layers \(stage.stage.firstLayer)-\(stage.stage.lastLayer) \(stage.stage.precision)"
            body += SVG.text(x: 8, y: y + 15, label)
            let color = SVG.palette[stage.stage.server % SVG.palette.count]
            let time = stage.decodeTime / slowest * barWidth
            body += "<rect x=\"\(SVG.number(labelWidth))\" y=\"\(SVG.number(y + 3))\" width=\"\(SVG.number(time))\" height=\"16\" fill=\"\(color)\"><title>\(SVG.escape(formatSeconds(stage.decodeTime)))</title></rect>\n"
            let x = labelWidth + barWidth + 40
            let used = min(stage.memoryPerGPU / stage.capacityPerGPU, 1.2) * barWidth
            body += "<rect x=\"\(SVG.number(x))\" y=\"\(SVG.number(y + 3))\" width=\"\(SVG.number(barWidth))\" height=\"16\" fill=\"#eeeeee\"/>\n"
            body += "<rect x=\"\(SVG.number(x))\" y=\"\(SVG.number(y + 3))\" width=\"\(SVG.number(used))\" height=\"16\" fill=\"\(stage.memoryPerGPU > stage.capacityPerGPU ? "#e15759" : color)\"><title>\(SVG.escape("\(formatBytes(stage.memoryPerGPU)) of \(formatBytes(stage.capacityPerGPU))"))</title></rect>\n"
        }
        let height = 72 + Double(evaluation.stages.count) * rowHeight
        let title = "\(report.model.name): \(formatSignificant(evaluation.throughput)) tokens/s, \(formatSeconds(evaluation.timePerToken)) per token"
        return SVG.document(width: labelWidth + 2 * barWidth + 60, height: height, title: title, body: body)
    }
}
