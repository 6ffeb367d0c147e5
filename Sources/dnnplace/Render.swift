import ArgumentParser
import PlacementModel
import Reports

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a plan: a Gantt chart (latency) or device and link loads (throughput).",
        discussion: """
            Writes SVG, or HTML with the SVG inside, by the --out extension. Bars are coloured \
            by precision; hovering a bar shows the layer (or transfer, or load) and its times. \
            The plan is evaluated first: a plan that breaks a constraint is refused.

            Examples:
              dnnplace solve instances/cnn-cpu-2gpu.json --out plan.json
              dnnplace render instances/cnn-cpu-2gpu.json plan.json --out plan.svg
              dnnplace render instances/cnn-cpu-2gpu.json plan.json --objective throughput --out loads.html
            """)

    @Argument(help: "The instance file.")
    var instance: String

    @Argument(help: "The plan file (dnnplace-plan/1 JSON, or the JSON result `solve --json` printed).")
    var plan: String

    @Option(help: "latency (Gantt chart) or throughput (loads); default: the plan's, else the instance's.")
    var objective: Objective?

    @Option(help: "Output file: .svg or .html.")
    var out: String

    func validate() throws {
        guard out.hasSuffix(".svg") || out.hasSuffix(".html") else { throw ValidationError("--out must end in .svg or .html") }
    }

    func run() throws {
        try reportingInputErrors {
            let (problem, plan, assignment, evaluation) = try loadEvaluatedPlan(instance: instance, plan: self.plan)
            let chart = PlanChart(
                problem: problem, assignment: assignment, evaluation: evaluation,
                objective: objective ?? plan.objective ?? problem.instance.objective)
            try write(out.hasSuffix(".html") ? chart.html() : chart.svg(), to: out)
        }
    }
}
