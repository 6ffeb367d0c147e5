import PlacementModel

/// The outcome of one placement method on one instance: the plan with its evaluation (the
/// only source of the figures reported), the best proven lower bound, and how it ended.
public struct PlacementResult: Sendable {
    public var method: String
    public var solver: String?
    public var status: SolveStatus
    public var assignment: Assignment?
    public var evaluation: Evaluation?
    public var lowerBound: Double?
    public var seconds: Double
    /// Why there is no plan, or what else the user should know.
    public var message: String?

    public init(
        method: String, solver: String? = nil, status: SolveStatus, assignment: Assignment? = nil,
        evaluation: Evaluation? = nil, lowerBound: Double? = nil, seconds: Double = 0, message: String? = nil
    ) {
        self.method = method
        self.solver = solver
        self.status = status
        self.assignment = assignment
        self.evaluation = evaluation
        self.lowerBound = lowerBound
        self.seconds = seconds
        self.message = message
    }
}
