/// The outcome of a run, as SPEC §7 names it in the result object.
public enum SolveStatus: String, Sendable {
    /// Proven optimal (within the requested gap).
    case optimal
    /// A valid plan, stopped at a limit or found by a heuristic; optimality not proven.
    case feasible
    /// Proven to have no valid plan.
    case infeasible
    /// No plan found and nothing proven.
    case unknown
    case error

    /// The process exit status SPEC §7 assigns: 0 with a plan, 2 infeasible, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .optimal, .feasible: 0
        case .infeasible: 2
        case .unknown, .error: 1
        }
    }
}
