/// A model with its fixed columns (lower bound = upper bound) substituted out, and with the rows
/// dropped that are then empty or implied by the bounds of the columns left. CBC's preprocessing
/// would do this, but it is off whenever a warm start is given (see `CBCSolver`), and a
/// neighbourhood search fixes most of a large model: one window of a 250-layer latency model
/// (92,000 rows, all but 8 layers fixed) took CBC 4.4 s against a 1 s limit, and 1.9 s reduced
/// to 38,000 rows (most of it spent on the MIP start, before CBC looks at its limit).
struct FixedColumnReduction {
    /// The model the solver is given.
    let model: Model
    /// The original index of each column of `model`.
    let kept: [Int]
    /// Every original column's value where it is fixed (and its lower bound elsewhere).
    let fixedValues: [Double]
    /// A row that the fixed columns alone violate: the model has no solution.
    let contradiction: Bool

    /// Models below this many rows go to the solver as they are: CBC sets its root cut passes
    /// by row count (100 below 500 rows), and a 40-layer window reduced from 2,792 rows to
    /// 1,206 spent its whole 1 s at the root where the full window was solved in 0.9 s; a
    /// 40-layer neighbourhood search from the greedy plan ended at 7.14 to 7.40 ms instead of 6.65.
    static let minimumRows = 20_000

    /// Nil when the model has fewer than `minimumRows` rows or no fixed column: it is then
    /// given to the solver as it is.
    init?(_ original: Model, minimumRows: Int = Self.minimumRows) {
        guard original.rowCount >= minimumRows else { return nil }
        let fixed = (0..<original.columnCount).map { original.columnLower[$0] == original.columnUpper[$0] }
        guard fixed.contains(true) else { return nil }
        fixedValues = original.columnLower
        kept = (0..<original.columnCount).filter { !fixed[$0] }
        var model = Model(name: original.name)
        var reducedIndex = [Int](repeating: -1, count: original.columnCount)
        for (i, j) in kept.enumerated() {
            model.addVariable(
                original.columnNames[j], lower: original.columnLower[j], upper: original.columnUpper[j],
                kind: original.columnKind[j])
            reducedIndex[j] = i
        }
        var objective = LinearExpression(constant: original.objectiveConstant)
        for j in 0..<original.columnCount where original.objective[j] != 0 {
            if fixed[j] {
                objective.constant += original.objective[j] * fixedValues[j]
            } else {
                objective.add(original.objective[j], Variable(index: reducedIndex[j]))
            }
        }
        model.setObjective(objective, original.sense)
        var contradiction = false
        for i in 0..<original.rowCount {
            var constant = 0.0
            var terms: [LinearExpression.Term] = []
            // The least and greatest activity the free columns' bounds allow.
            var least = 0.0
            var greatest = 0.0
            for (j, a) in original.row(i) {
                if fixed[j] {
                    constant += a * fixedValues[j]
                } else {
                    terms.append(LinearExpression.Term(Variable(index: reducedIndex[j]), a))
                    least += a > 0 ? a * original.columnLower[j] : a * original.columnUpper[j]
                    greatest += a > 0 ? a * original.columnUpper[j] : a * original.columnLower[j]
                }
            }
            let lower = original.rowLower[i] - constant
            let upper = original.rowUpper[i] - constant
            if terms.isEmpty {
                let tolerance = 1e-9 * max(1, abs(constant))
                if lower > tolerance || upper < -tolerance { contradiction = true }
            } else if least < lower || greatest > upper {
                model.addRow(terms, lower: lower, upper: upper, name: original.rowNames[i])
            }
        }
        self.model = model
        self.contradiction = contradiction
    }

    /// The values of the columns kept, from values of every original column.
    func restrict(_ values: [Double]) -> [Double] { kept.map { values[$0] } }

    /// Every original column's value, from values of the columns kept.
    func expand(_ values: [Double]) -> [Double] {
        var all = fixedValues
        for (i, j) in kept.enumerated() { all[j] = values[i] }
        return all
    }
}
