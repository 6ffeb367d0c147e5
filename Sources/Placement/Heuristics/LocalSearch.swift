import PlacementModel

/// Hill climbing over plans: move one layer (its whole group, if it has one) to another allowed
/// (device, precision), keep the move if the evaluated objective improves, until no move improves
/// or the deadline passes. Plateaus are broken by a secondary score (latency: Σ finish times;
/// throughput: Σ squared loads), so moves that relieve a non-critical device still count.
/// Every step is checked by the evaluator; each pass costs O(n · options · E log n).
///
/// With `kicks`, the time left once no move improves goes to an iterated local search of at
/// most that many rounds (none once the value is at most `target`, a proven bound), drawn from a fixed seed (so, when the deadline does not bind, the
/// same plan on any machine). A round makes a few random moves in a short stretch of the
/// topological order, climbs over that stretch, and keeps the result only if it beats the plan.
/// (Measured, `solve --method local --time-limit 10`, generated instances: latency 300 layers
/// 56.27 → 55.41 ms, 400 layers 76.75 → 74.77 and 82.23 → 80.46 ms, 500 layers 102.2 → 101.0
/// ms, 1,000 layers 197.7 → 197.4 ms; throughput periods 0.8 to 2.9% shorter on four of them.
/// The climb alone had stopped before the limit on all of them.)
public enum LocalSearch {
    public static func improve(
        _ problem: Problem, from start: Assignment, objective: Objective, deadline: ContinuousClock.Instant,
        kicks: Int = 0, target: Double = 0
    ) -> Assignment {
        // Moves change the assignment, so every candidate is rescheduled (latency: insertion
        // scheduling); a schedule that came with the start is kept if nothing beats it.
        let given = score(problem.evaluate(start), objective)
        var current = scheduled(problem, start, objective)
        guard var currentScore = score(problem.evaluate(current), objective) else { return start }
        var groupOf = [Int: [Int]]()
        for group in problem.groups { for v in group { groupOf[v] = group } }
        func move(_ plan: Assignment, _ v: Int, _ option: Problem.Option) -> Assignment {
            var candidate = plan
            for w in groupOf[v] ?? [v] { candidate.device[w] = option.device }
            candidate.precision[v] = option.precision
            return scheduled(problem, candidate, objective)
        }
        func climb(_ plan: inout Assignment, _ planScore: inout Score, over layers: [Int]) {
            var improved = true
            while improved, ContinuousClock.now < deadline {
                improved = false
                for v in layers {
                    if ContinuousClock.now >= deadline { break }
                    for option in problem.options[v]
                    where option.device != plan.device[v] || option.precision != plan.precision[v] {
                        let candidate = move(plan, v, option)
                        guard let candidateScore = score(problem.evaluate(candidate), objective), candidateScore < planScore
                        else { continue }
                        plan = candidate
                        planScore = candidateScore
                        improved = true
                    }
                }
            }
        }
        let order = problem.graph.topologicalOrder
        climb(&current, &currentScore, over: order)
        if order.count > kickWindow {
            var generator = SeededGenerator(seed: 1)
            var kicked = 0
            while kicked < kicks, currentScore.value > target, ContinuousClock.now < deadline {
                kicked += 1
                let first = Int.random(in: 0...(order.count - kickWindow), using: &generator)
                let window = Array(order[first..<(first + kickWindow)])
                var plan = current
                for v in window.shuffled(using: &generator).prefix(kickSize) {
                    if let option = problem.options[v].randomElement(using: &generator) { plan = move(plan, v, option) }
                }
                guard var planScore = score(problem.evaluate(plan), objective) else { continue }
                climb(&plan, &planScore, over: window)
                if planScore < currentScore {
                    current = plan
                    currentScore = planScore
                }
            }
        }
        if let given, !(currentScore < given) { return start }
        return current
    }

    /// A kick: `kickSize` random moves among `kickWindow` consecutive layers. On the five
    /// latency instances above, 2 of 16 did best or close to it (2 of 12 or 24 about as well);
    /// 3 or 4 of 16, 4 of 24 or 40 and 8 of 40 did worse.
    static let kickWindow = 16
    static let kickSize = 2

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
