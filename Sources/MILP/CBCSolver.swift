import CCbc
import Foundation
import Synchronization

/// COIN-OR CBC 2.10 through its C API. CBC is not thread-safe (two solves at once gave wrong
/// answers here), so every call runs behind one process-wide lock; a fresh model per solve.
public struct CBCSolver: MILPSolver {
    public let name = "cbc"
    public init() {}

    private static let lock = Mutex(())

    public func exclusive<R>(_ body: () -> R) -> R {
        Self.lock.withLock { _ in body() }
    }

    public func run(_ model: Model, _ options: SolveOptions) -> SolveResult {
        guard let cbc = Cbc_newModel() else { return SolveResult(status: .error, message: "CBC could not create a model") }
        defer { Cbc_deleteModel(cbc) }
        let (start, index, value) = model.columnWise()
        // CBC marks infinite bounds with ±DBL_MAX.
        func finite(_ bounds: [Double]) -> [Double] {
            bounds.map { $0.isInfinite ? ($0 > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude) : $0 }
        }
        Cbc_loadProblem(
            cbc, Int32(model.columnCount), Int32(model.rowCount), start, index, value, finite(model.columnLower),
            finite(model.columnUpper), model.objective, finite(model.rowLower), finite(model.rowUpper))
        for j in 0..<model.columnCount where model.columnKind[j] != .continuous { Cbc_setInteger(cbc, Int32(j)) }
        Cbc_setObjSense(cbc, model.sense == .maximize ? -1 : 1)
        Cbc_setParameter(cbc, "log", options.verbose ? "1" : "0")
        Cbc_setLogLevel(cbc, options.verbose ? 1 : 0)  // the LP solver's own log (Clp) follows this one
        Cbc_setParameter(cbc, "timeMode", "elapsed")  // the default counts CPU seconds of all threads
        Cbc_setParameter(cbc, "ratioGap", "\(options.relativeGap)")
        if options.threads > 1 { Cbc_setParameter(cbc, "threads", "\(options.threads)") }
        if let limit = options.timeLimit { Cbc_setParameter(cbc, "seconds", "\(limit)") }
        if let warmStart = options.warmStart, model.hasIntegers {
            // The integer columns only: CBC computes the continuous ones itself.
            let columns = (0..<model.columnCount).filter { model.columnKind[$0] != .continuous }
            Cbc_setMIPStartI(cbc, Int32(columns.count), columns.map(Int32.init), columns.map { warmStart[$0] })
            // With a MIP start, CBC 2.10.8's preprocessing returned solutions that violate the
            // model and bounds above the true optimum (the placement oracle tests caught both).
            Cbc_setParameter(cbc, "preprocess", "off")
        }
        let code = options.verbose ? withStandardOutputOnStandardError { Cbc_solve(cbc) } : Cbc_solve(cbc)
        return result(cbc, model, code: code)
    }

    private func result(_ cbc: UnsafeMutableRawPointer, _ model: Model, code: Int32) -> SolveResult {
        let n = model.columnCount
        let nodes = Int(Cbc_getNodeCount(cbc))
        if Cbc_isContinuousUnbounded(cbc) != 0 { return SolveResult(status: .unbounded, nodes: nodes) }
        if Cbc_isProvenInfeasible(cbc) != 0 || Cbc_isInitialSolveProvenPrimalInfeasible(cbc) != 0 {
            return SolveResult(status: .infeasible, nodes: nodes)
        }
        if !model.hasIntegers {
            guard Cbc_isProvenOptimal(cbc) != 0 || Cbc_isInitialSolveProvenOptimal(cbc) != 0,
                let solution = Cbc_getColSolution(cbc)
            else {
                let limited = Cbc_isSecondsLimitReached(cbc) != 0
                return SolveResult(status: limited ? .noSolution : .error, message: limited ? nil : "CBC ended with status \(code)")
            }
            let values = Array(UnsafeBufferPointer(start: solution, count: n))
            return SolveResult(status: .optimal, values: values)
        }
        // After a search that pruned everything at the MIP start's cutoff, CBC reports ±DBL_MAX.
        let rawBound = Cbc_getBestPossibleObjValue(cbc)
        let bound = abs(rawBound) < 1e300 ? rawBound + model.objectiveConstant : nil
        guard let solution = Cbc_bestSolution(cbc) else {
            let limited = Cbc_isSecondsLimitReached(cbc) != 0 || Cbc_status(cbc) == 1
            return SolveResult(
                status: limited ? .noSolution : .error, bound: bound, nodes: nodes,
                message: limited ? nil : "CBC ended with status \(Cbc_status(cbc)) / \(Cbc_secondaryStatus(cbc))")
        }
        let values = Array(UnsafeBufferPointer(start: solution, count: n))
        // Status 0 / secondary 0 is "search finished, optimal", also when isProvenOptimal misses
        // it (a MIP start that is already optimal leaves it false).
        let proven = Cbc_isProvenOptimal(cbc) != 0 || (Cbc_status(cbc) == 0 && Cbc_secondaryStatus(cbc) == 0)
        return SolveResult(status: proven ? .optimal : .feasible, bound: bound, nodes: nodes, values: values)
    }
}

extension Model {
    /// The constraint matrix by column (CSC), as CBC loads it.
    func columnWise() -> (start: [Int32], index: [Int32], value: [Double]) {
        var start = [Int32](repeating: 0, count: columnCount + 1)
        for column in rowColumns { start[column + 1] += 1 }
        for j in 0..<columnCount { start[j + 1] += start[j] }
        var next = start
        var index = [Int32](repeating: 0, count: nonzeroCount)
        var value = [Double](repeating: 0, count: nonzeroCount)
        for i in 0..<rowCount {
            for (column, coefficient) in row(i) {
                let k = Int(next[column])
                index[k] = Int32(i)
                value[k] = coefficient
                next[column] += 1
            }
        }
        return (start, index, value)
    }
}

/// Runs `body` with file descriptor 1 pointed at 2, so a C library's log cannot mix into the
/// tool's results on standard output. Only for --verbose: it redirects the whole process.
private func withStandardOutputOnStandardError<R>(_ body: () -> R) -> R {
    fflush(nil)
    let saved = dup(1)
    dup2(2, 1)
    defer {
        fflush(nil)
        dup2(saved, 1)
        close(saved)
    }
    return body()
}
