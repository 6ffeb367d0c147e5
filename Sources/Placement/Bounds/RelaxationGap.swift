import MILP
import PlacementModel

/// Where the assignment relaxation of latency loses its bound, assignment by assignment (a
/// diagnostic for the exact method's benchmark). For an assignment x let R(x) be the
/// relaxation's value with every layer held at x's device and precision, and M(x) the best
/// makespan of x (the full latency MILP, so held). The relaxation's bound is the least R(x) over
/// all x. When it stays below the best plan P although R(x_P) is close to M(x_P), the loss is at
/// the relaxation's own optimum x*: M(x*) far above R(x*), because the relaxation lets the layers
/// that share a device overlap in time as long as its work cuts hold.
public enum RelaxationGap {
    /// R(x) and M(x) for one assignment.
    public struct Held: Sendable {
        /// R(x) (the solver's bound on it: equal when it proved its optimum).
        public var relaxed: Double
        /// The best schedule found for x, as the evaluator measures it.
        public var makespan: Double
        /// A proven lower bound on M(x).
        public var makespanBound: Double
    }

    public struct Measurement: Sendable {
        /// The relaxation's proven bound on the optimal latency.
        public var bound: Double
        /// Seconds the relaxation took.
        public var seconds: Double
        /// At the relaxation's optimum (nil when its solver found no assignment in time).
        public var atRelaxationOptimum: Held?
        /// At the given plan's assignment.
        public var atPlan: Held
    }

    /// Solves the relaxation, then R and M at its optimum and at `plan`, each for up to
    /// `request.timeLimit` seconds.
    public static func measure(_ problem: Problem, plan: Assignment, request: SolveRequest) throws -> Measurement {
        let evaluation = problem.evaluate(plan)
        let clock = ContinuousClock.now
        let relaxation = try AssignmentRelaxation.solve(
            problem, request, upperBound: evaluation.latency, warmStart: (plan, evaluation), timeLimit: request.timeLimit)
        let seconds = elapsed(since: clock)
        return Measurement(
            bound: relaxation.bound, seconds: seconds,
            atRelaxationOptimum: try relaxation.plan.map { try held($0.0, problem, request) },
            atPlan: try held(plan, problem, request))
    }

    /// R(x) and M(x): the relaxation and the full model with every choice column fixed to x's.
    static func held(_ assignment: Assignment, _ problem: Problem, _ request: SolveRequest) throws -> Held {
        // The better of the assignment's own schedule, if it has one, and list scheduling.
        var listed = assignment
        listed.start = nil
        let (known, evaluation) = [assignment, listed].map { ($0, problem.evaluate($0)) }
            .filter(\.1.isValid).min { $0.1.latency < $1.1.latency } ?? (listed, problem.evaluate(listed))
        func solve(disjunctive: Bool) throws -> (LatencyFormulation, SolveResult) {
            let formulation = LatencyFormulation(problem, upperBound: evaluation.latency, breakSymmetry: false, disjunctive: disjunctive)
            var model = formulation.model
            // Interchangeable devices relabelled as the warm start is: R and M do not change.
            guard let fixed = formulation.choice.values(choosing: assignment, columnCount: model.columnCount)?.values else {
                throw RelaxationGapError.choiceNotInModel
            }
            for column in formulation.choice.x.joined() { model.tighten(column, lower: fixed[column.index], upper: fixed[column.index]) }
            let options = SolveOptions(
                timeLimit: request.timeLimit, relativeGap: request.solverGap, threads: request.threads,
                warmStart: formulation.startValues(known, evaluation, value: evaluation.latency))
            return (formulation, try request.solver.solver.solve(model, options: options))
        }
        let (relaxation, relaxed) = try solve(disjunctive: false)
        let (full, scheduled) = try solve(disjunctive: true)
        var makespan = evaluation.latency
        if let values = scheduled.values {
            let found = problem.evaluate(full.plan(from: values))
            if found.isValid { makespan = min(makespan, found.latency) }
        }
        return Held(
            relaxed: (relaxed.bound ?? 0) / relaxation.timeScale, makespan: makespan,
            makespanBound: min(makespan, (scheduled.bound ?? 0) / full.timeScale))
    }
}

enum RelaxationGapError: Error, CustomStringConvertible {
    case choiceNotInModel
    var description: String { "the assignment uses a device or precision the latency model does not offer" }
}
