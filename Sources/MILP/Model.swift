/// A mixed-integer linear program, independent of any solver: columns with bounds and kinds,
/// rows `lower ≤ Σ a·x ≤ upper` stored sparse by row (duplicate coefficients merged, zeros
/// dropped), and a linear objective. Knows nothing of DNNs.
public struct Model: Sendable {
    public enum Sense: String, Sendable { case minimize, maximize }
    public enum Kind: Sendable { case continuous, integer, binary }

    public private(set) var columnLower: [Double] = []
    public private(set) var columnUpper: [Double] = []
    public private(set) var columnKind: [Kind] = []
    public private(set) var columnNames: [String] = []
    public private(set) var objective: [Double] = []
    public private(set) var objectiveConstant = 0.0
    public private(set) var sense = Sense.minimize

    public private(set) var rowLower: [Double] = []
    public private(set) var rowUpper: [Double] = []
    public private(set) var rowNames: [String] = []
    /// Row `i` holds `rowColumns[rowStart[i]..<rowStart[i+1]]` with `rowValues` alike.
    public private(set) var rowStart: [Int] = [0]
    public private(set) var rowColumns: [Int] = []
    public private(set) var rowValues: [Double] = []

    public var name: String

    public init(name: String = "model") { self.name = name }

    public var columnCount: Int { columnKind.count }
    public var rowCount: Int { rowLower.count }
    public var nonzeroCount: Int { rowColumns.count }
    public var hasIntegers: Bool { columnKind.contains { $0 != .continuous } }

    /// Adds a column. Binary columns get bounds [0, 1] intersected with the ones given.
    @discardableResult
    public mutating func addVariable(
        _ name: String = "", lower: Double = 0, upper: Double = .infinity, kind: Kind = .continuous
    ) -> Variable {
        columnLower.append(kind == .binary ? max(lower, 0) : lower)
        columnUpper.append(kind == .binary ? min(upper, 1) : upper)
        columnKind.append(kind)
        columnNames.append(name)
        objective.append(0)
        return Variable(index: columnKind.count - 1)
    }

    public mutating func addBinary(_ name: String = "") -> Variable { addVariable(name, upper: 1, kind: .binary) }

    /// Narrows a column's bounds to their intersection with [lower, upper] (e.g. fixing a binary
    /// that a formulation knows cannot be 1).
    public mutating func tighten(_ variable: Variable, lower: Double = -.infinity, upper: Double = .infinity) {
        columnLower[variable.index] = max(columnLower[variable.index], lower)
        columnUpper[variable.index] = min(columnUpper[variable.index], upper)
    }

    /// The LP left when every integer column is fixed at its (rounded) value in `values`: its
    /// optimum is the best completion of that integer part.
    public func fixingIntegers(to values: [Double]) -> Model {
        var lp = self
        for j in 0..<columnCount where columnKind[j] != .continuous {
            lp.columnLower[j] = values[j].rounded()
            lp.columnUpper[j] = values[j].rounded()
            lp.columnKind[j] = .continuous
        }
        return lp
    }

    /// Adds `constraint` as a row (its expression's constant moved to the bounds).
    public mutating func add(_ constraint: LinearConstraint, name: String = "") {
        let c = constraint.expression.constant
        addRow(constraint.expression.terms, lower: constraint.lower - c, upper: constraint.upper - c, name: name)
    }

    /// Adds `lower ≤ Σ terms ≤ upper`, merging repeated variables and dropping zeros.
    public mutating func addRow(_ terms: [LinearExpression.Term], lower: Double, upper: Double, name: String = "") {
        let sorted = terms.sorted { $0.variable.index < $1.variable.index }
        var i = 0
        while i < sorted.count {
            let column = sorted[i].variable.index
            var value = 0.0
            while i < sorted.count, sorted[i].variable.index == column {
                value += sorted[i].coefficient
                i += 1
            }
            if value != 0 {
                rowColumns.append(column)
                rowValues.append(value)
            }
        }
        rowStart.append(rowColumns.count)
        rowLower.append(lower)
        rowUpper.append(upper)
        rowNames.append(name)
    }

    public mutating func minimize(_ expression: LinearExpression) { setObjective(expression, .minimize) }
    public mutating func maximize(_ expression: LinearExpression) { setObjective(expression, .maximize) }

    public mutating func setObjective(_ expression: LinearExpression, _ sense: Sense) {
        objective = [Double](repeating: 0, count: columnCount)
        for term in expression.terms { objective[term.variable.index] += term.coefficient }
        objectiveConstant = expression.constant
        self.sense = sense
    }

    /// Columns of row `i` and their coefficients.
    public func row(_ i: Int) -> Zip2Sequence<ArraySlice<Int>, ArraySlice<Double>> {
        zip(rowColumns[rowStart[i]..<rowStart[i + 1]], rowValues[rowStart[i]..<rowStart[i + 1]])
    }

    public func objectiveValue(_ values: [Double]) -> Double {
        zip(objective, values).reduce(objectiveConstant) { $0 + $1.0 * $1.1 }
    }

    /// Checks what no solver should see: NaN or infinite coefficients, NaN or inverted bounds,
    /// rows or columns whose bounds admit no value. Every problem is listed by name.
    public func validate() throws(ModelError) {
        var problems: [String] = []
        func label(_ kind: String, _ index: Int, _ names: [String]) -> String {
            names[index].isEmpty ? "\(kind) \(index)" : "\(kind) \(index) '\(names[index])'"
        }
        func checkBounds(_ what: String, lower: Double, upper: Double) {
            if lower.isNaN || upper.isNaN {
                problems.append("\(what): a bound is NaN")
            } else if lower > upper {
                problems.append("\(what): lower bound \(lower) exceeds upper bound \(upper)")
            } else if lower == .infinity || upper == -.infinity {
                problems.append("\(what): bounds [\(lower), \(upper)] admit no value")
            }
        }
        for j in 0..<columnCount {
            checkBounds(label("variable", j, columnNames), lower: columnLower[j], upper: columnUpper[j])
            if !objective[j].isFinite {
                problems.append("\(label("variable", j, columnNames)): objective coefficient \(objective[j]) is not finite")
            }
        }
        if !objectiveConstant.isFinite { problems.append("objective constant \(objectiveConstant) is not finite") }
        for i in 0..<rowCount {
            checkBounds(label("constraint", i, rowNames), lower: rowLower[i], upper: rowUpper[i])
            for (column, value) in row(i) where !value.isFinite {
                problems.append("\(label("constraint", i, rowNames)): coefficient \(value) of \(label("variable", column, columnNames)) is not finite")
            }
        }
        if !problems.isEmpty { throw ModelError(problems: problems) }
    }

    /// The largest violation by `values` of a bound, a row or integrality, each scaled by the
    /// magnitude involved, so a solver's tolerance-level slack counts as ~1e-9, not as an error.
    public func violation(_ values: [Double]) -> Double {
        guard values.count == columnCount else { return .infinity }
        var worst = 0.0
        func excess(_ value: Double, _ lower: Double, _ upper: Double, scale: Double) {
            let over = max(lower - value, value - upper, 0)
            worst = max(worst, over / max(1, scale))
        }
        for j in 0..<columnCount {
            let x = values[j]
            guard x.isFinite else { return .infinity }
            excess(x, columnLower[j], columnUpper[j], scale: abs(x))
            if columnKind[j] != .continuous { worst = max(worst, abs(x - x.rounded())) }
        }
        for i in 0..<rowCount {
            var activity = 0.0
            var magnitude = 0.0
            for (column, value) in row(i) {
                activity += value * values[column]
                magnitude += abs(value * values[column])
            }
            excess(activity, rowLower[i], rowUpper[i], scale: magnitude)
        }
        return worst
    }
}

/// A model that cannot be handed to a solver; lists every problem found.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { "invalid model:\n" + problems.map { "  \($0)" }.joined(separator: "\n") }
}
