import PlacementModel

/// Hill climbing over plans: move one layer (its whole group, if it has one) to another allowed
/// (device, precision), keep the move if the evaluated objective improves, until no move improves
/// or the deadline passes. Plateaus are broken by a secondary score (latency: Σ finish times;
/// throughput: Σ squared loads), so moves that relieve a non-critical device still count.
/// Every step is checked by the evaluator; each pass costs O(n · options · E log n).
public enum LocalSearch {
    public static func improve(
        _ problem: Problem, from start: Assignment, objective: Objective, deadline: ContinuousClock.Instant
    ) -> Assignment {
        // Moves change the assignment, so every candidate is rescheduled (latency: insertion
        // scheduling); a schedule that came with the start is kept if nothing beats it.
        let given = score(problem.evaluate(start), objective)
        var current = scheduled(problem, start, objective)
        var currentScore = score(problem.evaluate(current), objective)
        guard currentScore != nil else { return start }
        var groupOf = [Int: [Int]]()
        for group in problem.groups { for v in group { groupOf[v] = group } }
        var improved = true
        while improved, ContinuousClock.now < deadline {
            improved = false
            for v in problem.graph.topologicalOrder {
                if ContinuousClock.now >= deadline { break }
                let members = groupOf[v] ?? [v]
                for option in problem.options[v]
                where option.device != current.device[v] || option.precision != current.precision[v] {
                    var candidate = current
                    for w in members { candidate.device[w] = option.device }
                    candidate.precision[v] = option.precision
                    candidate = scheduled(problem, candidate, objective)
                    guard let candidateScore = score(problem.evaluate(candidate), objective),
                        candidateScore < currentScore!
                    else { continue }
                    current = candidate
                    currentScore = candidateScore
                    improved = true
                }
            }
        }
        if let given, !(currentScore! < given) { return start }
        return current
    }

    /// The plan with the schedule local search compares by: for latency the insertion schedule
    /// (as HEFT builds it, often better than list scheduling); for throughput none is needed.
    static func scheduled(_ problem: Problem, _ plan: Assignment, _ objective: Objective) -> Assignment {
        var result = plan
        result.start = objective == .latency ? problem.insertionSchedule(plan) : nil
        return result
    }

    /// The objective's value, then a secondary figure that breaks plateaus.
    struct Score: Comparable {
        let value: Double
        let secondary: Double
        static func < (a: Score, b: Score) -> Bool {
            let tolerance = 1e-12 * max(abs(a.value), abs(b.value))
            if a.value < b.value - tolerance { return true }
            if a.value > b.value + tolerance { return false }
            return a.secondary < b.secondary * (1 - 1e-12)
        }
    }

    static func score(_ evaluation: Evaluation, _ objective: Objective) -> Score? {
        guard evaluation.isValid else { return nil }
        switch objective {
        case .latency:
            return Score(value: evaluation.latency, secondary: evaluation.finish.reduce(0, +))
        case .throughput:
            let squares = evaluation.deviceLoad.reduce(0) { $0 + $1 * $1 } + evaluation.linkLoad.values.reduce(0) { $0 + $1 * $1 }
            return Score(value: evaluation.period, secondary: squares)
        }
    }
}
