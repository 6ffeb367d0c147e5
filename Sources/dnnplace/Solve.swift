import ArgumentParser
import Foundation
import MILP
import Placement
import PlacementModel
import Reports

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the plan with minimal latency or maximal throughput.",
        discussion: """
            Methods: 'milp' solves the exact MILP (SPEC §3) with GLPK or CBC, warm-started from \
            a heuristic plan, and reports the solver's proven bound; 'split' cuts the graph into \
            modules by modularity and solves them in order with the MILP (SPEC §5), then \
            improves the plan across module borders; 'auto' \
            (default) uses the MILP up to the sizes where, within a minute, it ends as good as split \
            or within about 1% with a higher bound (300 layers for latency, 120 for throughput), \
            else split. Baselines: 'greedy', 'heft', 'single' (best single device), 'dp' \
            (contiguous split, throughput), 'random' (--seed), 'local' (local search from the best of them \
            and, for throughput, from the rounded solution of the relaxation that gives the bound; then random \
            kicks until the time limit or a proven bound). Every \
            plan is re-evaluated: the figures printed are the evaluator's, with the best proven \
            lower bound and the gap. 'optimal' means proven within --gap.

            An infeasible instance exits with status 2 and the reason (e.g. "layers need \
            19.2 GB of weights, devices hold 16 GB").

            Examples:
              dnnplace solve instances/tiny.json
              dnnplace solve instances/cnn-cpu-2gpu.json --method milp --solver glpk --time-limit 30 --out plan.json
              dnnplace solve instances/quantized-chain.json --objective throughput --json
              dnnplace solve instances/tiny.json --method milp --write-model tiny.lp
              dnnplace solve instances/quantized-chain.json --pareto 8 --pareto-out chain-front
            """)

    @Argument(help: "The instance file (dnnplace-instance/1 JSON, or a NeurIPS'20 placement input), or an ONNX model with --devices.")
    var instance: String

    @OptionGroup var input: ModelInput

    @Option(help: "How to solve (see the methods above).")
    var method: Method = .auto

    @Option(help: "MILP solver: cbc or glpk.")
    var solver: SolverBackend = .cbc

    @Option(help: "latency or throughput (default: the instance's).")
    var objective: Objective?

    @Option(parsing: .unconditional, help: "Wall-clock seconds, counted from the command's start (default 60; 8 for split, auto and local above 2,000 layers; with --pareto, per budget).")
    var timeLimit: Double?

    @Option(parsing: .unconditional, help: "Seed of the randomised methods (random).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Relative gap (value − lower bound) / lower bound at which the MILP method may stop and call its plan optimal (e.g. 0.03 for 3%).")
    var gap: Double = SolveRequest.defaultGap

    @Option(parsing: .unconditional, help: "Solver threads (CBC).")
    var threads: Int = 1

    @Option(help: "Write the plan (dnnplace-plan/1) to this file.")
    var out: String?

    @Option(help: "Write the MILP to this .lp (CPLEX LP) or .mps file before solving, for another solver.")
    var writeModel: String?

    @Flag(help: "Print the SPEC §7 result object as JSON instead of a table.")
    var json = false

    @Flag(help: "Stream the solver's log to standard error.")
    var verbose = false

    @Flag(inversion: .prefixedNo, help: "Print each phase of the solve, with the time, to standard error (default: when it is a terminal and --verbose is off).")
    var progress: Bool?

    @Flag(help: "Do not break symmetry between interchangeable devices (to measure its effect).")
    var noSymmetryBreaking = false

    @Flag(help: "Do not warm-start the MILP from the greedy plan (to measure its effect).")
    var noWarmStart = false

    @Option(parsing: .unconditional, help: "Sweep the accuracy budget from 0 to its largest useful value in this many steps and write PREFIX.csv and PREFIX.svg (the latency or period against accuracy cost front) instead of one plan.")
    var pareto: Int?

    @Option(help: "With --pareto: the output prefix.")
    var paretoOut = "pareto"

    func validate() throws {
        try checkTimeLimit(timeLimit)
        guard gap >= 0 else { throw ValidationError("--gap must not be negative") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let pareto, pareto < 1 { throw ValidationError("--pareto needs at least 1 step") }
        if let writeModel, ModelFileFormat(path: writeModel) == nil {
            throw ValidationError("--write-model needs a .lp or .mps file name")
        }
    }

    func run() throws {
        let start = ContinuousClock.now
        try reportingInputErrors {
            try checkWritable(out, writeModel, pareto == nil ? nil : paretoOut + ".csv")
            let problem = try input.problem(instance, objective: objective)
            var request = SolveRequest(objective: objective ?? problem.instance.objective)
            request.method = method
            request.solver = solver
            let limit = timeLimit ?? Placer.defaultTimeLimit(problem, method)
            request.timeLimit = pareto == nil ? remainingTime(of: limit, since: start) : limit
            request.seed = seed
            request.gap = gap
            request.threads = threads
            request.verbose = verbose
            request.breakSymmetry = !noSymmetryBreaking
            request.warmStart = !noWarmStart
            request.writeModel = writeModel
            if progress ?? (!verbose && isatty(STDERR_FILENO) != 0) { request.progress = progressPrinter(since: start) }
            if let steps = pareto {
                try sweepBudget(problem, request, steps: steps)
                return
            }
            let result = try Placer.solve(problem, request)
            if let out, let assignment = result.assignment {
                try write(problem.plan(assignment, objective: request.objective).json.serialized(pretty: true) + "\n", to: out)
            }
            try emit(PlanReport(problem: problem, objective: request.objective, result: result), json: json)
        }
    }
}

extension Solve {
    /// Solves at budgets 0, B/steps, …, B, where B = Σ over layers of their largest sensitivity:
    /// no larger budget can change the answer.
    func sweepBudget(_ problem: Problem, _ request: SolveRequest, steps: Int) throws {
        let largest = (0..<problem.layerCount).reduce(0.0) { total, v in
            total + (problem.options[v].map { problem.sensitivity(v, $0.precision) }.max() ?? 0)
        }
        var points: [ParetoFront.Point] = []
        for step in 0...steps {
            var instance = problem.instance
            instance.accuracyBudget = largest * Double(step) / Double(steps)
            let result = try Placer.solve(try Problem(instance), request)
            printError("budget \(formatSignificant(instance.accuracyBudget!)): \(result.status.rawValue)")
            guard let evaluation = result.evaluation else { continue }
            points.append(ParetoFront.Point(
                budget: instance.accuracyBudget!, accuracyCost: evaluation.accuracyCost,
                value: evaluation.value(request.objective), status: result.status.rawValue))
        }
        let front = ParetoFront(points: points, objective: request.objective)
        try write(front.csv, to: paretoOut + ".csv")
        try write(front.svg, to: paretoOut + ".svg")
        print("\(front.front.count) Pareto-optimal plans of \(points.count); wrote \(paretoOut).csv and \(paretoOut).svg")
    }
}

extension Method: ExpressibleByArgument {}
extension SolverBackend: ExpressibleByArgument {}
