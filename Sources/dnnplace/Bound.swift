import ArgumentParser
import Foundation
import MILP
import Placement
import PlacementModel
import Reports

struct Bound: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute lower bounds: how good can any plan be?",
        discussion: """
            Every bound is proven (the proofs are in the source beside each): the critical path \
            at cheapest costs (latency), the average load, the largest layer (throughput), and \
            the fractional LP relaxation with memory and accuracy-budget rows. With \
            --time-limit the exact MILP also runs that long and adds its dual bound.

            Examples:
              dnnplace bound instances/cnn-cpu-2gpu.json
              dnnplace bound instances/cnn-cpu-2gpu.json --objective throughput --time-limit 10 --json
            """)

    @Argument(help: "The instance file (dnnplace-instance/1 JSON, or a NeurIPS'20 placement input), or an ONNX model with --devices.")
    var instance: String

    @OptionGroup var input: ModelInput

    @Option(help: "latency or throughput (default: the instance's).")
    var objective: Objective?

    @Option(parsing: .unconditional, help: "Also run the exact MILP for this many seconds and use its dual bound.")
    var timeLimit: Double?

    @Option(help: "Solver for the LP and MILP: cbc or glpk.")
    var solver: SolverBackend = .cbc

    @Option(help: "With --time-limit, write the MILP to this .lp or .mps file before solving.")
    var writeModel: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        try checkTimeLimit(timeLimit)
        if let writeModel {
            guard timeLimit != nil else { throw ValidationError("--write-model needs --time-limit (the MILP runs only then)") }
            guard ModelFileFormat(path: writeModel) != nil else { throw ValidationError("--write-model needs a .lp or .mps file name") }
        }
    }

    func run() throws {
        try reportingInputErrors {
            try checkWritable(writeModel)
            let clock = ContinuousClock.now
            let problem = try input.problem(instance, objective: objective)
            let objective = objective ?? problem.instance.objective
            if let reason = Feasibility.infeasibilityReason(problem) {
                printError("infeasible: \(reason)")
                throw ExitCode(2)
            }
            var bounds = LowerBounds.all(problem, objective, solver: solver)
            if timeLimit != nil, let reason = Placer.fullModelSkipReason(problem, objective) {
                printError("note: --time-limit adds no bound: \(reason)" + (writeModel != nil ? ", and no model is written" : ""))
            } else if let timeLimit {
                var request = SolveRequest(objective: objective)
                request.method = .milp
                request.solver = solver
                request.timeLimit = timeLimit
                request.writeModel = writeModel
                let result = try Placer.solve(problem, request)
                if result.status == .infeasible {
                    printError(result.message ?? "infeasible")
                    throw ExitCode(2)
                }
                if let bound = result.lowerBound { bounds.append(LowerBound(name: "milp", value: bound)) }
            }
            let best = LowerBounds.best(bounds)
            let seconds = (ContinuousClock.now - clock).seconds
            if json {
                print(JSONValue.record([
                    "instance": .string(problem.instance.name), "objective": .string(objective.rawValue),
                    "lowerBound": .number(best),
                    "bounds": .object(bounds.map { JSONMember($0.name, .number($0.value)) }),
                    "seconds": .number(seconds),
                ]).serialized(pretty: true))
            } else {
                var table = TextTable(["bound", "value", ""], rightAligned: [1])
                for bound in bounds {
                    table.append([bound.name, formatSeconds(bound.value), bound.value == best ? "best" : ""])
                }
                print("\(problem.instance.name): lower bounds on \(objective.rawValue), computed in \(formatSeconds(seconds))")
                print(table.render(indent: "  "))
            }
        }
    }
}
