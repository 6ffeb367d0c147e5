/// How long the rest of a `dnnplace bench` run will take. Methods differ by orders of magnitude
/// (greedy takes milliseconds, the MILP its whole limit), so a mean over every row done so far
/// misleads: a run that started with fast rows showed "ETA 214.7 ms" with nine minutes to go.
/// Each remaining (method, objective) is charged the mean time of its rows so far, those of a
/// resumed run's earlier rows included, or the time limit before its first row.
public enum BenchmarkETA {
    public static func secondsLeft(
        _ remaining: some Sequence<(method: String, objective: String)>, done: [BenchmarkRow], timeLimit: Double
    ) -> Double {
        var total: [String: (seconds: Double, count: Int)] = [:]
        for row in done {
            let old = total[key(row.method, row.objective)] ?? (0, 0)
            total[key(row.method, row.objective)] = (old.seconds + row.seconds, old.count + 1)
        }
        return remaining.reduce(0) { sum, item in
            sum + (total[key(item.method, item.objective)].map { $0.seconds / Double($0.count) } ?? timeLimit)
        }
    }

    private static func key(_ method: String, _ objective: String) -> String { method + "\u{1}" + objective }
}
