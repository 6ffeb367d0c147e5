import Foundation

/// What a solve may use.
public struct SolveOptions: Sendable {
    /// Wall-clock seconds; nil for none.
    public var timeLimit: Double?
    /// Stop when (|objective − bound|) / |objective| ≤ this; the result is then `optimal`.
    public var relativeGap: Double = 1e-6
    /// Threads for CBC; GLPK is single-threaded.
    public var threads: Int = 1
    /// A feasible assignment of every column: CBC takes it as MIP start, GLPK as first incumbent.
    /// It is also returned when the solver finds nothing better.
    public var warmStart: [Double]?
    /// Stream the solver's log to standard error (never standard output).
    public var verbose = false

    public init(timeLimit: Double? = nil, relativeGap: Double = 1e-6, threads: Int = 1, warmStart: [Double]? = nil, verbose: Bool = false) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.threads = threads
        self.warmStart = warmStart
        self.verbose = verbose
    }
}

public struct SolveResult: Sendable {
    public enum Status: String, Sendable {
        case optimal
        /// Stopped at a limit with a solution.
        case feasible
        case infeasible
        case unbounded
        /// Stopped at a limit without a solution.
        case noSolution
        case error
    }

    public var status: Status
    /// Objective of `values`, computed from the model (not the solver's figure).
    public var objective: Double?
    /// A proven bound on the optimum: ≤ it when minimising, ≥ when maximising.
    public var bound: Double?
    public var nodes = 0
    /// Wall-clock seconds the backend ran, from when it had its lock (CBC's is process-wide).
    public var seconds = 0.0
    /// One value per column; integer columns rounded.
    public var values: [Double]?
    public var message: String?

    /// |objective − bound| / max(|objective|, 1e-12), when both are known.
    public var gap: Double? {
        guard let objective, let bound else { return nil }
        return abs(objective - bound) / max(abs(objective), 1e-12)
    }

    public init(status: Status, objective: Double? = nil, bound: Double? = nil, nodes: Int = 0, values: [Double]? = nil, message: String? = nil) {
        self.status = status
        self.objective = objective
        self.bound = bound
        self.nodes = nodes
        self.values = values
        self.message = message
    }
}

/// A MILP backend. Backends implement `run`; callers use `solve`, which validates the model,
/// checks the solver's answer against the model, and falls back to the warm start.
public protocol MILPSolver: Sendable {
    var name: String { get }
    /// Solves a validated model. `values` may be the solver's raw (unrounded) numbers.
    func run(_ model: Model, _ options: SolveOptions) -> SolveResult
    /// Runs `body` with whatever exclusion the backend needs; the time limit starts inside.
    func exclusive<R>(_ body: () -> R) -> R
}

extension MILPSolver {
    public func exclusive<R>(_ body: () -> R) -> R { body() }
}

/// The backends, by the names the command line uses.
public enum SolverBackend: String, CaseIterable, Sendable {
    case cbc, glpk

    public var solver: any MILPSolver {
        switch self {
        case .cbc: CBCSolver()
        case .glpk: GLPKSolver()
        }
    }
}

extension MILPSolver {
    public func solve(_ model: Model, options: SolveOptions = SolveOptions()) throws(ModelError) -> SolveResult {
        try model.validate()
        if let start = options.warmStart, start.count != model.columnCount {
            throw ModelError(problems: ["warm start has \(start.count) values for \(model.columnCount) variables"])
        }
        // A start the model does not admit would mislead the search (GLPK takes it unchecked).
        var options = options
        if let start = options.warmStart, model.violation(start) > 1e-6 { options.warmStart = nil }
        let reduction = FixedColumnReduction(model)
        let result = exclusive {
            let clock = ContinuousClock.now
            var result = run(reduction, of: model, options)
            let elapsed = ContinuousClock.now - clock
            result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            return result
        }
        return accept(result, model, options)
    }

    /// Solves `model`, or its reduction when it has fixed columns; values are the model's.
    private func run(_ reduction: FixedColumnReduction?, of model: Model, _ options: SolveOptions) -> SolveResult {
        if reduction?.contradiction == true { return SolveResult(status: .infeasible) }
        var options = options
        options.warmStart = options.warmStart.map { reduction?.restrict($0) ?? $0 }
        let solved = reduction?.model ?? model
        var result = run(solved, options)
        if result.status == .infeasible, let start = options.warmStart {
            result = completion(of: start, solved, options, nodes: result.nodes)
        }
        result.values = result.values.map { reduction?.expand($0) ?? $0 }
        return result
    }

    /// The start satisfies the model, so "infeasible" means the search pruned everything at its
    /// cutoff. CBC does this when a start is optimal, and its cutoff is the best completion of
    /// the start's integer part (it computes the continuous columns itself, which can beat the
    /// start's): that completion, found by the LP with those integers fixed, is optimal.
    private func completion(of start: [Double], _ model: Model, _ options: SolveOptions, nodes: Int) -> SolveResult {
        var lpOptions = options
        lpOptions.warmStart = nil
        let lp = run(model.fixingIntegers(to: start), lpOptions)
        guard lp.status == .optimal, let values = lp.values else {
            // Without the completion nothing is proven; `accept` falls back to the start.
            return SolveResult(status: .noSolution, nodes: nodes, message: "\(name) pruned every node, but completing the start failed")
        }
        return SolveResult(status: .optimal, nodes: nodes, values: values)
    }

    /// Rounds integer columns, rejects a solution the model does not admit (solvers have been
    /// seen returning garbage at time limits), and uses the warm start when nothing better is left.
    private func accept(_ raw: SolveResult, _ model: Model, _ options: SolveOptions) -> SolveResult {
        var result = raw
        if var values = result.values {
            for j in 0..<model.columnCount where model.columnKind[j] != .continuous { values[j] = values[j].rounded() }
            if model.violation(values) <= 1e-6 {
                result.values = values
                result.objective = model.objectiveValue(values)
            } else {
                result.values = nil
                result.objective = nil
                result.message = "\(name) returned a solution that violates the model; discarded"
                if result.status == .optimal || result.status == .feasible { result.status = .noSolution }
            }
        }
        if let start = options.warmStart {
            let startObjective = model.objectiveValue(start)
            let better = result.objective.map { model.sense == .minimize ? startObjective < $0 : startObjective > $0 } ?? true
            if better, result.status == .noSolution || result.status == .feasible {
                result.values = start
                result.objective = startObjective
                result.status = .feasible
            }
        }
        if let bound = result.bound, !bound.isFinite { result.bound = nil }
        if let objective = result.objective {
            let minimizing = model.sense == .minimize
            if result.status == .optimal, result.bound == nil {
                // "Optimal" is proven only within the relative gap: that far from the objective.
                let slack = options.relativeGap * abs(objective)
                result.bound = minimizing ? objective - slack : objective + slack
            }
            // A bound past the objective is the solver's tolerance at work.
            if let bound = result.bound { result.bound = minimizing ? min(bound, objective) : max(bound, objective) }
        }
        return result
    }
}
