import ArgumentParser
import Foundation
import Placement
import PlacementModel
import Reports

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute every figure of a plan: latency, throughput, memory, accuracy cost.",
        discussion: """
            A plan without start times is list-scheduled as SPEC §3 says; one with start times \
            has its schedule checked (precedence with transfer times, one layer at a time per \
            device). A plan that breaks a constraint (memory, pins, groups, accuracy budget, an \
            unsupported precision) is reported with every violation and exit status 1.

            Examples:
              dnnplace evaluate instances/tiny.json instances/plans/tiny.json
              dnnplace evaluate instances/tiny.json instances/plans/tiny.json --json --objective throughput
            """)

    @Argument(help: "The instance file (dnnplace-instance/1 JSON, or a NeurIPS'20 placement input).")
    var instance: String

    @Argument(help: "The plan file (dnnplace-plan/1 JSON, or the JSON result `solve --json` printed).")
    var plan: String

    @Option(help: "The figure reported as 'value': latency or throughput (default: the plan's, else the instance's).")
    var objective: Objective?

    @Flag(help: "Print the SPEC §7 result object as JSON instead of a table.")
    var json = false

    func run() throws {
        try reportingInputErrors {
            let clock = ContinuousClock.now
            let (problem, plan, assignment, evaluation) = try loadEvaluatedPlan(instance: instance, plan: self.plan)
            let report = PlanReport(
                problem: problem, objective: objective ?? plan.objective ?? problem.instance.objective,
                result: PlacementResult(
                    method: "evaluate", status: .feasible, assignment: assignment, evaluation: evaluation,
                    seconds: (ContinuousClock.now - clock).seconds))
            try emit(report, json: json)
        }
    }
}

extension Objective: ExpressibleByArgument {}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
