import MILP
import PlacementModel

/// An exact MILP for one objective. Times in the model are seconds × `timeScale`, chosen so
/// that the heuristic's value is about 100: big-M rows stay well conditioned.
protocol Formulation {
    var model: Model { get }
    var timeScale: Double { get }
    /// About how long CBC's root LP and its check of the warm start take, in seconds: CBC checks
    /// its time limit only after them, so a model whose root outlasts the time left overruns it.
    var rootSeconds: Double { get }
    /// Values of every column for a valid plan with its evaluation (latency: the schedule) and
    /// its objective value in seconds (which may include context the evaluation does not see),
    /// or nil if the plan uses a choice the model does not have.
    func startValues(_ assignment: Assignment, _ evaluation: Evaluation, value: Double) -> [Double]?
    /// The plan a solution describes (latency: with a schedule rebuilt from the solution's order).
    func plan(from values: [Double]) -> Assignment
}

extension Problem {
    /// τ(a, b) for what layer u sends along successor entry i at precision p.
    func transferTime(successorEntry i: Int, from u: Int, precision p: Int, _ a: Int, _ b: Int) -> Double {
        transfers.time(from: a, to: b, bytes: edgeBytes(successorEntry: i, from: u, precision: p))
    }
}
